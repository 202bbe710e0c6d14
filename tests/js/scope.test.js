// The scope token (PROTOCOL.md §5.4): stored with the cursor, sent back with it, so a reset
// whose answer was lost is answered again.
import assert from "node:assert/strict";
import test from "node:test";

import { applyResponseTo, buildRequest } from "../../pwa/js/sync/protocol.js";

/** A LocalState over Maps that records what setCursor stored, in the order it was called. */
function mapState(rows = {}) {
  const tables = { models: new Map(), meetings: new Map(), units: new Map(), conflicts: new Map(), criteria_sets: new Map() };
  for (const [table, list] of Object.entries(rows)) for (const r of list) tables[table].set(r.id, r);
  const meta = { cursor: 0, scope: null, calls: [] };
  return {
    tables,
    meta,
    outbox: async () => [],
    putOutbox: async () => {},
    dropOutbox: async () => {},
    get: async (table, id) => tables[table]?.get(id),
    all: async (table) => [...(tables[table]?.values() || [])],
    put: async (table, value) => tables[table].set(value.id, value),
    drop: async (table, id) => tables[table].delete(id),
    clear: async (table) => tables[table]?.clear(),
    setCursor: async (cursor, scope) => {
      meta.calls.push([cursor, scope]);
      meta.cursor = cursor;
      meta.scope = scope;
    },
  };
}

test("buildRequest sends the stored scope token with the cursor (§3.1)", () => {
  const body = buildRequest({ cursor: 7, scope: "abc", batch: [], outboxSize: 0, appVersion: "x" });
  assert.equal(body.cursor, 7);
  assert.equal(body.scope, "abc");
});

test("buildRequest sends no scope key before the first token (§3.1)", () => {
  for (const scope of [undefined, null]) {
    const body = buildRequest({ cursor: 0, scope, batch: [], outboxSize: 0, appVersion: "x" });
    assert.equal("scope" in body, false);
  }
});

test("applyResponseTo stores the scope token with the cursor, after the changes (§5.3, §5.4)", async () => {
  const state = mapState({ models: [{ id: "old", version: 1 }] });
  await applyResponseTo(state, {
    last_seq: 0, results: [], cursor: 12, more: false, reset: true, scope: "new",
    changes: { models: [{ id: "b", version: 1 }] },
  });
  assert.deepEqual(state.meta.calls, [[12, "new"]]);
  assert.deepEqual([...state.tables.models.keys()], ["b"]);
});

test("a reset whose answer was lost is applied when it comes again (§5.4)", async () => {
  const state = mapState({ models: [{ id: "old", version: 1 }] });
  state.meta.cursor = 9;
  state.meta.scope = "before";
  const reset = {
    last_seq: 0, results: [], cursor: 10, more: false, reset: true, scope: "after",
    changes: { models: [{ id: "b", version: 1 }] },
  };
  // The first answer never arrives: nothing is stored, the next request carries the old token.
  const retry = buildRequest({ cursor: state.meta.cursor, scope: state.meta.scope, batch: [], outboxSize: 0, appVersion: "x" });
  assert.deepEqual([retry.cursor, retry.scope], [9, "before"]);
  await applyResponseTo(state, reset);
  assert.deepEqual([state.meta.cursor, state.meta.scope], [10, "after"]);
  assert.deepEqual([...state.tables.models.keys()], ["b"]);
});

test("a response without a scope token clears the stored one (a server before §5.4's token)", async () => {
  const state = mapState();
  state.meta.scope = "stale";
  await applyResponseTo(state, { last_seq: 0, results: [], cursor: 3, more: false, reset: false, changes: {} });
  assert.deepEqual(state.meta.calls, [[3, null]]);
});
