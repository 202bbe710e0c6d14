// The IndexedDB database, in the style of jakearchibald/idb: one cached connection promise,
// schema changes as an upgrade ladder, promises over requests, and every transaction awaited
// to completion. Never await the network inside a transaction: it would auto-commit.

export const DB_NAME = "sotay";
// Bump with a new rung in upgrade(); every rung must carry the outbox and records through.
export const DB_VERSION = 2;

export const STORE = Object.freeze({
  MODELS: "models",
  MEETINGS: "meetings",
  UNITS: "units",
  CONFLICTS: "conflicts",
  OUTBOX: "outbox",
  META: "meta",
});
export const RECORD_TABLES = [STORE.MODELS, STORE.MEETINGS];
export const ALL_STORES = Object.values(STORE);

/**
 * The schema ladder. Each rung moves a database from one version to the next and must keep
 * every pending change: the outbox is migrated in place, never dropped.
 * @param {IDBDatabase} db
 * @param {number} oldVersion
 * @param {IDBTransaction} tx the versionchange transaction
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
    // v2: outbox entries name their record ("models:<id>") and are indexed by it, so saving
    // an edit finds the record's queued changes without reading the whole outbox; conflicts
    // are indexed by record. Existing entries get the key from their data.
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
}

/** @type {Promise<IDBDatabase>|null} */
let dbPromise = null;
/** @type {(() => void)|null} */
let onVersionChange = null;

/** Called when another tab needs a newer schema: this tab must close and reload. */
export function setVersionChangeHandler(handler) {
  onVersionChange = handler;
}

/** @returns {Promise<IDBDatabase>} */
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

/**
 * @template T
 * @param {IDBRequest<T>} request
 * @returns {Promise<T>}
 */
export function req(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

/** @param {IDBTransaction} tx */
function done(tx) {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve(undefined);
    tx.onabort = () => reject(tx.error || new DOMException("aborted", "AbortError"));
    tx.onerror = () => reject(tx.error);
  });
}

/**
 * Run fn in one transaction and wait until it has committed. fn may await only requests of
 * this transaction.
 * @template T
 * @param {string[]} stores
 * @param {IDBTransactionMode} mode
 * @param {(tx: IDBTransaction) => Promise<T>|T} fn
 * @returns {Promise<T>}
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

/** @param {string} key */
export function getMeta(key) {
  return get(STORE.META, key);
}

/** @param {string} key @param {unknown} value */
export function setMeta(key, value) {
  return withTx([STORE.META], "readwrite", (tx) => req(tx.objectStore(STORE.META).put(value, key)));
}

/** @param {string} key */
export function deleteMeta(key) {
  return withTx([STORE.META], "readwrite", (tx) => req(tx.objectStore(STORE.META).delete(key)));
}

/**
 * @typedef {{id: number, username: string, full_name: string, position?: string|null,
 *   roles: string[], unit: {id: number, code: string, name: string, level: string, path: string}}} User
 * @typedef {{token: string|null, device: {id: string}, user: User, signedInAt: number}} Session
 */

/** @returns {Promise<Session|undefined>} */
export function getSession() {
  return getMeta(META.SESSION);
}

/** @param {Session} session */
export function setSession(session) {
  return setMeta(META.SESSION, session);
}
