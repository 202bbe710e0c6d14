import assert from "node:assert/strict";
import test, { after } from "node:test";

import { newKeyBox } from "../../pwa/js/store/crypto.js";
import { BYTES_ON_DISK, Vault } from "../../pwa/js/store/vault.js";
import { FakeDb } from "./fake-idb.js";

const SPECS = {
  models: { keyPath: "id", indexes: {} },
  outbox: { keyPath: "seq", indexes: { record: "record" } },
  conflicts: { keyPath: "id", indexes: { record: ["table", "record_id"] } },
  meta: { keyPath: null, indexes: {} },
  files: { keyPath: "sha256", indexes: {} },
};
const OPTIONS = { generationStore: "meta" };

// Each open vault listens to the other tabs (a BroadcastChannel): close them all at the end.
const opened = [];
const realOpen = Vault.open.bind(Vault);
Vault.open = async (...args) => {
  const vault = await realOpen(...args);
  opened.push(vault);
  return vault;
};
after(() => {
  for (const vault of opened) if (vault.key) vault.close();
});

async function setup() {
  const { key } = await newKeyBox("2580", null, { iterations: 1000 });
  const db = new FakeDb("sotay-u1", SPECS);
  return { key, db, vault: await Vault.open(db, key, OPTIONS) };
}

/** Save a record and queue it with the next seq, as records.js does. */
function save(vault, id, name) {
  return vault.run(["models", "outbox", "meta"], "readwrite", async (tx) => {
    await tx.objectStore("models").put({ id, name });
    const seq = (await tx.objectStore("meta").get("nextSeq")) || 1;
    await tx.objectStore("outbox").put({ seq, record: `models:${id}`, data: { id, name } });
    await tx.objectStore("meta").put(seq + 1, "nextSeq");
    return seq;
  });
}

test("what reaches disk is sealed; only key and index fields stay clear", async () => {
  const { db, vault } = await setup();
  await save(vault, "a", "Mô hình nuôi ong Huồi Pủng");
  await vault.run(["conflicts"], "readwrite", (tx) => tx.objectStore("conflicts").put({ id: "c1", table: "models", record_id: "a", lost_value: "Nguyễn Văn A" }));
  const disk = db.dump();
  assert.equal(disk.includes("Huồi Pủng"), false);
  assert.equal(disk.includes("Nguyễn"), false);
  assert.ok(disk.includes('"record":"models:a"'));
  assert.ok(disk.includes('"record_id":"a"'));
  const again = await vault.run(["outbox"], "readonly", (tx) => tx.objectStore("outbox").index("record").getAll("models:a"));
  assert.deepEqual(again.map((e) => e.data.name), ["Mô hình nuôi ong Huồi Pủng"]);
});

test("a reopened vault reads everything back; another key reads nothing", async () => {
  const { db, key, vault } = await setup();
  await save(vault, "a", "A");
  const reopened = await Vault.open(db, key, OPTIONS);
  const models = await reopened.run(["models"], "readonly", (tx) => tx.objectStore("models").getAll());
  assert.deepEqual(models, [{ id: "a", name: "A" }]);
  const other = await newKeyBox("2580", null, { iterations: 1000 });
  await assert.rejects(Vault.open(db, other.key, OPTIONS));
});

test("two tabs of one user never take the same seq: a stale write runs again", async () => {
  const { db, key, vault } = await setup();
  const tab2 = await Vault.open(db, key, OPTIONS);
  // Without the other tab's notice (a message can come late): the generation alone must do.
  if (tab2.channel) tab2.channel.close();
  tab2.channel = null;
  assert.equal(await save(vault, "a", "A"), 1);
  // tab2's copy is from before that write; its write notices, reads again and redoes it.
  assert.equal(await save(tab2, "b", "B"), 2);
  const fresh = await Vault.open(db, key, OPTIONS);
  const seqs = await fresh.run(["outbox"], "readonly", (tx) => tx.objectStore("outbox").getAll());
  assert.deepEqual(seqs.map((e) => [e.seq, e.data.id]), [[1, "a"], [2, "b"]]);
});

