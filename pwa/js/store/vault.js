// One user's encrypted IndexedDB database, seen through a decrypted copy in memory.
//
// WebCrypto is asynchronous and an IndexedDB transaction commits as soon as it waits on anything
// else, so values cannot be sealed inside one. Instead every transaction runs against the
// in-memory copy (same API subset: get, getAll, getAllKeys, count, put, delete, clear, index),
// its writes are sealed afterwards, and then written in one real transaction together with a
// generation number: if another tab wrote in between, nothing is written, the copy is read
// again and the transaction runs again. So a write is on disk, whole, before it is visible.
//
// On disk a value is {<its key and index fields in clear>, _sealed: {iv, ct}}: only what must
// stay queryable is clear (ids, seq numbers, "table:id" and [table, record_id] index keys).
//
// Bytes (a store's "detached" field, the photos of `files`) stay out of the copy: they are sealed
// as they are, beside the value (`_bytes`), and the copy holds BYTES_ON_DISK in their place; one
// file is read and opened on demand (readBytes). A put that keeps BYTES_ON_DISK keeps the bytes.
// No DOM here.

import { open, openBytes, seal, sealBytes } from "./crypto.js";

export const SEALED = "_sealed";
export const BYTES = "_bytes";
/** What the in-memory copy holds in place of bytes kept sealed on disk. */
export const BYTES_ON_DISK = "\u0000bytes-on-disk";
// The generation lives beside the data, under a key no caller uses.
export const GENERATION_KEY = "\u0000generation";
const RETRIES = 8;

/** @typedef {{keyPath: string|string[]|null, indexes: Record<string, string|string[]>}} StoreLayout */

/** @param {unknown} a @param {unknown} b */
export function compareKeys(a, b) {
  if (globalThis.indexedDB && globalThis.indexedDB.cmp) return globalThis.indexedDB.cmp(a, b);
  const rank = (k) => (typeof k === "number" ? 0 : typeof k === "string" ? 2 : Array.isArray(k) ? 4 : 3);
  if (rank(a) !== rank(b)) return rank(a) - rank(b);
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      const c = compareKeys(a[i], b[i]);
      if (c) return c;
    }
    return a.length - b.length;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

const keyString = (key) => JSON.stringify(key);

function pathValue(value, path) {
  if (Array.isArray(path)) {
    const parts = path.map((p) => pathValue(value, p));
    return parts.some((p) => p === undefined) ? undefined : parts;
  }
  let node = value;
  for (const name of path.split(".")) {
    if (node === null || typeof node !== "object") return undefined;
    node = node[name];
  }
  return node;
}

function setPath(target, path, value) {
  const names = path.split(".");
  let node = target;
  for (const name of names.slice(0, -1)) node = node[name] = node[name] || {};
  node[names[names.length - 1]] = value;
}

/** The fields kept in clear for a store: its key path and its indexes' key paths. */
function clearPaths(layout) {
  const paths = [];
  for (const path of [layout.keyPath, ...Object.values(layout.indexes)]) {
    if (path === null) continue;
    for (const p of Array.isArray(path) ? path : [path]) if (!paths.includes(p)) paths.push(p);
  }
  return paths;
}

/** The context a value is sealed under: moving it to another store or key breaks it. */
export const sealContext = (store, key) => `${store}|${keyString(key)}`;

const DELETED = Symbol("deleted");

class Overlay {
  constructor() {
    /** @type {Map<string, Map<string, {key: any, value: any}>>} */
    this.changes = new Map();
    /** @type {Set<string>} */
    this.cleared = new Set();
  }

  of(store) {
    let map = this.changes.get(store);
    if (!map) this.changes.set(store, (map = new Map()));
    return map;
  }

  get empty() {
    return this.cleared.size === 0 && [...this.changes.values()].every((m) => m.size === 0);
  }
}

const clone = (value) => (value === undefined ? undefined : structuredClone(value));

class StoreView {
  constructor(vault, overlay, name, writable) {
    this.vault = vault;
    this.overlay = overlay;
    this.name = name;
    this.writable = writable;
    this.layout = vault.layout[name];
  }

  /** Every live entry, overlay over the copy, in key order. */
  entries() {
    const merged = new Map(this.overlay.cleared.has(this.name) ? [] : this.vault.data.get(this.name));
    for (const [ks, entry] of this.overlay.of(this.name)) {
      if (entry.value === DELETED) merged.delete(ks);
      else merged.set(ks, entry);
    }
    return [...merged.values()].sort((a, b) => compareKeys(a.key, b.key));
  }

