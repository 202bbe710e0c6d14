// Per-user encryption on a shared phone: a PIN unlocks the user's data key (PBKDF2-SHA-256 →
// AES-GCM key wrap); every stored value is sealed with AES-GCM under a fresh IV. Also the PIN
// rules, the wrong-PIN backoff and the export file sealed for the server (RSA-OAEP + AES-GCM).
// WebCrypto only, no DOM: runs in the page and in node's tests.

const subtle = globalThis.crypto.subtle;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

// OWASP's 2023 floor for PBKDF2-HMAC-SHA-256; a mid-range phone takes about half a second.
export const KDF_ITERATIONS = 600000;
export const PIN_MIN = 4;
export const PIN_MAX = 8;
// Wrong PINs: wait 1, 2, 4 … s (capped) after each; after MAX_TRIES an online sign-in.
export const PIN_POLICY = Object.freeze({ maxTries: 10, baseMs: 1000, capMs: 5 * 60 * 1000 });

/**
 * Say what is wrong with a PIN, or null: PIN_FORMAT (not 4–8 digits) or PIN_TRIVIAL (one digit
 * repeated, or a run up or down like 1234 or 9876).
 * @param {string} pin
 * @returns {null|"PIN_FORMAT"|"PIN_TRIVIAL"}
 */
export function pinProblem(pin) {
  if (typeof pin !== "string" || !new RegExp(`^[0-9]{${PIN_MIN},${PIN_MAX}}$`).test(pin)) return "PIN_FORMAT";
  const digits = [...pin].map(Number);
  const steps = new Set(digits.slice(1).map((d, i) => (d - digits[i] + 10) % 10));
  if (steps.size === 1 && [0, 1, 9].includes([...steps][0])) return "PIN_TRIVIAL";
  return null;
}

/**
 * After `failures` wrong PINs in a row: how long the next try must wait, and whether only an
 * online sign-in may unlock now.
 * @param {number} failures
 * @param {{maxTries: number, baseMs: number, capMs: number}} [policy]
 * @returns {{waitMs: number, needsOnline: boolean}}
 */
export function pinBackoff(failures, policy = PIN_POLICY) {
  if (failures <= 0) return { waitMs: 0, needsOnline: false };
  if (failures >= policy.maxTries) return { waitMs: 0, needsOnline: true };
  return { waitMs: Math.min(policy.capMs, policy.baseMs * 2 ** (failures - 1)), needsOnline: false };
}

/** @param {ArrayBuffer|Uint8Array} bytes */
export function toBase64(bytes) {
  const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  let text = "";
  for (const byte of view) text += String.fromCharCode(byte);
  return btoa(text);
}

/** @param {string} text */
export function fromBase64(text) {
  const raw = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  return Uint8Array.from(raw, (c) => c.charCodeAt(0));
}

export function randomBytes(n) {
  return globalThis.crypto.getRandomValues(new Uint8Array(n));
}

async function pinKey(pin, salt, iterations) {
  const base = await subtle.importKey("raw", encoder.encode(pin), "PBKDF2", false, ["deriveKey"]);
  return subtle.deriveKey({ name: "PBKDF2", hash: "SHA-256", salt, iterations }, base,
    { name: "AES-GCM", length: 256 }, false, ["wrapKey", "unwrapKey"]);
}

function escrowKey(bytes) {
  return subtle.importKey("raw", bytes, "AES-GCM", false, ["wrapKey", "unwrapKey"]);
}

/**
 * @typedef {{iv: Uint8Array, ct: ArrayBuffer}} Wrapped
 * @typedef {{salt: Uint8Array, iterations: number, pin: Wrapped, escrow: Wrapped|null}} KeyBox
 */

async function wrap(dataKey, kek) {
  const iv = randomBytes(12);
  return { iv, ct: await subtle.wrapKey("raw", dataKey, kek, { name: "AES-GCM", iv }) };
}

function unwrap(box, kek, extractable) {
  return subtle.unwrapKey("raw", box.ct, kek, { name: "AES-GCM", iv: box.iv }, "AES-GCM", extractable, ["encrypt", "decrypt"]);
}

/**
 * Make a user's data key and its box: wrapped under the PIN and, when the server gave one, under
 * the escrow key (so an online sign-in recovers it after a forgotten PIN). The key returned can
 * encrypt and decrypt but never leave WebCrypto.
 * @param {string} pin
 * @param {Uint8Array|null} escrow
 * @param {{iterations?: number}} [options]
 * @returns {Promise<{box: KeyBox, key: CryptoKey}>}
 */
export async function newKeyBox(pin, escrow, options = {}) {
  const iterations = options.iterations || KDF_ITERATIONS;
  const salt = randomBytes(16);
  const raw = await subtle.generateKey({ name: "AES-GCM", length: 256 }, true, ["encrypt", "decrypt"]);
  const kek = await pinKey(pin, salt, iterations); // the slow part: once
  const box = { salt, iterations, pin: await wrap(raw, kek), escrow: escrow ? await wrap(raw, await escrowKey(escrow)) : null };
  // The key kept in use is the unwrapped, non-extractable copy; the extractable one is dropped.
  return { box, key: await unwrap(box.pin, kek, false) };
}