test("a transaction that throws leaves disk and memory as they were", async () => {
  const { db, vault } = await setup();
  await save(vault, "a", "A");
  const before = db.dump();
  await assert.rejects(vault.run(["models"], "readwrite", async (tx) => {
    await tx.objectStore("models").put({ id: "a", name: "changed" });
    throw new Error("refused");
  }));
  assert.equal(db.dump(), before);
  const model = await vault.run(["models"], "readonly", (tx) => tx.objectStore("models").get("a"));
  assert.equal(model.name, "A");
  await assert.rejects(vault.run(["models"], "readonly", (tx) => tx.objectStore("models").put({ id: "x" })));
});

test("values read are copies: changing one changes nothing stored", async () => {
  const { vault } = await setup();
  await save(vault, "a", "A");
  const model = await vault.run(["models"], "readonly", (tx) => tx.objectStore("models").get("a"));
  model.name = "mutated";
  const again = await vault.run(["models"], "readonly", (tx) => tx.objectStore("models").get("a"));
  assert.equal(again.name, "A");
});

test("a locked vault refuses every transaction", async () => {
  const { vault } = await setup();
  vault.close();
  await assert.rejects(vault.run(["models"], "readonly", (tx) => tx.objectStore("models").getAll()));
});

test("a value planted unsealed on disk is never read, so never sent under the user", async () => {
  const { db, key, vault } = await setup();
  await save(vault, "a", "A");
  const tx = db.transaction(["outbox"], "readwrite");
  tx.objectStore("outbox").put({ seq: 9, record: "models:x", op: "delete", data: { id: "x" } });
  await new Promise((resolve) => { tx.oncomplete = resolve; });
  const reopened = await Vault.open(db, key, OPTIONS);
  const outbox = await reopened.run(["outbox"], "readonly", (t) => t.objectStore("outbox").getAll());
  assert.deepEqual(outbox.map((e) => e.seq), [1]);
});

test("photo bytes are sealed raw beside their value, never held in memory, read one at a time", async () => {
  const { key } = await newKeyBox("2580", null, { iterations: 1000 });
  const db = new FakeDb("sotay-u1", SPECS);
  const options = { ...OPTIONS, detached: { files: "blob" } };
  const vault = await Vault.open(db, key, options);
  const bytes = new Uint8Array(300 * 1024).map((_, i) => (i * 7) % 251);
  const blob = new Blob([bytes], { type: "image/jpeg" });
  await vault.run(["files"], "readwrite", (tx) => tx.objectStore("files").put({ sha256: "f1", blob, size: blob.size, uploaded: false, received: [] }));
  // The copy holds a mark, not the bytes; nothing on disk is the photo in clear or in base64.
  assert.equal(vault.data.get("files").get('"f1"').value.blob, BYTES_ON_DISK);
  const disk = db.dump();
  assert.equal(disk.includes(Buffer.from(bytes.slice(0, 64)).toString("base64").slice(0, 40)), false);
  assert.ok(disk.length < bytes.length * 1.4 + 2000, "sealed as bytes, not inflated to base64 inside JSON");
  const read = await vault.readBytes("files", "f1");
  assert.equal(read.type, "image/jpeg");
  assert.deepEqual(new Uint8Array(await read.arrayBuffer()), bytes);
  // A put that keeps the mark (upload progress) keeps the bytes on disk.
  await vault.run(["files"], "readwrite", async (tx) => {
    const file = await tx.objectStore("files").get("f1");
    await tx.objectStore("files").put({ ...file, received: [0] });
  });
  const reopened = await Vault.open(db, key, options);
  const [file] = await reopened.run(["files"], "readonly", (tx) => tx.objectStore("files").getAll());
  assert.deepEqual(file.received, [0]);
  assert.equal(file.blob, BYTES_ON_DISK);
  assert.deepEqual(new Uint8Array(await (await reopened.readBytes("files", "f1")).arrayBuffer()), bytes);
  // Dropping the bytes (uploaded) removes them from disk.
  await reopened.run(["files"], "readwrite", async (tx) => {
    const f = await tx.objectStore("files").get("f1");
    await tx.objectStore("files").put({ ...f, blob: null });
  });
  assert.equal(await reopened.readBytes("files", "f1"), null);
  // Another key cannot open them.
  const other = await newKeyBox("1357", null, { iterations: 1000 });
  await vault.run(["files"], "readwrite", (tx) => tx.objectStore("files").put({ sha256: "f2", blob, size: blob.size }));
  const stranger = Object.assign(Object.create(Vault.prototype), { db, key: other.key });
  await assert.rejects(stranger.readBytes("files", "f2"));
});
