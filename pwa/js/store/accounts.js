// The officers of a shared phone: enrol one with a PIN at their first online sign-in, unlock
// (with the wrong-PIN backoff), lock, recover after an online sign-in, remove; and carry the
// unencrypted database of app versions before 2026.12 into its user's encrypted one. No DOM.

import {
  addEscrow, fromBase64, newKeyBox, openWithEscrow, openWithPin, pinBackoff, pinProblem, randomBytes, resetPin,
  toBase64,
} from "./crypto.js";
import { emit, EV } from "../events.js";
import { ALL_STORES, currentVault, DB_NAME, META, openDb, RECORD_TABLES, STORE, useVault, userDbName } from "./db.js";
import * as phone from "./phone.js";
import { GENERATION_KEY, mark, measure, readSnapshot, Vault } from "./vault.js";

/** A coded refusal: PIN_FORMAT, PIN_TRIVIAL, PIN_WRONG, PIN_WAIT, PIN_NEEDS_ONLINE, NO_ACCOUNT. */
export class PinError extends Error {
  /** @param {string} code @param {Record<string, unknown>} [details] */
  constructor(code, details = {}) {
    super(code);
    this.name = "PinError";
    this.code = code;
    this.details = details;
  }
}

/** @param {string} pin */
export function checkPin(pin) {
  const problem = pinProblem(pin);
  if (problem) throw new PinError(problem);
}

/**
 * How long this account must still wait before the next PIN, and whether only an online
 * sign-in may unlock it now.
 * @param {import("./phone.js").Account} account
 */
export function pinState(account, now = Date.now()) {
  if (account.needs_online) return { waitMs: 0, needsOnline: true };
  const { waitMs, needsOnline } = pinBackoff(account.failures || 0);
  return { waitMs: Math.max(0, (account.last_failure_at || 0) + waitMs - now), needsOnline };
}

/** The phone's salt for escrow keys: sent at sign-in, the same for every user of this phone. */
export async function keySalt() {
  let salt = await phone.getSetting("keySalt");
  if (!salt) {
    salt = toBase64(randomBytes(16));
    await phone.setSetting("keySalt", salt);
  }
  return salt;
}

/**
 * @param {number} userId @param {CryptoKey} key
 * @param {Promise<{db: IDBDatabase, early: Promise<[unknown, unknown]>}>} [opening] from openEarly()
 */
async function openVault(userId, key, opening = openEarly(userId)) {
  const { db, early } = await opening;
  let vault;
  try {
    vault = await Vault.open(db, key, {
      generationStore: STORE.META,
      // Photo bytes stay sealed on disk, out of the in-memory copy: files.js reads one on demand.
      detached: { [STORE.FILES]: "blob" },
      // Another tab of this user wrote: screens and the index read again.
      onExternalWrite: () => emit(EV.DATA_CHANGED, { tables: [...new Set([...ALL_STORES, ...RECORD_TABLES])], remote: true }),
    }, early);
  } catch (error) {
    db.close();
    throw error;
  }
  const previous = currentVault();
  if (previous && previous !== vault) previous.close();
  useVault(vault);
  await phone.setSetting(phone.SETTING.LAST_USER, userId);
  return vault;
}

/** Open a user's database and start reading its snapshot, before their key is known. */
async function openEarly(userId) {
  const db = await openDb(userDbName(userId));
  const early = readSnapshot(db, STORE.META);
  early.catch(() => {});
  return { db, early };
}

// A page going away writes its snapshot if one is due (lock and the idle timer do too).
if (typeof addEventListener === "function") {
  addEventListener("pagehide", () => {
    const vault = currentVault();
    if (vault) vault.flushSnapshot();
  });
}

/**
 * Enrol a user on this phone at their first online sign-in: a new data key under the PIN (and
 * the server's escrow key), and their encrypted database, unlocked.
 * @param {{user: import("./db.js").User, pin: string, escrowKey?: string|null, iterations?: number}} args
 */
export async function enrol({ user, pin, escrowKey = null, iterations }) {
  checkPin(pin);
  const { box, key } = await newKeyBox(pin, escrowKey ? fromBase64(escrowKey) : null, { iterations });
  await openVault(user.id, key);
  await phone.putAccount({
    user_id: user.id, username: user.username, full_name: user.full_name, box,
    key_salt: await keySalt(), failures: 0, last_failure_at: 0, needs_online: false, created_at: Date.now(),
  });
}

/**
 * Unlock a user with their PIN. Wrong PINs count on the phone: each makes the next try wait
 * longer (1, 2, 4 … s), and after PIN_POLICY.maxTries only an online sign-in unlocks; the
 * encrypted data stays as it is.
 */
export async function unlock(userId, pin, now = Date.now()) {
  const account = await phone.getAccount(userId);
  if (!account) throw new PinError("NO_ACCOUNT");
  const state = pinState(account, now);
  if (state.needsOnline) throw new PinError("PIN_NEEDS_ONLINE");
  if (state.waitMs > 0) throw new PinError("PIN_WAIT", { waitMs: state.waitMs });
  // The database opens and its snapshot is read while the PIN's key is derived.
  const opening = openEarly(userId);
  opening.catch(() => {});
  mark("sotay:kdf:start");
  const key = await openWithPin(account.box, pin);
  measure("sotay:kdf", "sotay:kdf:start");
  if (!key) {
    opening.then(({ db }) => db.close(), () => {});
    const failures = (account.failures || 0) + 1;
    const after = pinBackoff(failures);
    await phone.putAccount({ ...account, failures, last_failure_at: now, needs_online: after.needsOnline });
    throw new PinError(after.needsOnline ? "PIN_NEEDS_ONLINE" : "PIN_WRONG", { failures, waitMs: after.waitMs });
  }
  mark("sotay:vault:start");
  await openVault(userId, key, opening);
  measure("sotay:vault", "sotay:vault:start");
  if (account.failures || account.needs_online) await phone.putAccount({ ...account, failures: 0, needs_online: false });
  return account;
}