/**
 * Open a box with a PIN; null when the PIN is wrong.
 * @param {KeyBox} box
 * @param {string} pin
 * @returns {Promise<CryptoKey|null>}
 */
export async function openWithPin(box, pin) {
  try {
    return await unwrap(box.pin, await pinKey(pin, box.salt, box.iterations), false);
  } catch {
    return null;
  }
}

/**
 * Open a box with the server's escrow key (after an online sign-in); null when it does not fit.
 * @param {KeyBox} box
 * @param {Uint8Array} escrow
 * @returns {Promise<CryptoKey|null>}
 */
export async function openWithEscrow(box, escrow) {
  if (!box.escrow) return null;
  try {
    return await unwrap(box.escrow, await escrowKey(escrow), false);
  } catch {
    return null;
  }
}

/**
 * Add the escrow wrap to a box made without one (a phone upgraded while offline).
 * @param {KeyBox} box
 * @param {string} pin
 * @param {Uint8Array} escrow
 * @returns {Promise<KeyBox|null>} null when the PIN is wrong
 */
export async function addEscrow(box, pin, escrow) {
  let raw;
  try {
    raw = await unwrap(box.pin, await pinKey(pin, box.salt, box.iterations), true);
  } catch {
    return null;
  }
  return { ...box, escrow: await wrap(raw, await escrowKey(escrow)) };
}

/**
 * Open a box with the server's escrow key and wrap it under a new PIN; null when the escrow key
 * does not fit (another server, or a box made without one).
 * @param {KeyBox} box
 * @param {Uint8Array} escrow
 * @param {string} pin
 * @param {{iterations?: number}} [options]
 * @returns {Promise<{box: KeyBox, key: CryptoKey}|null>}
 */
export async function resetPin(box, escrow, pin, options = {}) {
  if (!box.escrow) return null;
  let raw;
  try {
    raw = await unwrap(box.escrow, await escrowKey(escrow), true);
  } catch {
    return null;
  }
  const iterations = options.iterations || box.iterations;
  const salt = randomBytes(16);
  const kek = await pinKey(pin, salt, iterations);
  const next = { salt, iterations, pin: await wrap(raw, kek), escrow: box.escrow };
  return { box: next, key: await unwrap(next.pin, kek, false) };
}

/**
 * Seal a value (anything JSON can carry) under a fresh IV; `context` (e.g. store and key) is
 * authenticated, so a sealed value moved to another place no longer opens.
 * @param {CryptoKey} key
 * @param {unknown} value
 * @param {string} context
 * @returns {Promise<{iv: Uint8Array, ct: ArrayBuffer}>}
 */
export async function seal(key, value, context) {
  const iv = randomBytes(12);
  const ct = await subtle.encrypt({ name: "AES-GCM", iv, additionalData: encoder.encode(context) }, key,
    encoder.encode(JSON.stringify(await pack(value))));
  return { iv, ct };
}

/**
 * Seal a value already in JSON text (made with packSync), as seal() does: open() reads it back.
 * @param {CryptoKey} key
 * @param {string} json
 * @param {string} context
 * @returns {Promise<{iv: Uint8Array, ct: ArrayBuffer}>}
 */
export async function sealJson(key, json, context) {
  const iv = randomBytes(12);
  const ct = await subtle.encrypt({ name: "AES-GCM", iv, additionalData: encoder.encode(context) }, key, encoder.encode(json));
  return { iv, ct };
}

/**
 * Seal raw bytes (a photo) as they are, with no JSON or base64 on the way: AES-GCM under a fresh
 * IV, `context` authenticated as for seal().
 * @param {CryptoKey} key
 * @param {ArrayBuffer} bytes
 * @param {string} context
 * @returns {Promise<{iv: Uint8Array, ct: ArrayBuffer}>}
 */
export async function sealBytes(key, bytes, context) {
  const iv = randomBytes(12);
  const ct = await subtle.encrypt({ name: "AES-GCM", iv, additionalData: encoder.encode(context) }, key, bytes);
  return { iv, ct };
}

/**
 * Open bytes sealed by sealBytes; throws when they were altered, moved or sealed under another key.
 * @param {CryptoKey} key
 * @param {{iv: Uint8Array, ct: ArrayBuffer}} sealed
 * @param {string} context
 * @returns {Promise<ArrayBuffer>}
 */
export function openBytes(key, sealed, context) {
  return subtle.decrypt({ name: "AES-GCM", iv: /** @type {Uint8Array<ArrayBuffer>} */ (sealed.iv), additionalData: encoder.encode(context) }, key, sealed.ct);
}

// What IndexedDB stores besides JSON (a photo's Blob, bytes, a Date) survives sealing: each is
// tagged on the way in and rebuilt on the way out.
const TAG = "\u0000sotay";
const TAG_TEXT = JSON.stringify(TAG).slice(1, -1);