  lookup(key) {
    const ks = keyString(key);
    const changed = this.overlay.of(this.name).get(ks);
    if (changed) return changed.value === DELETED ? undefined : changed.value;
    if (this.overlay.cleared.has(this.name)) return undefined;
    const entry = this.vault.data.get(this.name).get(ks);
    return entry && entry.value;
  }

  get(key) {
    return Promise.resolve(clone(this.lookup(key)));
  }

  getAll() {
    return Promise.resolve(this.entries().map((e) => clone(e.value)));
  }

  getAllKeys() {
    return Promise.resolve(this.entries().map((e) => e.key));
  }

  count() {
    return Promise.resolve(this.entries().length);
  }

  write() {
    if (!this.writable) throw new DOMException("read-only transaction", "ReadOnlyError");
  }

  put(value, outOfLineKey) {
    this.write();
    const key = this.layout.keyPath === null ? outOfLineKey : pathValue(value, this.layout.keyPath);
    if (key === undefined) return Promise.reject(new DOMException("no key", "DataError"));
    this.overlay.of(this.name).set(keyString(key), { key: clone(key), value: clone(value) });
    return Promise.resolve(key);
  }

  add(value, outOfLineKey) {
    const key = this.layout.keyPath === null ? outOfLineKey : pathValue(value, this.layout.keyPath);
    if (this.lookup(key) !== undefined) return Promise.reject(new DOMException("key exists", "ConstraintError"));
    return this.put(value, outOfLineKey);
  }

  delete(key) {
    this.write();
    this.overlay.of(this.name).set(keyString(key), { key: clone(key), value: DELETED });
    return Promise.resolve(undefined);
  }

  clear() {
    this.write();
    this.overlay.cleared.add(this.name);
    this.overlay.changes.set(this.name, new Map());
    return Promise.resolve(undefined);
  }

  index(name) {
    const path = this.layout.indexes[name];
    if (!path) throw new DOMException(`no index ${name}`, "NotFoundError");
    const matching = (query) => this.entries()
      .map((e) => ({ e, k: pathValue(e.value, path) }))
      .filter(({ k }) => k !== undefined && (query === undefined || compareKeys(k, query) === 0))
      .sort((a, b) => compareKeys(a.k, b.k) || compareKeys(a.e.key, b.e.key))
      .map(({ e }) => e);
    return {
      getAll: (query) => Promise.resolve(matching(query).map((e) => clone(e.value))),
      get: (query) => Promise.resolve(clone((matching(query)[0] || {}).value)),
      count: (query) => Promise.resolve(matching(query).length),
      getAllKeys: (query) => Promise.resolve(matching(query).map((e) => e.key)),
    };
  }
}

function request(r) {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

function finished(tx) {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve(undefined);
    tx.onabort = () => reject(tx.error || new DOMException("aborted", "AbortError"));
    tx.onerror = () => reject(tx.error);
  });
}

/** Read the stores' key paths and indexes from an open database. */
export function layoutOf(db) {
  /** @type {Record<string, StoreLayout>} */
  const layout = {};
  const names = [...db.objectStoreNames];
  if (!names.length) return layout;
  const tx = db.transaction(names, "readonly");
  for (const name of names) {
    const store = tx.objectStore(name);
    const indexes = {};
    for (const index of store.indexNames) indexes[index] = store.index(index).keyPath;
    layout[name] = { keyPath: store.keyPath, indexes };
  }
  return layout;
}

export class Vault {
  /**
   * @param {IDBDatabase} db the user's database (only ever holds sealed values)
   * @param {CryptoKey} key the user's data key
   * @param {{generationStore: string, onExternalWrite?: () => void, detached?: Record<string, string>}} options
   *   detached: per store, the field holding bytes kept out of the in-memory copy
   */
  constructor(db, key, options) {
    this.db = db;
    this.key = key;
    this.generationStore = options.generationStore;
    this.onExternalWrite = options.onExternalWrite || null;
    /** @type {Record<string, string>} */
    this.detached = options.detached || {};
    this.layout = layoutOf(db);
    /** @type {Map<string, Map<string, {key: any, value: any}>>} */
    this.data = new Map();
    this.generation = -1;
    /** @type {Promise<unknown>} */
    this.queue = Promise.resolve();
    // Other tabs of the same user hear of each write and read again, so what they show is
    // never older than what is on disk for long (a stale write is caught by the generation).
    this.channel = typeof BroadcastChannel === "function" ? new BroadcastChannel(`vault:${db.name}`) : null;
    if (this.channel) {
      this.channel.onmessage = (event) => {
        if (event.data !== this.generation) this.refresh();
      };
    }
  }

