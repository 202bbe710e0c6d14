// PROTOCOL.md §12: chunk planning, resuming from the server's `received`, and what each
// error does to one file, on the pure half of the uploader (pwa/js/sync/upload-core.js).
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import test from "node:test";

import {
  chunkCount, chunkRange, classifyFileError, heldFiles, mayDropBytes, missingChunks, ORPHAN_GRACE_MS, orphanFiles, planUploads,
  sha256Hex, uploadOne, UploadError,
} from "../../pwa/js/sync/upload-core.js";

const KB = 1024;
const hex = (bytes) => createHash("sha256").update(bytes).digest("hex");
const bytesOf = (size, seed = 7) => Uint8Array.from({ length: size }, (_, i) => (i * 31 + seed) % 251);

/** A server holding chunks in memory, as §12 describes; `cutAt(n)` fails the n-th PUT. */
function fakeServer(size, chunkSize, { received = [], refuse = {}, cutAt = new Set() } = {}) {
  const held = new Map(received.map((i) => [i, true]));
  const calls = [];
  let puts = 0;
  return {
    calls,
    held,
    async put(index, bytes, hash) {
      puts += 1;
      calls.push(index);
      if (cutAt.has(puts)) throw new UploadError(0, "NETWORK", "cut");
      if (refuse[index]) {
        const code = refuse[index].shift();
        if (code) throw new UploadError(400, code, `refused ${code}`);
      }
      const [start, end] = chunkRange(index, size, chunkSize);
      assert.equal(bytes.byteLength, end - start, `chunk ${index} length`);
      assert.equal(hash, hex(new Uint8Array(bytes)), `chunk ${index} hash`);
      held.set(index, true);
      const all = [...held.keys()].sort((a, b) => a - b);
      return { state: all.length === chunkCount(size, chunkSize) ? "complete" : "partial", received: all };
    },
  };
}

test("§12 chunk i covers [i*chunk, min(size, (i+1)*chunk)): the last chunk is the short one", () => {
  assert.equal(chunkCount(600 * KB, 256 * KB), 3);
  assert.deepEqual(chunkRange(2, 600 * KB, 256 * KB), [512 * KB, 600 * KB]);
  assert.equal(chunkCount(512 * KB, 256 * KB), 2);
  assert.equal(chunkCount(1, 256 * KB), 1);
  assert.deepEqual(chunkRange(0, 1, 256 * KB), [0, 1]);
});

