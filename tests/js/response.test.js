import assert from "node:assert/strict";
import test from "node:test";

import { applyOutcome, applyResponseTo, mergePulled, planResults, syncState } from "../../pwa/js/sync/protocol.js";
import { ownFixture } from "./fixtures.js";

for (const c of ownFixture("results.json").cases) {
  test(`planResults: ${c.name}`, () => {
    assert.deepEqual(planResults(c.outbox, c.response), c.expect);
  });
}

for (const c of ownFixture("merge.json").cases) {
  test(`mergePulled: ${c.name}`, () => {
    const pending = c.pending;
    assert.deepEqual(mergePulled(c.local, c.incoming, pending), c.expect);
  });
}

test("mergePulled never changes the pending mutation's base", () => {
  const pending = [{ seq: 1, op: "put", table: "models", base: 2, data: { id: "a", name: "x" },
    record: "models:a" }];
  mergePulled({ id: "a", version: 2 }, { id: "a", version: 7, name: "y" }, pending);
  assert.equal(pending[0].base, 2);
});

test("applyOutcome: applied sets the version and clears an error", () => {
  const local = { id: "a", version: 0, _local: { error: { code: "X", message: "m" } } };
  const next = applyOutcome(local, { table: "models", id: "a", status: "applied", op: "put", version: 1 });
  assert.deepEqual(next, { id: "a", version: 1 });
});

test("applyOutcome: a refused edit keeps values and message; a later accepted change does not hide it", () => {
  const local = { id: "a", version: 3, locality: " " };
  const refused = applyOutcome(local, {
    table: "models", id: "a", status: "rejected", op: "put",
    error: { code: "VALIDATION_FAILED", message: "Dữ liệu không hợp lệ." },
    rejectedData: { id: "a", locality: " " }, rejectedBase: 3,
  });
  assert.equal(refused.locality, " ");
  assert.equal(refused._local.error.code, "VALIDATION_FAILED");
  assert.deepEqual(refused._local.rejected, { data: { id: "a", locality: " " }, base: 3 });
  const later = applyOutcome(refused, { table: "models", id: "a", status: "applied", op: "review", version: 4 });
  assert.equal(later._local.error.code, "VALIDATION_FAILED");
  assert.equal(later.version, 4);
});

test("syncState follows outbox, errors and conflicts", () => {
  const entry = { seq: 5 };
  assert.equal(syncState({}, [entry], 0), "CHO_DONG_BO");
  assert.equal(syncState({}, [entry], 0, new Set([5])), "DANG_DONG_BO");
  assert.equal(syncState({ _local: { error: { code: "X" } } }, [], 1), "LOI");
  assert.equal(syncState({}, [], 1), "XUNG_DOT");
  assert.equal(syncState({}, [], 0), "DA_DONG_BO");
});

/** A LocalState over Maps holding the given rows. */
function mapState(rows) {
  const tables = { models: new Map(), meetings: new Map(), units: new Map(), conflicts: new Map() };
  for (const [table, list] of Object.entries(rows)) for (const r of list) tables[table].set(r.id, r);
  return {
    tables,
    outbox: async () => [],
    putOutbox: async () => {},
    dropOutbox: async () => {},
    get: async (table, id) => tables[table].get(id),
    all: async (table) => [...tables[table].values()],
    put: async (table, value) => tables[table].set(value.id, value),
    drop: async (table, id) => tables[table].delete(id),
    clear: async (table) => tables[table].clear(),
    setCursor: async () => {},
  };
}

test("applyResponseTo removes first, then stores the page's changes (§5.4)", async () => {
  const state = mapState({ models: [{ id: "a", version: 1 }, { id: "b", version: 1 }] });
  await applyResponseTo(state, {
    last_seq: 0, results: [], cursor: 9, more: false, reset: false,
    changes: { models: [{ id: "a", version: 3 }], removed: { models: ["a", "b"] } },
  });
  assert.deepEqual([...state.tables.models.keys()], ["a"]);
  assert.equal(state.tables.models.get("a").version, 3);
});

test("applyResponseTo drops the conflicts and units in removed (§5.4)", async () => {
  const state = mapState({ conflicts: [{ id: "c1" }, { id: "c2" }], units: [{ id: 4 }, { id: 5 }] });
  await applyResponseTo(state, {
    last_seq: 0, results: [], cursor: 9, more: false, reset: false,
    changes: { removed: { conflicts: ["c1"], units: [5] } },
  });
  assert.deepEqual([...state.tables.conflicts.keys()], ["c2"]);
  assert.deepEqual([...state.tables.units.keys()], [4]);
});