  /** Read again after another tab wrote, in turn with this tab's transactions. */
  refresh() {
    this.queue = this.queue.then(async () => {
      if (!this.key) return;
      await this.reload();
      if (this.onExternalWrite) this.onExternalWrite();
    }).catch(() => {});
  }

  /** Open a user's database with a key: read and decrypt everything once. */
  static async open(db, key, options) {
    const vault = new Vault(db, key, options);
    try {
      await vault.reload();
    } catch (error) {
      if (vault.channel) vault.channel.close();
      throw error;
    }
    return vault;
  }

  /** Read every store again from disk; throws if a value does not open under this key. */
  async reload() {
    const names = Object.keys(this.layout);
    const raw = await new Promise((resolve, reject) => {
      const tx = this.db.transaction(names, "readonly");
      const out = {};
      for (const name of names) {
        const store = tx.objectStore(name);
        Promise.all([request(store.getAllKeys()), request(store.getAll())]).then(([keys, values]) => {
          out[name] = { keys, values };
        }, reject);
      }
      tx.oncomplete = () => resolve(out);
      tx.onabort = () => reject(tx.error);
    });
    const data = new Map();
    let generation = 0;
    for (const name of names) {
      const map = new Map();
      const { keys, values } = raw[name];
      const opened = await Promise.all(values.map(async (stored, i) => {
        if (name === this.generationStore && keys[i] === GENERATION_KEY) {
          generation = stored;
          return null;
        }
        return this.unseal(name, keys[i], stored);
      }));
      const field = this.detached[name];
      opened.forEach((value, i) => {
        if (value === null) return;
        if (field && value.value && typeof value.value === "object") {
          value.value[field] = values[i][BYTES] ? BYTES_ON_DISK : null;
        }
        map.set(keyString(keys[i]), { key: keys[i], value: value.value });
      });
      data.set(name, map);
    }
    this.data = data;
    this.generation = generation;
  }

  async unseal(store, key, stored) {
    if (stored && typeof stored === "object" && stored[SEALED]) {
      return { value: await open(this.key, stored[SEALED], sealContext(store, key)) };
    }
    // Not sealed, so not written through here: untrusted (it could be an outbox entry planted
    // to be sent under this user). Left on disk, never read.
    return null;
  }

  /**
   * The on-disk form of a value. For a detached field: bytes are sealed apart; BYTES_ON_DISK asks
   * the commit to keep the bytes already on disk (`keep`).
   */
  async sealValue(store, key, value) {
    const layout = this.layout[store];
    const record = {};
    for (const path of clearPaths(layout)) {
      const v = pathValue(value, path);
      if (v !== undefined) setPath(record, path, v);
    }
    const field = this.detached[store];
    let keep = false;
    if (field && value && typeof value === "object" && value[field] != null) {
      const bytes = value[field];
      value = { ...value, [field]: null };
      if (bytes === BYTES_ON_DISK) keep = true;
      else record[BYTES] = await this.sealBytesOf(store, key, bytes);
    }
    record[SEALED] = await seal(this.key, value, sealContext(store, key));
    return { record, keep };
  }

  /** @param {Blob|ArrayBuffer|Uint8Array} bytes */
  async sealBytesOf(store, key, bytes) {
    const isBlob = typeof Blob === "function" && bytes instanceof Blob;
    const buffer = isBlob ? await /** @type {Blob} */ (bytes).arrayBuffer()
      : bytes instanceof Uint8Array ? bytes.slice().buffer : /** @type {ArrayBuffer} */ (bytes);
    const sealed = await sealBytes(this.key, buffer, `${sealContext(store, key)}|bytes`);
    return { ...sealed, type: isBlob ? /** @type {Blob} */ (bytes).type : "" };
  }

