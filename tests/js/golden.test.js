// The shared golden fixtures of sync/fixtures/ (also read by the Python client's tests), run
// through the same code the phone runs: enqueueTo and applyResponseTo over an in-memory store.
import assert from "node:assert/strict";
import test from "node:test";

import { applyResponseTo, enqueueTo, recordKey } from "../../pwa/js/sync/protocol.js";
import { sharedFixtures } from "./fixtures.js";

const fixtures = Object.fromEntries(sharedFixtures().map(({ file, data }) => [file, data]));
const keyed = (entry) => ({ ...entry, record: entry.record || recordKey(entry.table, entry.data.id) });
const wire = ({ record, at, meta, edited, ...entry }) => entry;

/** A LocalState over Maps, filled from a fixture's "before". */
function memoryState(before) {
  const tables = { units: new Map(), conflicts: new Map(), criteria_sets: new Map(), evaluations: new Map() };
  for (const [table, rows] of Object.entries(before.records)) tables[table] = new Map(Object.entries(rows).map(([id, r]) => [id, structuredClone(r)]));
  const outbox = new Map(before.outbox.map((e) => [e.seq, keyed(structuredClone(e))]));
  // A table the fixture does not name starts empty (tables added since it was written).
  const map = (table) => (tables[table] ||= new Map());
  const state = {
    cursor: before.cursor,
    tables,
    outboxMap: outbox,
    outbox: async () => [...outbox.values()].sort((a, b) => a.seq - b.seq),
    putOutbox: async (e) => outbox.set(e.seq, e),
    dropOutbox: async (seq) => outbox.delete(seq),
    get: async (table, id) => structuredClone(map(table).get(id)),
    all: async (table) => [...map(table).values()],
    put: async (table, value) => map(table).set(value.id, structuredClone(value)),
    drop: async (table, id) => map(table).delete(id),
    clear: async (table) => map(table).clear(),
    setCursor: async (c) => { state.cursor = c; },
  };
  return state;
}

const applyCases = fixtures["apply_response.json"] ? fixtures["apply_response.json"].cases : [];
for (const c of applyCases) {
  test(`golden apply_response: ${c.name}`, async () => {
    const state = memoryState(c.before);
    await applyResponseTo(state, c.response);
    const records = {};
    const errorKeys = [];
    for (const table of Object.keys(c.after.records)) {
      records[table] = {};
      for (const [id, rec] of state.tables[table]) {
        const { _local, ...plain } = rec;
        records[table][id] = plain;
        if (_local && _local.error) errorKeys.push(`${table}/${id}`);
      }
    }
    assert.deepEqual(records, c.after.records);
    assert.deepEqual([...state.outboxMap.keys()].sort((a, b) => a - b), c.after.outbox_seqs);
    assert.equal(state.cursor, c.after.cursor);
    assert.deepEqual(errorKeys.sort(), c.after.error_keys);
  });
}

const collapseCases = fixtures["outbox_collapse.json"] ? fixtures["outbox_collapse.json"].cases : [];
for (const c of collapseCases) {
  test(`golden outbox_collapse: ${c.name}`, async () => {
    const outbox = new Map(c.outbox.map((e) => [e.seq, keyed(e)]));
    let next = c.next_seq;
    const key = recordKey(c.enqueue.table, c.enqueue.data.id);
    await enqueueTo({
      entriesOf: async (k) => [...outbox.values()].filter((e) => e.record === k),
      putOutbox: async (e) => outbox.set(e.seq, e),
      nextSeq: async () => next,
      setNextSeq: async (seq) => { next = seq; },
    }, key, c.enqueue);
    const got = [...outbox.values()].sort((a, b) => a.seq - b.seq).map(wire);
    assert.deepEqual(got, c.expect_outbox);
    assert.equal(next, c.expect_next_seq);
  });
}

test("the shared golden fixtures are present", () => {
  assert.ok(applyCases.length > 0 && collapseCases.length > 0, "sync/fixtures/*.json missing");
});