/** @param {unknown} value @returns {Promise<unknown>} */
export async function pack(value) {
  if (value === null || typeof value !== "object") return value;
  if (typeof Blob === "function" && value instanceof Blob) {
    return { [TAG]: "blob", type: value.type, data: toBase64(new Uint8Array(await value.arrayBuffer())) };
  }
  if (value instanceof ArrayBuffer) return { [TAG]: "buffer", data: toBase64(new Uint8Array(value)) };
  if (value instanceof Uint8Array) return { [TAG]: "bytes", data: toBase64(value) };
  if (value instanceof Date) return { [TAG]: "date", data: value.getTime() };
  if (Array.isArray(value)) return Promise.all(value.map(pack));
  const out = {};
  for (const [k, v] of Object.entries(value)) out[k] = await pack(v);
  return out;
}

/**
 * pack() without waiting, for what holds no Blob (whose bytes can only be read asynchronously):
 * throws a TypeError on one.
 * @param {unknown} value @returns {unknown}
 */
export function packSync(value) {
  if (value === null || typeof value !== "object") return value;
  if (typeof Blob === "function" && value instanceof Blob) throw new TypeError("a Blob needs pack()");
  if (value instanceof ArrayBuffer) return { [TAG]: "buffer", data: toBase64(new Uint8Array(value)) };
  if (value instanceof Uint8Array) return { [TAG]: "bytes", data: toBase64(value) };
  if (value instanceof Date) return { [TAG]: "date", data: value.getTime() };
  if (Array.isArray(value)) return value.map(packSync);
  const out = {};
  for (const [k, v] of Object.entries(value)) out[k] = packSync(v);
  return out;
}

/** @param {unknown} value @returns {unknown} */
export function unpack(value) {
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map(unpack);
  const tagged = /** @type {Record<string, any>} */ (value);
  const tag = tagged[TAG];
  if (tag === "blob") return new Blob([fromBase64(tagged.data)], { type: tagged.type });
  if (tag === "buffer") return fromBase64(tagged.data).buffer;
  if (tag === "bytes") return fromBase64(tagged.data);
  if (tag === "date") return new Date(tagged.data);
  const out = {};
  for (const [k, v] of Object.entries(value)) out[k] = unpack(v);
  return out;
}

/**
 * Open a sealed value; throws when it was altered, moved or sealed under another key.
 * @param {CryptoKey} key
 * @param {{iv: Uint8Array, ct: ArrayBuffer}} sealed
 * @param {string} context
 */
export async function open(key, sealed, context) {
  return parsePacked(await openText(key, sealed, context));
}

/**
 * Open sealed JSON text (sealJson) as the text itself; throws as open() does.
 * @param {CryptoKey} key
 * @param {{iv: Uint8Array, ct: ArrayBuffer}} sealed
 * @param {string} context
 * @returns {Promise<string>}
 */
export async function openText(key, sealed, context) {
  const plain = await subtle.decrypt({ name: "AES-GCM", iv: /** @type {Uint8Array<ArrayBuffer>} */ (sealed.iv), additionalData: encoder.encode(context) }, key, sealed.ct);
  return decoder.decode(plain);
}

/**
 * Parse JSON made from pack()ed values back into them.
 * @param {string} text
 */
export function parsePacked(text) {
  // Only values that held a Blob, bytes or a date need the walk (unlock opens thousands).
  return text.includes(TAG_TEXT) ? unpack(JSON.parse(text)) : JSON.parse(text);
}

// --- the export file, sealed for the server (PROTOCOL.md §13) ---

export const EXPORT_FORMAT = "sotay-sealed/1";

/**
 * Seal a payload for the server's RSA-OAEP public key: a fresh AES-GCM key encrypts it (the
 * header is authenticated) and the server's key wraps that key.
 * @param {{key_id: string, spki: string}} serverKey the server's published key (base64 SPKI)
 * @param {Record<string, unknown>} header clear, authenticated fields (who, which device, when)
 * @param {unknown} payload
 */
export async function sealForServer(serverKey, header, payload) {
  const rsa = await subtle.importKey("spki", fromBase64(serverKey.spki), { name: "RSA-OAEP", hash: "SHA-256" }, false, ["encrypt"]);
  const aes = await subtle.generateKey({ name: "AES-GCM", length: 256 }, true, ["encrypt"]);
  const iv = randomBytes(12);
  const head = { ...header, format: EXPORT_FORMAT, key_id: serverKey.key_id };
  const aad = encoder.encode(JSON.stringify(head));
  const ct = await subtle.encrypt({ name: "AES-GCM", iv, additionalData: aad }, aes, encoder.encode(JSON.stringify(payload)));
  const wrapped = await subtle.encrypt({ name: "RSA-OAEP" }, rsa, await subtle.exportKey("raw", aes));
  // The header travels as the exact string that was authenticated: no canonical JSON needed.
  return { format: EXPORT_FORMAT, header: decoder.decode(aad), key: toBase64(wrapped), iv: toBase64(iv), ciphertext: toBase64(ct) };
}