  /**
   * Read and open the bytes of one value of a detached store, straight from disk; null if none.
   * @returns {Promise<Blob|null>}
   */
  async readBytes(store, key) {
    if (!this.key) throw new DOMException("locked", "InvalidStateError");
    const tx = this.db.transaction([store], "readonly");
    const stored = await request(tx.objectStore(store).get(key));
    if (!stored || !stored[SEALED] || !stored[BYTES]) return null;
    const sealed = stored[BYTES];
    const plain = await openBytes(this.key, sealed, `${sealContext(store, key)}|bytes`);
    return new Blob([plain], { type: sealed.type || "" });
  }

  /**
   * Run fn in a transaction over the decrypted copy; a readwrite one is written to disk, sealed
   * and whole, before it returns. Transactions run one at a time.
   * @template T
   * @param {string[]} stores
   * @param {IDBTransactionMode} mode
   * @param {(tx: {objectStore: (name: string) => any}) => Promise<T>} fn
   * @returns {Promise<T>}
   */
  run(stores, mode, fn) {
    const next = this.queue.then(() => this.attempt(stores, mode, fn));
    this.queue = next.catch(() => {});
    return next;
  }

  async attempt(stores, mode, fn) {
    for (let tries = 0; ; tries++) {
      if (!this.key) throw new DOMException("locked", "InvalidStateError");
      const overlay = new Overlay();
      const tx = {
        objectStore: (name) => {
          if (!stores.includes(name) || !this.layout[name]) throw new DOMException(`no store ${name}`, "NotFoundError");
          return new StoreView(this, overlay, name, mode === "readwrite");
        },
      };
      const result = await fn(tx);
      if (mode !== "readwrite" || overlay.empty) return result;
      if (await this.commit(overlay)) {
        this.apply(overlay);
        return result;
      }
      if (tries >= RETRIES) throw new DOMException("storage keeps changing", "AbortError");
      await this.reload();
      if (this.onExternalWrite) this.onExternalWrite();
    }
  }

  async commit(overlay) {
    const pending = [];
    for (const [store, map] of overlay.changes) {
      for (const { key, value } of map.values()) {
        pending.push(value === DELETED ? { store, key, record: null, keep: false }
          : this.sealValue(store, key, value).then(({ record, keep }) => ({ store, key, record, keep })));
      }
    }
    // Sealed side by side (a pulled page is hundreds of records), before the transaction opens.
    const writes = await Promise.all(pending);
    const names = [...new Set([...overlay.cleared, ...overlay.changes.keys(), this.generationStore])];
    const tx = this.db.transaction(names, "readwrite", { durability: "strict" });
    const done = finished(tx);
    const meta = tx.objectStore(this.generationStore);
    const generation = (await request(meta.get(GENERATION_KEY))) || 0;
    if (generation !== this.generation) {
      tx.abort();
      await done.catch(() => {});
      return false;
    }
    // Values whose bytes stay as they are on disk take them over, in this same transaction.
    const keeping = writes.filter((w) => w.keep && !overlay.cleared.has(w.store));
    for (const w of keeping) {
      const old = await request(tx.objectStore(w.store).get(w.key));
      if (old && old[BYTES]) w.record[BYTES] = old[BYTES];
    }
    for (const store of overlay.cleared) tx.objectStore(store).clear();
    for (const { store, key, record } of writes) {
      const target = tx.objectStore(store);
      const inline = this.layout[store].keyPath !== null;
      if (record === null) target.delete(key);
      else if (inline) target.put(record);
      else target.put(record, key);
    }
    meta.put(generation + 1, GENERATION_KEY);
    await done;
    this.generation = generation + 1;
    if (this.channel) this.channel.postMessage(this.generation);
    return true;
  }

  apply(overlay) {
    for (const store of overlay.cleared) this.data.set(store, new Map());
    for (const [store, map] of overlay.changes) {
      const target = this.data.get(store);
      const field = this.detached[store];
      for (const [ks, entry] of map) {
        if (entry.value === DELETED) target.delete(ks);
        else {
          // The copy never holds bytes: they were sealed to disk just now.
          if (field && entry.value && typeof entry.value === "object" && entry.value[field] != null) {
            entry.value[field] = BYTES_ON_DISK;
          }
          target.set(ks, entry);
        }
      }
    }
  }

  /** Forget the key and the decrypted copy, and close the database. */
  close() {
    this.key = null;
    this.data = new Map();
    if (this.channel) this.channel.close();
    this.db.close();
  }
}
