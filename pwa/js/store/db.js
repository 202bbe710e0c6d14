// IndexedDB: an upgrade ladder shared by every user's database, and the transactions every
// module uses, run against the unlocked user's vault (store/vault.js: values sealed on disk,
// a decrypted copy in memory). Never the network inside a transaction.

import { RECORD_REGISTRY } from "../lib/record-registry.js";

// Before shared phones (2026.12) everything lived unencrypted here; now only the ladder's name
// prefix: each user has "sotay-u<id>", and the phone's account list is "sotay-phone".
export const DB_NAME = "sotay";
// Bump with a new rung in upgrade(); every rung must carry the outbox and records through.
export const DB_VERSION = 5;

export const STORE = Object.freeze({
  MODELS: "models",
  MEETINGS: "meetings",
  RECOGNITIONS: "recognitions",
  INSPECTIONS: "inspections",
  UNITS: "units",
  CONFLICTS: "conflicts",
  OUTBOX: "outbox",
  META: "meta",
  EVALUATIONS: "evaluations",
  CRITERIA_SETS: "criteria_sets",
  FILES: "files",
});
// The synced record tables, from the server's registry (each needs its store in upgrade()).
export const RECORD_TABLES = RECORD_REGISTRY.tables;
export const ALL_STORES = Object.values(STORE);

/** The schema ladder: each rung keeps every pending change (the outbox migrates in place).
 */
export function upgrade(db, oldVersion, tx) {
  if (oldVersion < 1) {
    db.createObjectStore(STORE.MODELS, { keyPath: "id" });
    db.createObjectStore(STORE.MEETINGS, { keyPath: "id" });
    db.createObjectStore(STORE.UNITS, { keyPath: "id" });
    db.createObjectStore(STORE.CONFLICTS, { keyPath: "id" });
    db.createObjectStore(STORE.OUTBOX, { keyPath: "seq" });
    db.createObjectStore(STORE.META);
  }
  if (oldVersion < 2) {
    // v2: outbox entries name their record ("models:<id>"), indexed, so a save finds the
    // record's queue without reading it all; existing entries get the key from their data.
    const outbox = tx.objectStore(STORE.OUTBOX);
    outbox.createIndex("record", "record");
    outbox.openCursor().onsuccess = (event) => {
      const cursor = /** @type {IDBCursorWithValue|null} */ (event.target.result);
      if (!cursor) return;
      const entry = cursor.value;
      if (!entry.record) {
        entry.record = `${entry.table}:${entry.data && entry.data.id}`;
        cursor.update(entry);
      }
      cursor.continue();
    };
    tx.objectStore(STORE.CONFLICTS).createIndex("record", ["table", "record_id"]);
  }
  if (oldVersion < 3) {
    // v3: attachments' bytes, keyed by their SHA-256, so a photo used by two records is kept
    // once. No index: a phone holds tens of files, read whole.
    db.createObjectStore(STORE.FILES, { keyPath: "sha256" });
  }
  if (oldVersion < 4) {
    // v4: evaluations (a synced record table) and the criteria sets pulled with them (read only).
    if (!db.objectStoreNames.contains(STORE.EVALUATIONS)) db.createObjectStore(STORE.EVALUATIONS, { keyPath: "id" });
    if (!db.objectStoreNames.contains(STORE.CRITERIA_SETS)) db.createObjectStore(STORE.CRITERIA_SETS, { keyPath: "id" });
  }
  if (oldVersion < 5) {
    // v5: recognitions and inspections (DOMAIN.md §2.7–2.8), synced like models and meetings.
    for (const name of [STORE.RECOGNITIONS, STORE.INSPECTIONS]) {
      if (!db.objectStoreNames.contains(name)) db.createObjectStore(name, { keyPath: "id" });
    }
  }
}

/** @type {import("./vault.js").Vault|null} */
let vault = null;
/** @type {(() => void)|null} */
let onVersionChange = null;

