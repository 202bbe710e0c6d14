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
//
// Unlock reads a snapshot first: the whole copy sealed as one value (SNAPSHOT_KEY, beside the
// generation), written in the background a moment after writes and on close, tagged with the
// generation it reflects. It is used only when that generation is the database's: any write
// since (this tab's before its snapshot, another tab's, one cut off by a crash) bumped the
// generation, so unlock then reads every value as before and writes a new snapshot. The values
// stay the truth; the snapshot saves 10,000 decryptions and parses when nothing changed.
// No DOM here.

import { open, openBytes, openText, packSync, parsePacked, seal, sealBytes, sealJson } from "./crypto.js";

export const SEALED = "_sealed";
export const BYTES = "_bytes";
/** What the in-memory copy holds in place of bytes kept sealed on disk. */
export const BYTES_ON_DISK = "\u0000bytes-on-disk";
// The generation lives beside the data, under a key no caller uses.
export const GENERATION_KEY = "\u0000generation";
// The sealed snapshot of the whole copy, in the same store.
export const SNAPSHOT_KEY = "\u0000snapshot";
const SNAPSHOT_DELAY_MS = 1000;
/** The context a snapshot is sealed under: relabelling it with another generation breaks it. */
export const snapshotContext = (generation) => `snapshot|${generation}`;

/**
 * A snapshot's text: a first line listing each store's name and the length of its part, then
 * the parts (each the JSON of its [key, value] pairs), so each part can be kept as it is.
 * @param {[string, string][]} parts
 */
export function joinSnapshot(parts) {
  return `${JSON.stringify(parts.map(([name, text]) => [name, text.length]))}\n${parts.map(([, text]) => text).join("")}`;
}

/**
 * The parts of a snapshot's text by store; throws if it is not one.
 * @param {string} text
 * @returns {Map<string, string>}
 */
export function splitSnapshot(text) {
  const end = text.indexOf("\n");
  if (end < 0) throw new SyntaxError("not a snapshot");
  const parts = new Map();
  let at = end + 1;
  for (const [name, length] of JSON.parse(text.slice(0, end))) {
    parts.set(name, text.slice(at, at + length));
    at += length;
  }
  if (at !== text.length) throw new SyntaxError("not a snapshot");
  return parts;
}
const RETRIES = 8;

// Cold-start timings for the budget bench (performance.measure entries named "sotay:…").
/** @param {string} name */
export function mark(name) {
  if (globalThis.performance && performance.mark) performance.mark(name);
}
/** @param {string} name @param {string} start */
export function measure(name, start) {
  try {
    if (globalThis.performance && performance.measure) performance.measure(name, start);
  } catch {
    // The start mark is gone (cleared): no timing, nothing else.
  }
}

/** @typedef {{keyPath: string|string[]|null, indexes: Record<string, string|string[]>}} StoreLayout */

/** @param {unknown} a @param {unknown} b */
export function compareKeys(a, b) {
  // Strings and numbers compare in JS as in IndexedDB (UTF-16 code units; no NaN keys): sorting
  // 10,000 record ids need not cross into the browser 130,000 times.
  if (typeof a === "string" && typeof b === "string") return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === "number" && typeof b === "number") return a < b ? -1 : a > b ? 1 : 0;
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
    if (!this.overlay.cleared.has(this.name) && !this.overlay.of(this.name).size) return this.vault.sorted(this.name);
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
    // One structured clone of the list costs less than one per value.
    return Promise.resolve(structuredClone(this.entries().map((e) => e.value)));
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

/**
 * Read a database's generation and sealed snapshot (no key needed: unlock starts it beside the
 * PIN's key derivation). With `withSnapshot` false, the generation only.
 * @param {IDBDatabase} db @param {string} generationStore
 * @returns {Promise<[unknown, unknown]>}
 */
