import assert from "node:assert/strict";
import test, { after } from "node:test";

import { newKeyBox, sealJson } from "../../pwa/js/store/crypto.js";
import { GENERATION_KEY, joinSnapshot, SEALED, SNAPSHOT_KEY, snapshotContext, Vault } from "../../pwa/js/store/vault.js";
import { FakeDb } from "./fake-idb.js";

const SPECS = {
  models: { keyPath: "id", indexes: {} },
  outbox: { keyPath: "seq", indexes: { record: "record" } },
  meta: { keyPath: null, indexes: {} },
  files: { keyPath: "sha256", indexes: {} },
};
// A delay no test waits for: each writes its snapshot with flushSnapshot() or close().
const OPTIONS = { generationStore: "meta", detached: { files: "blob" }, snapshotDelayMs: 60000 };

const opened = [];
after(() => {
  for (const vault of opened) if (vault.key) vault.close();
});

async function open(db, key) {
  const vault = await Vault.open(db, key, OPTIONS);
  opened.push(vault);
  return vault;
}

async function setup() {
  const { key } = await newKeyBox("2580", null, { iterations: 1000 });
  const db = new FakeDb("sotay-u1", SPECS);
  return { key, db, vault: await open(db, key) };
}

function put(vault, id, name) {
  return vault.run(["models"], "readwrite", (tx) => tx.objectStore("models").put({ id, name }));
}

const names = (vault) => vault.run(["models"], "readonly", (tx) => tx.objectStore("models").getAll())
  .then((all) => all.map((m) => m.name));

function raw(db, store, key) {
  const tx = db.transaction([store], "readonly");
  const r = tx.objectStore(store).get(key);
  return new Promise((resolve) => { r.onsuccess = () => resolve(r.result); });
}

/** A snapshot's text as the vault writes it, from {store: [[key, value], ...]}. */
const snapshotOf = (stores) => joinSnapshot(Object.entries(stores).map(([name, pairs]) => [name, JSON.stringify(pairs)]));

function rawPut(db, store, value, key) {
  const tx = db.transaction([store], "readwrite");
  tx.objectStore(store).put(value, key);
  return new Promise((resolve) => { tx.oncomplete = resolve; });
}

test("unlock opens the snapshot when it reflects the database's generation", async () => {
  const { db, key, vault } = await setup();
  await put(vault, "a", "Nuôi ong Huồi Pủng");
  await put(vault, "b", "B");
  assert.equal(await vault.flushSnapshot(), true);
  const snapshot = await raw(db, "meta", SNAPSHOT_KEY);
  assert.equal(snapshot.generation, await raw(db, "meta", GENERATION_KEY));
  assert.equal(db.dump().includes("Huồi Pủng"), false, "the snapshot is sealed too");
  const again = await open(db, key);
  assert.equal(again.openedFrom, "snapshot");
  assert.deepEqual(await names(again), ["Nuôi ong Huồi Pủng", "B"]);
  // And writes go on from there, against the right generation.
  await put(again, "c", "C");
  assert.deepEqual(await names(await open(db, key)), ["Nuôi ong Huồi Pủng", "B", "C"]);
});

test("a write whose snapshot was never written (a crash) is there at the next unlock", async () => {
  const { db, key, vault } = await setup();
  await put(vault, "a", "A");
  await vault.flushSnapshot();
  await put(vault, "b", "B");
  // The tab dies here: the snapshot on disk still shows only A.
  vault.snapshotDue = false;
  const again = await open(db, key);
  assert.equal(again.openedFrom, "values");
  assert.deepEqual(await names(again), ["A", "B"]);
  // The unlock that had to read the values writes a current snapshot for the next one.
  assert.equal(await again.flushSnapshot(), true);
  const third = await open(db, key);
  assert.equal(third.openedFrom, "snapshot");
  assert.deepEqual(await names(third), ["A", "B"]);
});

test("another tab's write makes this tab's snapshot stale: it is not written, not read", async () => {
  const { db, key, vault } = await setup();
  await put(vault, "a", "A");
  const other = await open(db, key);
  await put(other, "b", "B");
  // This tab's copy (A only) is older than the disk: its snapshot must not land.
  assert.equal(await vault.flushSnapshot(), false);
  assert.equal(await raw(db, "meta", SNAPSHOT_KEY), undefined);
  other.snapshotDue = false;
  const again = await open(db, key);
  assert.equal(again.openedFrom, "values");
  assert.deepEqual(await names(again), ["A", "B"]);
});

test("a snapshot relabelled with a newer generation does not open: the values are read", async () => {
  const { db, key, vault } = await setup();
  await put(vault, "a", "A");
  await vault.flushSnapshot();
  await put(vault, "b", "B");
  vault.snapshotDue = false;
  const old = await raw(db, "meta", SNAPSHOT_KEY);
  await rawPut(db, "meta", { ...old, generation: await raw(db, "meta", GENERATION_KEY) }, SNAPSHOT_KEY);
  const again = await open(db, key);
  assert.equal(again.openedFrom, "values");
  assert.deepEqual(await names(again), ["A", "B"]);
});

