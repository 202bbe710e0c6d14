import assert from "node:assert/strict";
import test, { after } from "node:test";

import { newKeyBox } from "../../pwa/js/store/crypto.js";
import { Vault } from "../../pwa/js/store/vault.js";
import { FakeDb } from "./fake-idb.js";

const SPECS = {
  models: { keyPath: "id", indexes: {} },
  outbox: { keyPath: "seq", indexes: { record: "record" } },
  conflicts: { keyPath: "id", indexes: { record: ["table", "record_id"] } },
  meta: { keyPath: null, indexes: {} },
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
