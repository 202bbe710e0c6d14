// In-memory index of the phone's records (folded text, filters, sync states), built once and
// kept current from DATA_CHANGED: a search over 10,000 records is a loop, not a scan.

import { emit, EV, on } from "../events.js";
import { fold, foldCached, matches, queryWords, rank, searchText } from "../lib/fold.js";
import { recordKey, syncState } from "../sync/protocol.js";
import { getAll, RECORD_TABLES, req, STORE, withTx } from "./db.js";
import { mark, measure } from "./vault.js";

/** @typedef {import("../sync/protocol.js").OutboxEntry} OutboxEntry */
/** @typedef {{rec: Record<string, any>, text: string, name: string, sort: string}} Item */

function itemOf(table, rec) {
  const sort = table === "meetings" ? rec.start_at || ""
    : table === "inspections" ? rec.date_from || ""
      : table === "recognitions" ? rec.decision_date || ""
        : table === "evaluations" ? rec.eval_date || "" : String(rec.updated_at_local || rec.updated_at || "");
  return { rec, text: searchText(table, rec), name: foldCached(rec.name || rec.title || rec.subject || rec.issuer), sort };
}

class TableIndex {
  constructor(table) {
    this.table = table;
    /** @type {Map<string, Item>} */
    this.items = new Map();
    /** @type {Item[]|null} sorted view, rebuilt lazily */
    this.sorted = null;
  }

  fill(records) {
    this.items.clear();
    for (const rec of records) this.items.set(rec.id, itemOf(this.table, rec));
    this.sorted = null;
  }

  put(rec) {
    this.items.set(rec.id, itemOf(this.table, rec));
    this.sorted = null;
  }

  remove(id) {
    this.items.delete(id);
    this.sorted = null;
  }

  all() {
    if (!this.sorted) {
      this.sorted = [...this.items.values()]
        .filter((item) => !item.rec.deleted)
        .sort((a, b) => (a.sort < b.sort ? 1 : a.sort > b.sort ? -1 : 0));
    }
    return this.sorted;
  }
}

/**
 * @typedef {{q?: string, field?: string, status?: string, review_status?: string,
 *   type?: string, kind?: string, sync?: string, stage?: string, level?: string,
 *   result?: string, rating?: string}} Query
 */

export class RecordIndex {
  constructor() {
    this.tables = Object.fromEntries(RECORD_TABLES.map((table) => [table, new TableIndex(table)]));
    /** @type {Map<string, OutboxEntry[]>} */
    this.pending = new Map();
    /** @type {Map<string, any[]>} open conflicts by record key */
    this.conflicts = new Map();
    /** @type {any[]} */
    this.units = [];
    /** @type {Map<string, any>} criteria set versions pulled from the server, by id */
    this.criteriaSets = new Map();
    /** @type {Set<number>} */
    this.inflight = new Set();
    this.ready = null;
  }

  /** Load everything once; later calls return the same promise. */
  load() {
    if (!this.ready) {
      this.ready = (async () => {
        mark("sotay:index:start");
        const all = await Promise.all(RECORD_TABLES.map((table) => getAll(table)));
        measure("sotay:index-copy", "sotay:index:start");
        RECORD_TABLES.forEach((table, i) => this.tables[table].fill(all[i]));
        await Promise.all([this.loadOutbox(), this.loadConflicts(), this.loadUnits(), this.loadCriteriaSets()]);
        measure("sotay:index", "sotay:index:start");
        on(EV.DATA_CHANGED, (detail) => this.onChanged(detail || {}));
        on(EV.SYNC_STATE, (status) => {
          if (status && !status.remote) this.inflight = new Set(status.inflight || []);
        });
      })();
    }
    return this.ready;
  }

  async loadOutbox() {
    const entries = await getAll(STORE.OUTBOX);
    this.pending = new Map();
    for (const entry of entries) {
      const list = this.pending.get(entry.record);
      if (list) list.push(entry);
      else this.pending.set(entry.record, [entry]);
    }
  }

  async loadConflicts() {
    const conflicts = await getAll(STORE.CONFLICTS);
    this.conflicts = new Map();
    for (const c of conflicts) {
      if (c.resolved_at || c.local_resolution) continue;
      const key = recordKey(c.table, c.record_id);
      const list = this.conflicts.get(key);
      if (list) list.push(c);
      else this.conflicts.set(key, [c]);
    }
  }

  async loadUnits() {
    this.units = (await getAll(STORE.UNITS)).sort((a, b) => String(a.path).localeCompare(String(b.path)));
  }

  async loadCriteriaSets() {
    this.criteriaSets = new Map((await getAll(STORE.CRITERIA_SETS)).map((s) => [s.id, s]));
  }