/** Called when another tab needs a newer schema: this tab must close and reload. */
export function setVersionChangeHandler(handler) {
  onVersionChange = handler;
}

/**
 * Open (creating or upgrading) a database with the ladder above: a user's own database, or the
 * unencrypted one of app versions before shared phones (DB_NAME), to carry it over.
 * @param {string} name
 * @returns {Promise<IDBDatabase>}
 */
export function openDb(name) {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(name, DB_VERSION);
    request.onupgradeneeded = (event) => {
      upgrade(request.result, event.oldVersion, /** @type {IDBTransaction} */ (request.transaction));
    };
    request.onsuccess = () => {
      const db = request.result;
      db.onversionchange = () => {
        db.close();
        if (onVersionChange) onVersionChange();
      };
      resolve(db);
    };
    request.onerror = () => reject(request.error);
    request.onblocked = () => {
      // An old tab holds the database open; it closes on its versionchange event.
    };
  });
}

/** The database of one user of the phone: every value in it sealed (store/vault.js). */
export const userDbName = (userId) => `${DB_NAME}-u${userId}`;

/** Make the unlocked user's vault the one every read and write goes to (null: locked). */
export function useVault(next) {
  vault = next;
}

/** The unlocked user's vault, or null when the app is locked. */
export function currentVault() {
  return vault;
}

/** Thrown by any read or write while no user is unlocked. */
export class LockedError extends Error {
  constructor() {
    super("locked");
    this.name = "LockedError";
  }
}

/** Wait for an IndexedDB request, or pass through the promise a vault store returns. */
export function req(request) {
  if (typeof request.then === "function") return request;
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

/**
 * Run fn in one transaction of the unlocked user's vault; a readwrite one is sealed and on disk,
 * whole, when this resolves. fn awaits only this transaction's requests.
 */
export async function withTx(stores, mode, fn) {
  if (!vault) throw new LockedError();
  return vault.run(stores, mode, fn);
}

/** Read one value. */
export function get(storeName, key) {
  return withTx([storeName], "readonly", (tx) => req(tx.objectStore(storeName).get(key)));
}

/** Read every value of a store. */
export function getAll(storeName) {
  return withTx([storeName], "readonly", (tx) => req(tx.objectStore(storeName).getAll()));
}

/** Empty every store of the unlocked user in one transaction: the next device starts at seq 1. */
export function clearAll() {
  return withTx(ALL_STORES, "readwrite", async (tx) => {
    for (const name of ALL_STORES) await req(tx.objectStore(name).clear());
  });
}

// Small key/value facts: session, cursor, next seq, last sync time, language, form draft.

export const META = Object.freeze({
  SESSION: "session",
  CURSOR: "cursor",
  // The scope token of the response whose cursor is stored, written with it (PROTOCOL.md §5.4).
  SCOPE: "scope",
  NEXT_SEQ: "nextSeq",
  LAST_SYNC_AT: "lastSyncAt",
  LANG: "lang",
  FORM_DRAFT: "formDraft",
  LAST_EXPORT_AT: "lastExportAt",
});

export function getMeta(key) {
  return get(STORE.META, key);
}

export function setMeta(key, value) {
  return withTx([STORE.META], "readwrite", (tx) => req(tx.objectStore(STORE.META).put(value, key)));
}

export function deleteMeta(key) {
  return withTx([STORE.META], "readwrite", (tx) => req(tx.objectStore(STORE.META).delete(key)));
}

/**
 * @typedef {{id: number, username: string, full_name: string, position?: string|null,
 *   roles: string[], unit: {id: number, code: string, name: string, level: string, path: string}}} User
 * @typedef {{token: string|null, device: {id: string, expires_at?: string}, user: User, signedInAt: number, tokenAt?: number}} Session
 */

export function getSession() {
  return getMeta(META.SESSION);
}

/** @param {Session} session */
export function setSession(session) {
  return setMeta(META.SESSION, session);
}