/**
 * After an online sign-in of a user already on this phone: open their data with the escrow key
 * the server answered, and set a new PIN when one is given (required after too many wrong
 * ones). Returns false when the box has no escrow wrap: then the PIN is still needed.
 * @param {{userId: number, escrowKey: string|null, newPin?: string|null}} args
 */
export async function reopenOnline({ userId, escrowKey, newPin = null }) {
  const account = await phone.getAccount(userId);
  if (!account) throw new PinError("NO_ACCOUNT");
  if (newPin) checkPin(newPin);
  if (!escrowKey || !account.box.escrow) return false;
  const escrow = fromBase64(escrowKey);
  let box = account.box;
  let key;
  if (newPin) {
    const reset = await resetPin(box, escrow, newPin);
    if (!reset) return false;
    ({ box, key } = reset);
  } else {
    key = await openWithEscrow(box, escrow);
    if (!key) return false;
  }
  await openVault(userId, key);
  await phone.putAccount({ ...account, box, failures: 0, last_failure_at: 0, needs_online: false });
  return true;
}

/** Add the escrow wrap to an account made offline, once the server gave its key. */
export async function attachEscrow(userId, pin, escrowKey) {
  const account = await phone.getAccount(userId);
  if (!account || account.box.escrow) return false;
  const box = await addEscrow(account.box, pin, fromBase64(escrowKey));
  if (!box) return false;
  await phone.putAccount({ ...account, box });
  return true;
}

/**
 * Lock: forget the key and the decrypted copy.
 * @param {{discard?: boolean}} [options] discard: the user's database is about to be deleted
 */
export function lock(options = {}) {
  const vault = currentVault();
  useVault(null);
  if (vault) vault.close(options);
}

function deleteDb(name) {
  return new Promise((resolve, reject) => {
    const request = indexedDB.deleteDatabase(name);
    request.onsuccess = () => resolve(undefined);
    request.onerror = () => reject(request.error);
    request.onblocked = () => {
      // Another tab still has it open; the deletion completes when it closes.
    };
  });
}

/** Remove a user from this phone (sign-out): their database first, then their account. */
export async function removeAccount(userId) {
  lock({ discard: true });
  await deleteDb(userDbName(userId));
  await phone.deleteAccount(userId);
}

// --- the database of app versions before shared phones ---------------------------------------

async function legacyExists() {
  if (indexedDB.databases) return (await indexedDB.databases()).some((d) => d.name === DB_NAME);
  return true;
}

function readAll(db) {
  const names = [...db.objectStoreNames];
  return new Promise((resolve, reject) => {
    const out = {};
    if (!names.length) {
      resolve(out);
      return;
    }
    const tx = db.transaction(names, "readonly");
    for (const name of names) {
      const store = tx.objectStore(name);
      const keys = store.getAllKeys();
      const values = store.getAll();
      values.onsuccess = () => {
        out[name] = { keys: keys.result, values: values.result, inline: store.keyPath !== null };
      };
    }
    tx.oncomplete = () => resolve(out);
    tx.onabort = () => reject(tx.error);
  });
}

/**
 * The signed-in session left in the unencrypted database by an older version of the app, or
 * null. Its user must set a PIN to carry their data over.
 * @returns {Promise<import("./db.js").Session|null>}
 */
export async function legacySession() {
  if (!(await legacyExists())) return null;
  const db = await openDb(DB_NAME);
  try {
    const all = await readAll(db);
    const meta = all[STORE.META];
    if (!meta) return null;
    const at = meta.keys.indexOf(META.SESSION);
    return at >= 0 ? meta.values[at] : null;
  } finally {
    db.close();
  }
}

/** Tell whether the old database holds anything a user could lose. */
export async function legacyHasData() {
  if (!(await legacyExists())) return false;
  const db = await openDb(DB_NAME);
  try {
    const all = await readAll(db);
    return Object.entries(all).some(([name, { keys }]) => name !== STORE.META && keys.length > 0);
  } finally {
    db.close();
  }
}

/**
 * Carry the unencrypted database of an older version into the unlocked user's vault, every
 * record, outbox entry, conflict and setting in one sealed write, then delete it. A crash
 * before the deletion only repeats the copy of the same data.
 */
export async function adoptLegacy() {
  const vault = currentVault();
  if (!vault) throw new PinError("NO_ACCOUNT");
  const db = await openDb(DB_NAME);
  let all;
  try {
    all = await readAll(db);
  } finally {
    db.close();
  }
  const names = Object.keys(all).filter((name) => vault.layout[name]);
  let copied = 0;
  await vault.run(names, "readwrite", async (tx) => {
    for (const name of names) {
      const store = tx.objectStore(name);
      const { keys, values, inline } = all[name];
      for (let i = 0; i < keys.length; i++) {
        if (name === STORE.META && keys[i] === GENERATION_KEY) continue;
        await (inline ? store.put(values[i]) : store.put(values[i], keys[i]));
        copied += 1;
      }
    }
  });
  const lang = all[STORE.META] && all[STORE.META].values[all[STORE.META].keys.indexOf(META.LANG)];
  if (lang) await phone.setSetting(phone.SETTING.LANG, lang);
  await deleteDb(DB_NAME);
  return copied;
}

export { listAccounts, getAccount, getSetting, setSetting, SETTING } from "./phone.js";
