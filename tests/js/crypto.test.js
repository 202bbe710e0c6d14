import assert from "node:assert/strict";
import test from "node:test";

import {
  addEscrow, newKeyBox, open, openWithEscrow, openWithPin, pinBackoff, pinProblem, PIN_POLICY, resetPin, seal, sealForServer,
  randomBytes, fromBase64,
} from "../../pwa/js/store/crypto.js";

// Fast boxes for tests; the app uses KDF_ITERATIONS.
const FAST = { iterations: 1000 };

test("a PIN is 4 to 8 digits and not a repeated digit or a run", () => {
  for (const pin of ["2580", "13579", "20261130", "1357"]) assert.equal(pinProblem(pin), null, pin);
  for (const pin of ["123", "123456789", "12a4", "", " 2580", "２５８０"]) assert.equal(pinProblem(pin), "PIN_FORMAT", pin);
  for (const pin of ["0000", "1234", "4321", "987654", "7890", "111111"]) assert.equal(pinProblem(pin), "PIN_TRIVIAL", pin);
  assert.equal(pinProblem(/** @type {any} */ (1234)), "PIN_FORMAT");
});

test("wrong PINs wait 1, 2, 4 … s, capped, then need an online sign-in", () => {
  assert.deepEqual(pinBackoff(0), { waitMs: 0, needsOnline: false });
  assert.equal(pinBackoff(1).waitMs, 1000);
  assert.equal(pinBackoff(2).waitMs, 2000);
  assert.equal(pinBackoff(3).waitMs, 4000);
  assert.equal(pinBackoff(9).waitMs, 256000);
  assert.equal(pinBackoff(PIN_POLICY.maxTries - 1).needsOnline, false);
  assert.deepEqual(pinBackoff(PIN_POLICY.maxTries), { waitMs: 0, needsOnline: true });
  assert.equal(pinBackoff(9, { maxTries: 20, baseMs: 1000, capMs: 60000 }).waitMs, 60000);
});

test("the right PIN opens the box, a wrong one does not", async () => {
  const { box, key } = await newKeyBox("2580", null, FAST);
  const sealed = await seal(key, { name: "Mô hình dân vận khéo" }, "models|\"a\"");
  const again = await openWithPin(box, "2580");
  assert.ok(again);
  assert.deepEqual(await open(again, sealed, "models|\"a\""), { name: "Mô hình dân vận khéo" });
  assert.equal(await openWithPin(box, "2581"), null);
  assert.equal(again.extractable, false, "the data key never leaves WebCrypto");
});

test("sealed values carry no clear text, use a fresh IV, and refuse another place or key", async () => {
  const { key } = await newKeyBox("2580", null, FAST);
  const a = await seal(key, "Nguyễn Văn A", "models|\"x\"");
  const b = await seal(key, "Nguyễn Văn A", "models|\"x\"");
  assert.notDeepEqual([...a.iv], [...b.iv]);
  const bytes = Buffer.from(a.ct);
  assert.equal(bytes.includes(Buffer.from("Nguy")), false);
  await assert.rejects(open(key, a, "models|\"y\""));
  const other = await newKeyBox("2580", null, FAST);
  await assert.rejects(open(other.key, a, "models|\"x\""));
  const tampered = { iv: a.iv, ct: new Uint8Array(a.ct).map((v, i) => (i === 0 ? v ^ 1 : v)).buffer };
  await assert.rejects(open(key, tampered, "models|\"x\""));
});

test("the escrow key from the server resets a forgotten PIN and keeps the data readable", async () => {
  const escrow = randomBytes(32);
  const { box, key } = await newKeyBox("2580", escrow, FAST);
  const sealed = await seal(key, [1, 2, 3], "outbox|1");
  assert.equal(await resetPin(box, randomBytes(32), "3691"), null, "another escrow key does not fit");
  const reset = await resetPin(box, escrow, "3691");
  assert.ok(reset);
  assert.deepEqual(await open(reset.key, sealed, "outbox|1"), [1, 2, 3]);
  assert.equal(await openWithPin(reset.box, "2580"), null, "the old PIN no longer opens");
  assert.ok(await openWithPin(reset.box, "3691"));
});

test("a file sealed for the server wraps its key with RSA-OAEP and authenticates the header", async () => {
  const pair = await crypto.subtle.generateKey(
    { name: "RSA-OAEP", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" }, true, ["encrypt", "decrypt"]);
  const spki = Buffer.from(await crypto.subtle.exportKey("spki", pair.publicKey)).toString("base64");
  const file = await sealForServer({ key_id: "k1", spki }, { user_id: 7 }, { mutations: [{ seq: 1 }] });
  assert.equal(file.format, "sotay-sealed/1");
  assert.deepEqual(JSON.parse(file.header), { user_id: 7, format: "sotay-sealed/1", key_id: "k1" });
  const raw = await crypto.subtle.decrypt({ name: "RSA-OAEP" }, pair.privateKey, fromBase64(file.key));
  const aes = await crypto.subtle.importKey("raw", raw, "AES-GCM", false, ["decrypt"]);
  const plain = await crypto.subtle.decrypt(
    { name: "AES-GCM", iv: fromBase64(file.iv), additionalData: new TextEncoder().encode(file.header) }, aes, fromBase64(file.ciphertext));
  assert.deepEqual(JSON.parse(new TextDecoder().decode(plain)), { mutations: [{ seq: 1 }] });
  await assert.rejects(crypto.subtle.decrypt(
    { name: "AES-GCM", iv: fromBase64(file.iv), additionalData: new TextEncoder().encode(file.header.replace("7", "8")) }, aes, fromBase64(file.ciphertext)));
});

test("an online sign-in's escrow key opens the box; a box made offline gets one later", async () => {
  const escrow = randomBytes(32);
  const made = await newKeyBox("2580", escrow, FAST);
  const sealed = await seal(made.key, "x", "meta|\"session\"");
  const viaEscrow = await openWithEscrow(made.box, escrow);
  assert.equal(await open(viaEscrow, sealed, "meta|\"session\""), "x");
  assert.equal(await openWithEscrow(made.box, randomBytes(32)), null);
  const offline = await newKeyBox("2580", null, FAST);
  assert.equal(await openWithEscrow(offline.box, escrow), null);
  assert.equal(await addEscrow(offline.box, "9999", escrow), null, "a wrong PIN adds nothing");
  const later = await addEscrow(offline.box, "2580", escrow);
  const sealedOffline = await seal(offline.key, "y", "k");
  assert.equal(await open(await openWithEscrow(later, escrow), sealedOffline, "k"), "y");
});

test("a Blob, bytes and a Date come back from a sealed value as they went in", async () => {
  const { key } = await newKeyBox("2580", null, FAST);
  const photo = new Blob([new Uint8Array([255, 216, 255, 0, 1])], { type: "image/jpeg" });
  const value = { id: "f", blob: photo, raw: new Uint8Array([1, 2]).buffer, bytes: new Uint8Array([3]), at: new Date(5), list: [photo] };
  const back = await open(key, await seal(key, value, "files|\"f\""), "files|\"f\"");
  assert.equal(back.blob.type, "image/jpeg");
  assert.deepEqual([...new Uint8Array(await back.blob.arrayBuffer())], [255, 216, 255, 0, 1]);
  assert.deepEqual([...new Uint8Array(back.raw)], [1, 2]);
  assert.deepEqual([...back.bytes], [3]);
  assert.equal(back.at.getTime(), 5);
  assert.equal(back.list[0].size, 5);
});
