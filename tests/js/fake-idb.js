// A small in-memory IndexedDB for node tests of store/vault.js: object stores with key paths and
// indexes, requests that succeed asynchronously, transactions that commit or abort whole.

const keyOf = (value, path) => (Array.isArray(path) ? path.map((p) => value[p]) : value[path]);

class Request {
  constructor() {
    this.onsuccess = null;
    this.onerror = null;
    this.result = undefined;
  }
}

class Tx {
  constructor(db, names, mode) {
    this.db = db;
    this.names = names;
    this.mode = mode;
    this.pending = 0;
    this.aborted = false;
    this.writes = new Map(names.map((n) => [n, new Map(db.data.get(n))]));
    this.oncomplete = null;
    this.onabort = null;
    this.onerror = null;
    this.error = null;
    queueMicrotask(() => this.maybeFinish());
  }

  request(fn) {
    const request = new Request();
    this.pending += 1;
    setTimeout(() => {
      this.pending -= 1;
      if (this.aborted) return;
      try {
        request.result = fn();
        if (request.onsuccess) request.onsuccess({ target: request });
      } catch (error) {
        request.error = error;
        if (request.onerror) request.onerror({ target: request });
        this.abort();
      }
      queueMicrotask(() => this.maybeFinish());
    }, 0);
    return request;
  }

  maybeFinish() {
    if (this.pending || this.aborted || this.finished) return;
    this.finished = true;
    for (const [name, map] of this.writes) this.db.data.set(name, map);
    if (this.oncomplete) this.oncomplete();
  }

  abort() {
    if (this.aborted || this.finished) return;
    this.aborted = true;
    this.error = new Error("AbortError");
    setTimeout(() => this.onabort && this.onabort(), 0);
  }

  objectStore(name) {
    const spec = this.db.specs[name];
    const rows = () => [...this.writes.get(name).entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const tx = this;
    return {
      keyPath: spec.keyPath,
      indexNames: Object.keys(spec.indexes),
      index: (n) => ({ keyPath: spec.indexes[n] }),
      get: (key) => tx.request(() => structuredClone(tx.writes.get(name).get(JSON.stringify(key))?.value)),
      getAll: () => tx.request(() => rows().map(([, r]) => structuredClone(r.value))),
      getAllKeys: () => tx.request(() => rows().map(([, r]) => r.key)),
      put: (value, key) => tx.request(() => {
        const k = spec.keyPath === null ? key : keyOf(value, spec.keyPath);
        tx.writes.get(name).set(JSON.stringify(k), { key: k, value: structuredClone(value) });
        return k;
      }),
      delete: (key) => tx.request(() => { tx.writes.get(name).delete(JSON.stringify(key)); }),
      clear: () => tx.request(() => { tx.writes.get(name).clear(); }),
    };
  }
}

/** A database with the given stores: {name: {keyPath, indexes: {index: keyPath}}}. */
export class FakeDb {
  constructor(name, specs) {
    this.name = name;
    this.specs = specs;
    this.data = new Map(Object.keys(specs).map((n) => [n, new Map()]));
    this.objectStoreNames = Object.keys(specs);
  }

  transaction(names, mode = "readonly") {
    return new Tx(this, Array.isArray(names) ? names : [names], mode);
  }

  close() {}

  /** Every stored value, as text: what a look at the disk would find. */
  dump() {
    return JSON.stringify([...this.data].map(([n, m]) => [n, [...m.values()].map((r) => r.value)]), (k, v) => {
      if (v instanceof ArrayBuffer || ArrayBuffer.isView(v)) return Buffer.from(v instanceof ArrayBuffer ? v : v.buffer).toString("base64");
      return v;
    });
  }
}
