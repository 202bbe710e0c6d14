import assert from "node:assert/strict";
import test from "node:test";

import {
  enqueueTo, overlayPending, placeChange, renumber, selectBatch, toWireMutation,
} from "../../pwa/js/sync/protocol.js";
import { BATCH_SIZE, buildRequest, classifyError } from "../../pwa/js/sync/protocol.js";
import { backoffDelay, CAP_MS } from "../../pwa/js/sync/protocol.js";

const put = (seq, id, data, extra = {}) => ({
  seq, op: "put", table: "models", base: 0, data: { id, ...data }, record: `models:${id}`, ...extra,
});

test("an edit collapses into the record's unsent put, keeping its seq and base", () => {
  const placed = placeChange([put(4, "a", { name: "A", locality: "L" })], {
    op: "put", table: "models", base: 0, data: { id: "a", name: "A2" },
  });
  assert.equal(placed.kind, "replace");
  assert.equal(placed.entry.seq, 4);
  assert.deepEqual(placed.entry.data, { id: "a", name: "A2", locality: "L" });
});

test("an edit never collapses into a mutation that was sent", () => {
  const placed = placeChange([put(4, "a", { name: "A" }, { sent: true })], {
    op: "put", table: "models", base: 0, data: { id: "a", name: "A2" },
  });
  assert.equal(placed.kind, "append");
});

test("an edit after a review step is appended, keeping the order of meaning", () => {
  const review = { seq: 5, op: "review", table: "models", base: 1, data: { id: "a", action: "submit" },
    record: "models:a" };
  const placed = placeChange([put(4, "a", { name: "A" }), review], {
    op: "put", table: "models", base: 1, data: { id: "a", name: "B" },
  });
  assert.equal(placed.kind, "append");
});

test("a delete replaces the unsent put and keeps its seq: no hole in the sequence", () => {
  const placed = placeChange([put(4, "a", { name: "A" })], {
    op: "delete", table: "models", base: 0, data: { id: "a" },
  });
  assert.equal(placed.kind, "replace");
  assert.deepEqual(toWireMutation(placed.entry),
    { seq: 4, op: "delete", table: "models", base: 0, data: { id: "a" } });
});

test("a second choice for the same conflict replaces the unsent first", () => {
  const first = { seq: 2, op: "resolve", table: "conflicts", base: 0,
    data: { id: "k", resolution: "KEEP_KEPT" }, record: "models:a" };
  const placed = placeChange([first], { op: "resolve", table: "conflicts", base: 0,
    data: { id: "k", resolution: "RESTORE_LOST" } });
  assert.equal(placed.kind, "replace");
  assert.equal(placed.entry.data.resolution, "RESTORE_LOST");
});

test("a batch is a prefix that stops before a decision on a record changed earlier in it", () => {
  const approve = (seq, id) => ({ seq, op: "review", table: "models", base: 0,
    data: { id, action: "approve" }, record: `models:${id}` });
  const outbox = [
    put(1, "a", { name: "A" }),
    { seq: 2, op: "review", table: "models", base: 0, data: { id: "a", action: "submit" }, record: "models:a" },
    put(3, "a", { name: "A2" }),
    put(4, "b", { name: "B" }),
    approve(5, "a"),
    put(6, "c", { name: "C" }),
  ];
  assert.deepEqual(selectBatch(outbox, 100).map((e) => e.seq), [1, 2, 3, 4]);
  assert.deepEqual(selectBatch(outbox, 2).map((e) => e.seq), [1, 2]);
  assert.deepEqual(selectBatch(outbox.slice(4), 100).map((e) => e.seq), [5, 6]);
  assert.deepEqual(selectBatch([approve(1, "x"), put(2, "y", {})], 100).map((e) => e.seq), [1, 2]);
});

test("renumbering after SEQ_GAP keeps the order from expected_seq", () => {
  const outbox = [put(7, "a", {}), put(9, "b", {}), put(12, "c", {})];
  assert.deepEqual(renumber(outbox, 3).map((e) => [e.seq, e.data.id]), [[3, "a"], [4, "b"], [5, "c"]]);
});

test("the wire mutation carries only protocol keys", () => {
  const entry = { ...put(1, "a", { name: "A" }), sent: true, at: 5, meta: { x: 1 } };
  assert.deepEqual(Object.keys(toWireMutation(entry)).sort(), ["at", "base", "data", "op", "seq", "table"]);
});

test("the wire mutation says when the user saved it, as RFC 3339 in UTC (§3.2)", () => {
  const saved = Date.UTC(2026, 10, 27, 8, 21, 7, 123);
  assert.equal(toWireMutation(put(1, "a", {}, { at: saved })).at, "2026-11-27T08:21:07.123Z");
});