test("a snapshot planted under another key, or unsealed, is never read", async () => {
  const { db, key, vault } = await setup();
  await put(vault, "a", "A");
  const generation = await raw(db, "meta", GENERATION_KEY);
  const stranger = await newKeyBox("2580", null, { iterations: 1000 });
  const forged = { models: [["x", { id: "x", name: "planted" }]], outbox: [], meta: [], files: [] };
  await rawPut(db, "meta", { generation, [SEALED]: await sealJson(stranger.key, snapshotOf(forged), snapshotContext(generation)) }, SNAPSHOT_KEY);
  const first = await open(db, key);
  assert.equal(first.openedFrom, "values");
  assert.deepEqual(await names(first), ["A"]);
  first.snapshotDue = false;
  await rawPut(db, "meta", { generation, models: forged.models }, SNAPSHOT_KEY);
  const second = await open(db, key);
  assert.equal(second.openedFrom, "values");
  assert.deepEqual(await names(second), ["A"]);
});

test("a snapshot missing a store (a newer app added one) is not used", async () => {
  const { db, key, vault } = await setup();
  await put(vault, "a", "A");
  const generation = await raw(db, "meta", GENERATION_KEY);
  // The same, whole, would be used: so only the missing store makes the difference below.
  const whole = { models: [["a", { id: "a", name: "planted" }]], outbox: [], meta: [], files: [] };
  await rawPut(db, "meta", { generation, [SEALED]: await sealJson(key, snapshotOf(whole), snapshotContext(generation)) }, SNAPSHOT_KEY);
  vault.snapshotDue = false;
  const control = await open(db, key);
  assert.equal(control.openedFrom, "snapshot");
  assert.deepEqual(await names(control), ["planted"]);
  const partial = { models: [["a", { id: "a", name: "planted" }]], outbox: [], meta: [] };
  await rawPut(db, "meta", { generation, [SEALED]: await sealJson(key, snapshotOf(partial), snapshotContext(generation)) }, SNAPSHOT_KEY);
  vault.snapshotDue = false;
  const again = await open(db, key);
  assert.equal(again.openedFrom, "values");
  assert.deepEqual(await names(again), ["A"]);
});

test("lock writes the snapshot that was due; photo bytes stay out of it", async () => {
  const { db, key, vault } = await setup();
  await put(vault, "a", "A");
  await vault.run(["files"], "readwrite", (tx) => tx.objectStore("files").put({ sha256: "f1", blob: new Uint8Array([7, 8, 9]) }));
  vault.close();
  await vault.snapshotWrites;
  const again = await open(db, key);
  assert.equal(again.openedFrom, "snapshot");
  assert.deepEqual(await names(again), ["A"]);
  const bytes = await again.readBytes("files", "f1");
  assert.deepEqual([...new Uint8Array(await bytes.arrayBuffer())], [7, 8, 9]);
  const files = await again.run(["files"], "readonly", (tx) => tx.objectStore("files").getAll());
  assert.equal(files.length, 1);
  assert.notEqual(files[0].blob, null, "the mark of bytes on disk comes back from the snapshot");
});

test("dates and bytes inside a value come back from the snapshot as they were", async () => {
  const { db, key, vault } = await setup();
  const at = new Date(Date.UTC(2026, 11, 2));
  await vault.run(["meta"], "readwrite", (tx) => tx.objectStore("meta").put({ at, raw: new Uint8Array([1, 2]) }, "draft"));
  await vault.flushSnapshot();
  const again = await open(db, key);
  assert.equal(again.openedFrom, "snapshot");
  const draft = await again.run(["meta"], "readonly", (tx) => tx.objectStore("meta").get("draft"));
  assert.equal(draft.at.getTime(), at.getTime());
  assert.deepEqual([...draft.raw], [1, 2]);
});

test("after an unlock from the snapshot, a write re-packs only its store, and the next unlock has it", async () => {
  const { db, key, vault } = await setup();
  await put(vault, "a", "A");
  await vault.run(["outbox"], "readwrite", (tx) => tx.objectStore("outbox").put({ seq: 1, record: "models:a" }));
  await vault.flushSnapshot();
  const again = await open(db, key);
  assert.equal(again.openedFrom, "snapshot");
  await again.run(["outbox"], "readwrite", (tx) => tx.objectStore("outbox").delete(1));
  assert.equal(again.snapshotParts.has("models"), true, "models was not re-packed");
  assert.equal(again.snapshotParts.has("outbox"), false);
  assert.equal(await again.flushSnapshot(), true);
  const third = await open(db, key);
  assert.equal(third.openedFrom, "snapshot");
  assert.deepEqual(await names(third), ["A"]);
  assert.deepEqual(await third.run(["outbox"], "readonly", (tx) => tx.objectStore("outbox").getAll()), []);
});

test("a close that discards (sign-out) closes at once and writes no snapshot", async () => {
  const { db, vault } = await setup();
  await put(vault, "a", "A");
  let closed = 0;
  db.close = () => { closed += 1; };
  vault.close({ discard: true });
  // Closed before anything else runs: a deletion right after meets no open connection,
  // which would hear it as a version change and reload the page mid sign-out.
  assert.equal(closed, 1);
  await vault.snapshotWrites;
  assert.equal(await raw(db, "meta", SNAPSHOT_KEY), undefined);
});