test("§12 only the chunks the server lacks are planned, in order", () => {
  assert.deepEqual(missingChunks(1000, 100, [0, 2, 3, 9]), [1, 4, 5, 6, 7, 8]);
  assert.deepEqual(missingChunks(1000, 100, []), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  // An index the server reports beyond the file (never expected) changes nothing.
  assert.deepEqual(missingChunks(200, 100, [0, 1, 5]), []);
});

test("§12 an upload resumes from the server's received: held chunks are never sent again", async () => {
  const data = bytesOf(1000 * KB);
  const blob = new Blob([data]);
  const server = fakeServer(data.length, 256 * KB, { received: [0, 2] });
  const result = await uploadOne({
    blob, size: data.length, chunkSize: 256 * KB, received: [0, 2], put: server.put,
  });
  assert.equal(result.state, "complete");
  assert.deepEqual(server.calls, [1, 3]);
  assert.equal(result.chunksSent, 2);
});

test("§12 progress counts the bytes the server holds, ending at the file's size", async () => {
  const data = bytesOf(700 * KB);
  const server = fakeServer(data.length, 256 * KB);
  const seen = [];
  await uploadOne({
    blob: new Blob([data]), size: data.length, chunkSize: 256 * KB, received: [], put: server.put,
    onChunk: (sent) => { seen.push(sent); },
  });
  assert.deepEqual(seen, [256 * KB, 512 * KB, 700 * KB]);
});

test("§12 a cut stops the file; the next run resends only the chunk that was on the wire", async () => {
  const data = bytesOf(1024 * KB);
  const server = fakeServer(data.length, 256 * KB, { cutAt: new Set([3]) });
  const options = { blob: new Blob([data]), size: data.length, chunkSize: 256 * KB, put: server.put };
  await assert.rejects(uploadOne({ ...options, received: [] }), (e) => e instanceof UploadError && e.status === 0);
  const received = [...server.held.keys()];
  assert.deepEqual(received, [0, 1]);
  const result = await uploadOne({ ...options, received });
  assert.equal(result.state, "complete");
  // 0, 1, the cut 2, then 2 again and 3: one chunk resent for one cut.
  assert.deepEqual(server.calls, [0, 1, 2, 2, 3]);
});

test("§12 a chunk damaged on the way (FILE_CHUNK_HASH) is sent once more, then the file fails", async () => {
  const data = bytesOf(300 * KB);
  const once = fakeServer(data.length, 256 * KB, { refuse: { 1: ["FILE_CHUNK_HASH"] } });
  const options = { blob: new Blob([data]), size: data.length, chunkSize: 256 * KB, received: [] };
  assert.equal((await uploadOne({ ...options, put: once.put })).state, "complete");
  assert.deepEqual(once.calls, [0, 1, 1]);
  const twice = fakeServer(data.length, 256 * KB, { refuse: { 1: ["FILE_CHUNK_HASH", "FILE_CHUNK_HASH"] } });
  await assert.rejects(uploadOne({ ...options, put: twice.put }), (e) => e.code === "FILE_CHUNK_HASH");
});

test("§12 a refusal of the whole file stops it with the server's code and message", async () => {
  const data = bytesOf(300 * KB);
  const server = fakeServer(data.length, 256 * KB, { refuse: { 1: ["FILE_TYPE_MISMATCH"] } });
  await assert.rejects(
    uploadOne({ blob: new Blob([data]), size: data.length, chunkSize: 256 * KB, received: [], put: server.put }),
    (e) => e.code === "FILE_TYPE_MISMATCH" && e.message === "refused FILE_TYPE_MISMATCH",
  );
});

test("§12 shouldStop (pause, records waiting) is heard before each chunk", async () => {
  const data = bytesOf(1024 * KB);
  const server = fakeServer(data.length, 256 * KB);
  let chunks = 0;
  const result = await uploadOne({
    blob: new Blob([data]), size: data.length, chunkSize: 256 * KB, received: [], put: server.put,
    onChunk: () => { chunks += 1; }, shouldStop: () => chunks >= 2,
  });
  assert.equal(result.state, "stopped");
  assert.deepEqual(result.received, [0, 1]);
});

test("§12 error kinds: network and 5xx retry later, missing declarations wait, refusals fail", () => {
  assert.equal(classifyFileError(0, "NETWORK"), "retry");
  assert.equal(classifyFileError(503, "UNAVAILABLE"), "retry");
  assert.equal(classifyFileError(429, "RATE_LIMITED"), "retry");
  assert.equal(classifyFileError(401, "AUTH_REQUIRED"), "auth");
  assert.equal(classifyFileError(426, "PROTOCOL_UNSUPPORTED"), "update");
  assert.equal(classifyFileError(409, "FILE_RECORD_UNKNOWN"), "wait");
  assert.equal(classifyFileError(400, "FILE_NOT_DECLARED"), "wait");
  assert.equal(classifyFileError(400, "FILE_CHUNK_HASH"), "chunk");
  for (const code of ["FILE_HASH_MISMATCH", "FILE_TYPE_MISMATCH", "FILE_TOO_LARGE", "IMAGE_TOO_LARGE",
    "FILE_CHUNK_RANGE", "NOT_FOUND"]) {
    assert.equal(classifyFileError(422, code), "failed", code);
  }
});

test("sha256Hex matches node's hash", async () => {
  const data = bytesOf(1234);
  assert.equal(await sha256Hex(data), hex(data));
});

const A = "a".repeat(64);
const B = "b".repeat(64);
const C = "c".repeat(64);
const file = (sha256, extra = {}) => ({ sha256, blob: new Blob(["x"]), size: 10, mime: "image/jpeg", uploaded: false, received: [], ...extra });
const att = (...shas) => shas.map((sha256) => ({ sha256, kind: "ANH", mime: "image/jpeg", size: 10 }));

test("§12 records first: a file declared only by an unsent change waits for that change", () => {
  const records = [
    { table: "models", record: { id: "m1", version: 3, attachments: att(A) } },
    { table: "models", record: { id: "m2", version: 0, attachments: att(B) } },
    { table: "meetings", record: { id: "g1", version: 2, attachments: att(C) } },
  ];
  const outbox = [
    { record: "models:m2", op: "put", data: { id: "m2", attachments: att(B) } },
    { record: "meetings:g1", op: "put", data: { id: "g1", attachments: att(C) } },
  ];
  const { pending } = planUploads(records, outbox, [file(A), file(B), file(C)]);
  assert.deepEqual(pending, [{ table: "models", record_id: "m1", sha256: A, size: 10 }]);
});

test("§12 a pending edit that leaves the list alone does not hold its files back", () => {
  const records = [{ table: "models", record: { id: "m1", version: 3, attachments: att(A) } }];
  const outbox = [{ record: "models:m1", op: "put", data: { id: "m1", name: "Tên mới" } }];
  assert.equal(planUploads(records, outbox, [file(A)]).pending.length, 1);
});

test("§12 one upload per content, however many records declare it", () => {
  const records = [
    { table: "models", record: { id: "m1", version: 3, attachments: att(A) } },
    { table: "meetings", record: { id: "g1", version: 1, attachments: att(A, B) } },
  ];
  const { pending } = planUploads(records, [], [file(A), file(B)]);
  assert.deepEqual(pending.map((p) => [p.table, p.sha256]), [["models", A], ["meetings", B]]);
});

test("§12 uploaded, failed, byte-less and server-complete files are not planned", () => {
  const records = [
    { table: "models", record: { id: "m1", version: 3, attachments: att(A, B, C), files_received: [C] } },
    { table: "models", record: { id: "m2", version: 3, attachments: att("d".repeat(64)), deleted: true } },
  ];
  const files = [
    file(A, { uploaded: true }), file(B, { failed: { code: "FILE_TYPE_MISMATCH", message: "x", at: 1 } }),
    file(C), file("d".repeat(64)),
  ];
  const plan = planUploads(records, [], files);
  assert.deepEqual(plan.pending, []);
  assert.deepEqual(plan.complete, [C]);
  assert.deepEqual(planUploads(records.slice(0, 1), [], [file(A, { blob: null })]).pending, []);
});

test("§12 bytes stay until the server has them AND no unsynced record references them", () => {
  const records = [
    { table: "models", record: { id: "m1", version: 3, attachments: att(A) } },
    { table: "models", record: { id: "m2", version: 2, attachments: att(B), _local: { rejected: { base: 2, data: { id: "m2", attachments: att(B) } } } } },
  ];
  const outbox = [{ record: "models:m1", op: "put", data: { id: "m1", name: "x" } }];
  const { held } = heldFiles(records, outbox);
  assert.ok(!mayDropBytes(file(A, { uploaded: true }), held), "m1 has an unsent edit");
  assert.ok(!mayDropBytes(file(B, { uploaded: true }), held), "m2 was refused and will be sent again");
  assert.ok(!mayDropBytes(file(C), new Set()), "not on the server yet");
  assert.ok(mayDropBytes(file(C, { uploaded: true }), held));
  assert.ok(mayDropBytes(file(A, { uploaded: true }), heldFiles(records, []).held) === true);
});

test("a capture no record or form draft declares goes after a week, not before", () => {
  const now = 10 * ORPHAN_GRACE_MS;
  const old = now - ORPHAN_GRACE_MS - 1;
  const records = [
    { table: "models", record: { id: "m1", version: 3, attachments: att(A) } },
    { table: "models", record: { id: "m2", version: 3, attachments: att(B), deleted: true } },
  ];
  const files = [file(A, { saved_at: old }), file(B, { saved_at: old }), file(C, { saved_at: old }),
    file("d".repeat(64), { saved_at: now - 1000 }), file("e".repeat(64), { saved_at: old })];
  const draft = JSON.stringify({ attachments: att("e".repeat(64)) });
  assert.deepEqual(orphanFiles(records, files, draft, now), [B, C]);
});
