// IndexedDB in the idb style: one cached connection promise, an upgrade ladder, every
// transaction awaited to completion, never the network inside one (it would auto-commit).

import { RECORD_REGISTRY } from "../lib/record-schema.js";

export const DB_NAME = "sotay";
// Bump with a new rung in upgrade(); every rung must carry the outbox and records through.
export const DB_VERSION = 3;

export const STORE = Object.freeze({
  MODELS: "models",
  MEETINGS: "meetings",
  UNITS: "units",
  CONFLICTS: "conflicts",
  OUTBOX: "outbox",
  META: "meta",
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
}

/** @type {Promise<IDBDatabase>|null} */
let dbPromise = null;
/** @type {(() => void)|null} */
let onVersionChange = null;

/** Called when another tab needs a newer schema: this tab must close and reload. */
export function setVersionChangeHandler(handler) {
  onVersionChange = handler;
}

export function getDb() {
  if (!dbPromise) {
    dbPromise = new Promise((resolve, reject) => {
      const request = indexedDB.open(DB_NAME, DB_VERSION);
      request.onupgradeneeded = (event) => {
        upgrade(request.result, event.oldVersion, /** @type {IDBTransaction} */ (request.transaction));
      };
      request.onsuccess = () => {
        const db = request.result;
        db.onversionchange = () => {
          db.close();
          dbPromise = null;
          if (onVersionChange) onVersionChange();
        };
        resolve(db);
      };
      request.onerror = () => {
        dbPromise = null;
        reject(request.error);
      };
      request.onblocked = () => {
        // An old tab holds the database open; it closes on its versionchange event.
      };
    });
  }
  return dbPromise;
}

export function req(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

function done(tx) {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve(undefined);
    tx.onabort = () => reject(tx.error || new DOMException("aborted", "AbortError"));
    tx.onerror = () => reject(tx.error);
  });
}

/** Run fn in one transaction and wait for the commit; fn awaits only this transaction's requests.
 */
export async function withTx(stores, mode, fn) {
  const db = await getDb();
  const tx = db.transaction(stores, mode, { durability: "strict" });
  const finished = done(tx);
  let result;
  try {
    result = await fn(tx);
  } catch (error) {
    try {
      tx.abort();
    } catch {
      // already finished
    }
    await finished.catch(() => {});
    throw error;
  }
  await finished;
  return result;
}

/** Read one value. */
export function get(storeName, key) {
  return withTx([storeName], "readonly", (tx) => req(tx.objectStore(storeName).get(key)));
}

/** Read every value of a store. */
export function getAll(storeName) {
  return withTx([storeName], "readonly", (tx) => req(tx.objectStore(storeName).getAll()));
}

/** Empty every store in one transaction (sign-out): the next device starts from seq 1. */
export function clearAll() {
  return withTx(ALL_STORES, "readwrite", async (tx) => {
    for (const name of ALL_STORES) await req(tx.objectStore(name).clear());
  });
}

// Small key/value facts: session, cursor, next seq, last sync time, language, form draft.

export const META = Object.freeze({
  SESSION: "session",
  CURSOR: "cursor",
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
 * @typedef {{token: string|null, device: {id: string}, user: User, signedInAt: number}} Session
 */

export function getSession() {
  return getMeta(META.SESSION);
}

/** @param {Session} session */
export function setSession(session) {
  return setMeta(META.SESSION, session);
}