  async onChanged({ tables = [], ids }) {
    const jobs = [];
    for (const table of RECORD_TABLES) {
      if (!tables.includes(table)) continue;
      jobs.push(ids && ids.length ? this.refresh(table, ids) : this.reloadTable(table));
    }
    if (tables.includes(STORE.OUTBOX)) jobs.push(this.loadOutbox());
    if (tables.includes(STORE.CONFLICTS)) jobs.push(this.loadConflicts());
    if (tables.includes(STORE.UNITS)) jobs.push(this.loadUnits());
    if (tables.includes(STORE.CRITERIA_SETS)) jobs.push(this.loadCriteriaSets());
    await Promise.all(jobs);
    emit(EV.INDEX_CHANGED, { tables });
  }

  async reloadTable(table) {
    this.tables[table].fill(await getAll(table));
  }

  async refresh(table, ids) {
    const records = await withTx([table], "readonly", (tx) =>
      Promise.all(ids.map((id) => req(tx.objectStore(table).get(id)))));
    ids.forEach((id, i) => {
      if (records[i]) this.tables[table].put(records[i]);
      else this.tables[table].remove(id);
    });
  }

  get(table, id) {
    const item = this.tables[table].items.get(id);
    return item ? item.rec : undefined;
  }

  /** Sync state of a record, as the lists and detail show it. */
  stateOf(table, rec) {
    const key = recordKey(table, rec.id);
    return syncState(rec, this.pending.get(key) || [], (this.conflicts.get(key) || []).length, this.inflight);
  }

  /** Records matching a search and filters: best matches first, then newest first. */
  query(table, query = {}) {
    const words = queryWords(query.q);
    /** @type {any[]} */
    const out = [];
    /** @type {any[][]} matches by rank, each in the newest-first order */
    const ranked = [[], [], [], []];
    for (const item of this.tables[table].all()) {
      const rec = item.rec;
      if (query.field && rec.field !== query.field) continue;
      if (query.status && rec.status !== query.status) continue;
      if (query.kind && rec.kind !== query.kind) continue;
      if (query.type && rec.type !== query.type) continue;
      if (query.stage && rec.stage !== query.stage) continue;
      if (query.level && rec.level !== query.level) continue;
      if (query.result && rec.result !== query.result) continue;
      if (query.rating && rec.rating !== query.rating) continue;
      if (query.review_status && rec.review_status !== query.review_status) continue;
      if (query.sync && this.stateOf(table, rec) !== query.sync) continue;
      if (!words.length) out.push(rec);
      else if (matches(item.text, words)) ranked[rank(item.text, words)].push(rec);
    }
    return words.length ? ranked.flat() : out;
  }

  /** Count of live records of a table. */
  count(table) {
    return this.tables[table].all().length;
  }

  /** Records sent back for rework (review_status TRA_LAI). */
  returned() {
    return RECORD_TABLES.flatMap((table) =>
      this.tables[table].all().filter((i) => i.rec.review_status === "TRA_LAI").map((i) => ({ table, rec: i.rec })));
  }

  /** Records whose last change the server refused. */
  errors() {
    return RECORD_TABLES.flatMap((table) =>
      this.tables[table].all().filter((i) => i.rec._local && i.rec._local.error).map((i) => ({ table, rec: i.rec })));
  }

  /** Open conflicts, all records. */
  openConflicts() {
    return [...this.conflicts.values()].flat();
  }

  /** Number of records with changes waiting in the outbox: what people count. */
  pendingRecords() {
    return this.pending.size;
  }

  /** Number of mutations waiting in the outbox. */
  pendingCount() {
    let n = 0;
    for (const list of this.pending.values()) n += list.length;
    return n;
  }

  /** A model on the phone that the new one may duplicate: same folded name, same commune. */
  findDuplicate(candidate) {
    const name = fold(candidate.name);
    if (!name) return undefined;
    for (const item of this.tables.models.all()) {
      if (item.rec.id !== candidate.id && item.name === name
        && item.rec.commune_unit_id === candidate.commune_unit_id) return item.rec;
    }
    return undefined;
  }

  /** A criteria set version by id. */
  criteriaSet(id) {
    return this.criteriaSets.get(id);
  }

  /** The sets an evaluation may use now: latest versions, for that kind of subject. */
  currentSets(appliesTo) {
    return [...this.criteriaSets.values()]
      .filter((s) => !s.superseded_at && (!appliesTo || (s.applies_to || []).includes(appliesTo)))
      .sort((a, b) => String(a.name).localeCompare(String(b.name)));
  }

  /** A model's live evaluations, the latest first (by evaluation date). */
  evaluationsOf(modelId) {
    return this.tables.evaluations.all().map((i) => i.rec).filter((e) => e.model_id === modelId)
      .sort((a, b) => (a.eval_date < b.eval_date ? 1 : a.eval_date > b.eval_date ? -1 : 0));
  }

  unit(id) {
    return this.units.find((u) => u.id === id);
  }
}

export const index = new RecordIndex();