export function readSnapshot(db, generationStore, withSnapshot = true) {
  return new Promise((resolve, reject) => {
    const tx = db.transaction([generationStore], "readonly");
    const meta = tx.objectStore(generationStore);
    Promise.all([request(meta.get(GENERATION_KEY)), withSnapshot ? request(meta.get(SNAPSHOT_KEY)) : null])
      .then((got) => resolve(/** @type {[unknown, unknown]} */ (got)), reject);
    tx.onabort = () => reject(tx.error);
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
   * @param {{generationStore: string, onExternalWrite?: () => void, detached?: Record<string, string>, snapshotDelayMs?: number}} options
   *   detached: per store, the field holding bytes kept out of the in-memory copy;
   *   snapshotDelayMs: how long after the last write the snapshot is written
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
    this.snapshotDelayMs = options.snapshotDelayMs ?? SNAPSHOT_DELAY_MS;
    /** @type {Map<string, {key: any, value: any}[]>} per store, its entries in key order, until it changes */
    this.sortedEntries = new Map();
    /** @type {Map<string, string>} per store, its part of the snapshot's JSON, until it changes */
    this.snapshotParts = new Map();
    // The snapshot on disk is older than the copy: write one soon.
    this.snapshotDue = false;
    /** @type {ReturnType<typeof setTimeout>|null} */
    this.snapshotTimer = null;
    /** @type {Promise<unknown>} */
    this.snapshotWrites = Promise.resolve();
    /** How the last unlock read the data: "snapshot" or "values". */
    this.openedFrom = "";
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

  /**
   * Open a user's database with a key: from its snapshot when current, else value by value.
   * `early`: readSnapshot() of this database, started before the key was known.
   * @param {IDBDatabase} db @param {CryptoKey} key @param {any} options
   * @param {Promise<[unknown, unknown]>} [early]
   */
  static async open(db, key, options, early) {
    const vault = new Vault(db, key, options);
    try {
      if (await vault.loadSnapshot(early)) vault.openedFrom = "snapshot";
      else {
        await vault.reload();
        vault.openedFrom = "values";
        vault.scheduleSnapshot();
      }
    } catch (error) {
      if (vault.channel) vault.channel.close();
      throw error;
    }
    return vault;
  }

  /**
   * Take the copy from the snapshot if it reflects the database's generation and opens under
   * this key; false otherwise (then every value must be read).
   */
  async loadSnapshot(early) {
    mark("sotay:read:start");
    let [generation, stored] = await (early || readSnapshot(this.db, this.generationStore)).catch(() => [0, null]);
    // Read before this tab listened to the others: a write since then must not go unseen.
    if (early && (await readSnapshot(this.db, this.generationStore, false))[0] !== generation) {
      [generation, stored] = await readSnapshot(this.db, this.generationStore);
    }
    measure("sotay:read", "sotay:read:start");
    const current = generation || 0;
    if (!stored || typeof stored !== "object" || stored.generation !== current || !stored[SEALED]) return false;
    mark("sotay:unseal:start");
    const names = Object.keys(this.layout);
    const data = new Map();
    let parts;
    try {
      parts = splitSnapshot(await openText(this.key, stored[SEALED], snapshotContext(current)));
      // A store added since (a newer app's rung) is not in it: read the values instead.
      if (names.some((name) => !parts.has(name))) return false;
      for (const name of names) {
        const map = new Map();
        for (const [key, value] of parsePacked(parts.get(name))) map.set(keyString(key), { key, value });
        data.set(name, map);
      }
    } catch {
      // Altered, sealed under another key, or not a snapshot: the values say what is true.
      return false;
    }
    measure("sotay:unseal", "sotay:unseal:start");
    this.data = data;
    this.generation = current;
    this.changed();
    // The parts read are the copy's JSON until their store changes: a write re-packs one store.
    for (const name of names) this.snapshotParts.set(name, /** @type {string} */ (parts.get(name)));
    return true;
  }

  /** The copy as JSON, one part per store, each kept until its store changes. Throws on a Blob. */
  snapshotText() {
    /** @type {[string, string][]} */
    const parts = [];
    for (const name of Object.keys(this.layout)) {
      let text = this.snapshotParts.get(name);
      if (text === undefined) {
        const entries = [];
        for (const { key, value } of this.data.get(name).values()) entries.push([key, value]);
        text = JSON.stringify(packSync(entries));
        this.snapshotParts.set(name, text);
      }
      parts.push([name, text]);
    }
    return joinSnapshot(parts);
  }

  /** A store's entries in key order (kept until the store changes: a list reads them all). */
  sorted(name) {
    let list = this.sortedEntries.get(name);
    if (!list) {
      list = [...this.data.get(name).values()].sort((a, b) => compareKeys(a.key, b.key));
      this.sortedEntries.set(name, list);
    }
    return list;
  }

  /** Forget what was derived from a store's copy (it changed); all stores when none is named. */
  changed(name) {
    if (name === undefined) {
      this.sortedEntries.clear();
      this.snapshotParts.clear();
    } else {
      this.sortedEntries.delete(name);
      this.snapshotParts.delete(name);
    }
  }

  /** Write the snapshot a moment after the last write (writes often come in bursts). */
  scheduleSnapshot() {
    this.snapshotDue = true;
    if (this.snapshotTimer !== null) clearTimeout(this.snapshotTimer);
    this.snapshotTimer = setTimeout(() => this.flushSnapshot(), this.snapshotDelayMs);
    // Node (the tests) must not stay up for it; a page does not care.
    const timer = /** @type {any} */ (this.snapshotTimer);
    if (timer && typeof timer.unref === "function") timer.unref();
  }

  /**
   * Write the snapshot now if it is due; resolves true when written. The copy and its generation
   * are taken at once, here, so the snapshot is never newer or older than its tag; it is put only
   * if the database is still at that generation.
   * @returns {Promise<boolean>}
   */
  flushSnapshot() {
    if (this.snapshotTimer !== null) clearTimeout(this.snapshotTimer);
    this.snapshotTimer = null;
    if (!this.snapshotDue || !this.key) return Promise.resolve(false);
    this.snapshotDue = false;
    let text;
    try {
      text = this.snapshotText();
    } catch {
      // A Blob in the copy cannot be packed here: unlock reads the values, as without snapshots.
      return Promise.resolve(false);
    }
    const { db, key, generation, generationStore } = this;
    const job = (async () => {
      const sealed = await sealJson(key, text, snapshotContext(generation));
      const tx = db.transaction([generationStore], "readwrite");
      const done = finished(tx);
      const meta = tx.objectStore(generationStore);
      const onDisk = (await request(meta.get(GENERATION_KEY))) || 0;
      if (onDisk !== generation) {
        tx.abort();
        await done.catch(() => {});
        return false;
      }
      meta.put({ generation, [SEALED]: sealed }, SNAPSHOT_KEY);
      await done;
      return true;
    })().catch(() => false);
    this.snapshotWrites = this.snapshotWrites.then(() => job);
    return job;
  }

  /** Read every store again from disk; throws if a value does not open under this key. */
  async reload() {
    const names = Object.keys(this.layout);
    mark("sotay:read:start");
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
    measure("sotay:read", "sotay:read:start");
    mark("sotay:unseal:start");
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
        if (name === this.generationStore && keys[i] === SNAPSHOT_KEY) return null;
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
    measure("sotay:unseal", "sotay:unseal:start");
    this.data = data;
    this.generation = generation;
    this.changed();
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
      const generation = await this.commit(overlay);
      if (generation !== null) {
        // The copy and its generation change together, with nothing in between (flushSnapshot).
        this.apply(overlay);
        this.generation = generation;
        if (this.channel) this.channel.postMessage(generation);
        this.scheduleSnapshot();
        return result;
      }
      if (tries >= RETRIES) throw new DOMException("storage keeps changing", "AbortError");
      await this.reload();
      if (this.onExternalWrite) this.onExternalWrite();
    }
  }

  /** Write an overlay, sealed, if no other tab wrote since; the new generation, or null. */
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
      return null;
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
    return generation + 1;
  }

  apply(overlay) {
    for (const store of overlay.cleared) {
      this.data.set(store, new Map());
      this.changed(store);
    }
    for (const [store, map] of overlay.changes) {
      if (map.size) this.changed(store);
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

  /**
   * Write the snapshot if due, forget the key and the decrypted copy, and close the database.
   * @param {{discard?: boolean}} [options] discard: the database is about to be deleted, so no
   *   snapshot is written and the connection closes at once (an open one would hear the
   *   deletion as a version change and reload the page before the account is removed)
   */
  close({ discard = false } = {}) {
    if (discard) {
      if (this.snapshotTimer !== null) clearTimeout(this.snapshotTimer);
      this.snapshotTimer = null;
      this.snapshotDue = false;
    } else {
      this.flushSnapshot();
    }
    this.key = null;
    this.data = new Map();
    this.changed();
    if (this.channel) this.channel.close();
    const db = this.db;
    if (discard) db.close();
    else this.snapshotWrites.then(() => db.close());
  }
}