test("an entry without a usable time goes without at: the server takes the arrival", () => {
  assert.equal("at" in toWireMutation(put(1, "a", {})), false);
  assert.equal("at" in toWireMutation(put(1, "a", {}, { at: Number.NaN })), false);
});

/** An in-memory outbox for enqueueTo. */
function memoryOutbox(entries = []) {
  const outbox = new Map(entries.map((e) => [e.seq, e]));
  let next = Math.max(0, ...outbox.keys()) + 1;
  return {
    outbox,
    entriesOf: async (k) => [...outbox.values()].filter((e) => e.record === k),
    putOutbox: async (e) => outbox.set(e.seq, e),
    nextSeq: async () => next,
    setNextSeq: async (seq) => { next = seq; },
  };
}

test("each outbox entry carries the time its change was saved", async () => {
  const db = memoryOutbox();
  await enqueueTo(db, "models:a", { op: "put", table: "models", base: 0, data: { id: "a" } }, 1000);
  await db.putOutbox({ ...db.outbox.get(1), sent: true });
  await enqueueTo(db, "models:a", { op: "review", table: "models", base: 1, data: { id: "a", action: "submit" } }, 2000);
  assert.deepEqual([...db.outbox.values()].map((e) => [e.seq, e.at]), [[1, 1000], [2, 2000]]);
});

test("an entry merged from several edits carries the last edit's time", async () => {
  const db = memoryOutbox();
  await enqueueTo(db, "models:a", { op: "put", table: "models", base: 0, data: { id: "a", name: "A" } }, 1000);
  await enqueueTo(db, "models:a", { op: "put", table: "models", base: 0, data: { id: "a", name: "B" } }, 5000);
  const [entry] = db.outbox.values();
  assert.equal(db.outbox.size, 1);
  assert.equal(entry.at, 5000);
  assert.equal(toWireMutation(entry).at, new Date(5000).toISOString());
});

test("the request carries each mutation's time", () => {
  const body = buildRequest({ cursor: 0, batch: [put(1, "a", {}, { at: 0 })], outboxSize: 1, appVersion: "x" });
  assert.equal(body.mutations[0].at, "1970-01-01T00:00:00.000Z");
});

test("overlay: puts in order, deletes, restored conflict values", () => {
  const view = overlayPending({ id: "a", name: "S", objective: "O" }, [
    put(1, "a", { name: "1" }),
    put(2, "a", { name: "2" }),
    { seq: 3, op: "resolve", table: "conflicts", base: 0, data: { id: "k", resolution: "RESTORE_LOST" },
      record: "models:a", meta: { field: "objective", lost_value: "mine" } },
  ]);
  assert.equal(view.name, "2");
  assert.equal(view.objective, "mine");
});

test("the request states what is pending after this batch", () => {
  const body = buildRequest({ cursor: 5, batch: [put(1, "a", {})], outboxSize: 4, appVersion: "x" });
  assert.equal(body.protocol, 1);
  assert.equal(body.pending, 3);
  assert.equal(body.cursor, 5);
  assert.equal(body.mutations.length, 1);
  assert.ok(BATCH_SIZE <= 1000);
});

test("request-level errors map to actions", () => {
  const err = (code, details = {}) => ({ error: { code, message: "m", details } });
  assert.deepEqual(classifyError(409, err("SEQ_GAP", { expected_seq: 4 })), { kind: "seq_gap", expectedSeq: 4 });
  assert.equal(classifyError(400, err("PROTOCOL_UNSUPPORTED")).kind, "update");
  assert.equal(classifyError(401, err("TOKEN_INVALID")).kind, "auth");
  assert.equal(classifyError(413, err("PAYLOAD_TOO_LARGE")).kind, "too_large");
  assert.equal(classifyError(400, err("MALFORMED_BODY")).kind, "plain");
  assert.equal(classifyError(0, null).kind, "retry");
  assert.equal(classifyError(503, err("DATABASE_UNAVAILABLE")).kind, "retry");
  assert.equal(classifyError(422, err("VALIDATION_FAILED")).kind, "fatal");
});

test("backoff grows, is capped and jittered", () => {
  assert.equal(backoffDelay(0), 0);
  assert.equal(backoffDelay(1, () => 0), 2500);
  assert.equal(backoffDelay(1, () => 1), 5000);
  assert.equal(backoffDelay(3, () => 1), 20000);
  assert.equal(backoffDelay(50, () => 1), CAP_MS);
  assert.ok(backoffDelay(50, () => 0) >= CAP_MS / 2);
});
