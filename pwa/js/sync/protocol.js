// The pure half of sync (PROTOCOL.md): the request, request-level errors, backoff, outbox rules,
// response handling and merge-under-pending. No storage, no network, no DOM: node tests it.

import { RECORD_TYPES, STEPS } from "../lib/record-rules.js";

// Sent with every sync; sw.js names its cache with the same value (shell.test.js checks).
export const APP_VERSION = "2026.12.4";

export const PROTOCOL = 1;
export const SCHEMA = 2;
// Mutations per request (≤ 1,000 allowed): ~100 KB raw, so a drop on 2G costs seconds.
export const BATCH_SIZE = 200;
// Pull page: bigger means fewer round trips but more lost on a drop.
export const PAGE_SIZE = 500;

/**
 * The body of POST /api/v1/sync; `scope` is the token stored with the cursor (§5.4), if any.
 * @param {{cursor: number, scope?: string|null, batch: OutboxEntry[], outboxSize: number, appVersion: string, limit?: number}} a
 */
export function buildRequest({ cursor, scope, batch, outboxSize, appVersion, limit = PAGE_SIZE }) {
  const body = {
    protocol: PROTOCOL,
    schema: SCHEMA,
    app_version: appVersion,
    cursor,
    pending: Math.max(0, outboxSize - batch.length),
    limit,
    mutations: batch.map(toWireMutation),
  };
  return typeof scope === "string" ? { ...body, scope } : body;
}

/**
 * @typedef {{kind: "seq_gap", expectedSeq: number} | {kind: "update"} | {kind: "auth"} |
 *   {kind: "too_large"} | {kind: "retry"} | {kind: "plain"} | {kind: "fatal"}} ErrorAction
 */

/** What to do after a failed request (status 0: no network). @returns {ErrorAction} */
export function classifyError(status, body) {
  const code = body && body.error && body.error.code;
  const details = (body && body.error && body.error.details) || {};
  if (status === 409 && code === "SEQ_GAP" && Number.isInteger(details.expected_seq)) {
    return { kind: "seq_gap", expectedSeq: details.expected_seq };
  }
  if (code === "PROTOCOL_UNSUPPORTED") return { kind: "update" };
  if (status === 401) return { kind: "auth" };
  if (status === 413) return { kind: "too_large" };
  // The server could not read our gzip: send it plain.
  if (code === "MALFORMED_BODY" || status === 415) return { kind: "plain" };
  if (status === 0 || status === 408 || status === 429 || status >= 500) return { kind: "retry" };
  return { kind: "fatal" };
}

// Backoff: ≤ 5 s, doubling to 5 min. Faster retries waste 2G bytes and battery; slower ones
// leave "Đồng bộ ngay" as the only hope.
export const BASE_MS = 5000;
export const CAP_MS = 5 * 60 * 1000;

/** Delay after n failures: a random point in the upper half of the step, so phones that lost
 * the network together do not return together. */
export function backoffDelay(failures, random = Math.random) {
  if (failures <= 0) return 0;
  const step = Math.min(CAP_MS, BASE_MS * 2 ** Math.min(failures - 1, 20));
  return Math.round(step / 2 + (random() * step) / 2);
}

// --- token rotation (§2) ---

// A token older than this is rotated after a successful sync: a copied token dies within
// weeks, and the 180-day lifetime never runs out on a phone in use.
export const ROTATE_AFTER_MS = 30 * 24 * 3600 * 1000;

/**
 * Tell whether a session's token is due for rotation: old enough, or near its expiry.
 * @param {{token?: string|null, tokenAt?: number, signedInAt?: number, device?: {expires_at?: string}}|null} session
 * @param {number} now  ms
 * @param {number} [after]  ms of age that makes a token due
 * @returns {boolean}
 */
export function rotationDue(session, now, after = ROTATE_AFTER_MS) {
  if (!session || !session.token) return false;
  const since = session.tokenAt || session.signedInAt || 0;
  if (now - since >= after) return true;
  const expires = session.device && Date.parse(session.device.expires_at || "");
  return Number.isFinite(expires) && expires - now <= after;
}

// --- the outbox (§4) ---

/**
 * @typedef {"put"|"delete"|"review"|"resolve"} Op
 * @typedef {Object} Mutation  what goes on the wire
 * @property {number} seq
 * @property {Op} op
 * @property {string} table       "models", "meetings" or "conflicts"
 * @property {number} base        record version the change was made on; 0 for a new record
 * @property {Record<string, any>} data  always holds "id"
 * @property {string} [at]        when the user acted, by this device's clock (RFC 3339, §3.2)
 *
 * @typedef {Object} OutboxFields  the outbox entry's own fields
 * @property {string} record      "<table>:<id>" of the record it changes (for resolve: the conflict's record)
 * @property {boolean} [sent]     true once it went out in a request: never collapse it again
 * @property {number} [at]        when the user saved it (ms); an entry merged from several edits
 *                                carries the last edit's time. Sent as the wire's `at`.
 * @property {boolean} [edited]   later edits were folded into it before it was sent
 * @property {Record<string, any>} [meta]  local-only facts, never sent (e.g. the value a resolve restores)
 *
 * @typedef {Omit<Mutation, "at"> & OutboxFields} OutboxEntry
 */

export const recordKey = (table, id) => `${table}:${id}`;

// Decisions need the record's current version (§7): behind an unacknowledged change of the same
// record their base would be stale, so a batch stops before them. (Edits need no such care: the
// server knows a device's own earlier writes, §6.1.)
const NEEDS_CURRENT_VERSION = new Set(["approve", "return"]);
export function isBaseSensitive(entry) {
  return entry.op === "review" && NEEDS_CURRENT_VERSION.has(entry.data.action);
}

/** How a change enters the outbox given the record's entries (oldest first): it collapses into
 * the latest only while that was never sent (§4.1). */
export function placeChange(existing, change) {
  const last = existing[existing.length - 1];
  if (!last || last.sent || last.table !== change.table) return { kind: "append" };
  if (change.op === "put" && last.op === "put") {
    return { kind: "replace", entry: { ...last, data: { ...last.data, ...change.data } } };
  }
  if (change.op === "delete" && last.op === "put") {
    // Keep the seq (no hole); a delete of a record the server never had is acknowledged.
    return { kind: "replace", entry: { ...last, op: "delete", data: { id: change.data.id } } };
  }
  if (change.op === "resolve" && last.op === "resolve" && last.data.id === change.data.id) {
    return { kind: "replace", entry: { ...last, data: { ...change.data } } };
  }
  return { kind: "append" };
}

/**
 * Queue a change: collapse it into the record's unsent entry or give it the next seq.
 * @param {{entriesOf: (key: string) => Promise<OutboxEntry[]>, putOutbox: (e: OutboxEntry) => Promise<any>,
 *   nextSeq: () => Promise<number>, setNextSeq: (seq: number) => Promise<any>}} db
 * @param {string} key  the record's key
 * @param {{op: Op, table: string, base: number, data: Record<string, any>, meta?: any}} change
 * @param {number} [now]  when the user saved it (ms)
 */
export async function enqueueTo(db, key, change, now = Date.now()) {
  const existing = (await db.entriesOf(key)).sort((a, b) => a.seq - b.seq);
  const placed = placeChange(existing, change);
  if (placed.kind === "replace") {
    // The merged entry says the server's record is as of the last edit: that edit's time;
    // edited: the outbox screen tells a create edited since from a plain create.
    await db.putOutbox({ ...placed.entry, meta: change.meta ?? placed.entry.meta, at: now, edited: true });
    return placed.entry.seq;
  }
  const seq = await db.nextSeq();
  await db.setNextSeq(seq + 1);
  await db.putOutbox({ ...change, seq, record: key, at: now });
  return seq;
}

/** The next batch: a prefix of the outbox (seqs have no hole), at most max long. */
export function selectBatch(outbox, max) {
  const batch = [];
  const seen = new Set();
  for (const entry of outbox) {
    if (batch.length >= max) break;
    if (seen.has(entry.record) && isBaseSensitive(entry)) break;
    batch.push(entry);
    seen.add(entry.record);
  }
  return batch;
}

/** Only the keys the protocol allows (§3.2), with when the user acted. @returns {Mutation} */
export function toWireMutation(entry) {
  const wire = { seq: entry.seq, op: entry.op, table: entry.table, base: entry.base, data: entry.data };
  const at = typeof entry.at === "number" ? new Date(entry.at) : null;
  // An entry without a usable time goes without: the server then takes the arrival.
  if (at && !Number.isNaN(at.getTime())) return { ...wire, at: at.toISOString() };
  return wire;
}

/** After 409 SEQ_GAP: seqs from expectedSeq on, same order (§4.5). */
export function renumber(outbox, expectedSeq) {
  return outbox.map((entry, i) => ({ ...entry, seq: expectedSeq + i }));
}

/** The record with its pending changes (and refused values) laid on top (§5.6). */
export function overlayPending(record, pending, rejected = null) {
  const view = { ...record };
  if (rejected && rejected.data) Object.assign(view, rejected.data);
  for (const entry of pending) {
    if (entry.op === "put") Object.assign(view, entry.data);
    else if (entry.op === "delete") view.deleted = true;
    else if (entry.op === "review") {
      const step = STEPS[entry.data.action];
      if (step) view.review_status = step.target;
    } else if (entry.op === "resolve" && entry.meta && entry.data.resolution === "RESTORE_LOST") {
      view[entry.meta.field] = entry.meta.lost_value;
    }
  }
  return view;
}

// --- the response (§3.3, §4.6, §5) ---

/**
 * @typedef {{seq: number, status: "applied"|"duplicate"|"conflict"|"rejected", version?: number,
 *   conflicts?: string[], code?: string, message?: string, details?: any}} Result
 * @typedef {{table: string, id: string, status: string, version?: number, op: string,
 *   error?: {code: string, message: string, details?: any}, rejectedData?: Record<string, any>,
 *   rejectedBase?: number, conflicts?: string[]}} Outcome
 */

/** What a response means for the outbox (sorted by seq): what is done, each outcome, new bases. */
export function planResults(outbox, response) {
  const lastSeq = Number(response.last_seq) || 0;
  const bySeq = new Map(outbox.map((e) => [e.seq, e]));
  const done = outbox.filter((e) => e.seq <= lastSeq).map((e) => e.seq);
  /** @type {Outcome[]} */
  const outcomes = [];
  const newBase = new Map();
  const pulled = pulledVersions(response.changes);
  for (const result of response.results || []) {
    const entry = bySeq.get(result.seq);
    if (!entry || entry.seq > lastSeq) continue;
    const [table, id] = splitKey(entry.record);
    /** @type {Outcome} */
    const outcome = { table, id, status: result.status, op: entry.op };
    if (result.status === "applied" || result.status === "conflict") {
      if (typeof result.version === "number") {
        outcome.version = result.version;
        newBase.set(entry.record, result.version);
      }
      if (result.status === "conflict") outcome.conflicts = result.conflicts || [];
    } else if (result.status === "duplicate") {
      // An answer we never read: our cursor did not move, so the pull carries the version.
      const version = pulled.get(entry.record);
      if (version !== undefined) newBase.set(entry.record, version);
    } else if (result.status === "rejected") {
      outcome.error = { code: result.code || "REJECTED", message: result.message || "",
        details: result.details };
      if (entry.op === "put") {
        outcome.rejectedData = entry.data;
        outcome.rejectedBase = entry.base;
      }
    }
    outcomes.push(outcome);
  }
  // Changes queued on top of an acknowledged one were made on its result.
  const rebase = [];
  for (const entry of outbox) {
    if (entry.seq <= lastSeq || entry.op === "resolve") continue;
    const version = newBase.get(entry.record);
    if (version !== undefined && entry.base < version) {
      rebase.push({ seq: entry.seq, base: version });
    }
  }
  return { done, outcomes, rebase };
}

function splitKey(key) {
  const i = key.indexOf(":");
  return [key.slice(0, i), key.slice(i + 1)];
}

function pulledVersions(changes) {
  const map = new Map();
  for (const table of RECORD_TYPES) {
    for (const record of (changes && changes[table]) || []) {
      map.set(`${table}:${record.id}`, record.version);
    }
  }
  return map;
}

/** A pulled record meets the phone's (§5.6): pending values stay on top; a tombstone drops the
 * record unless it has local work (then the server reports a conflict). null: delete. */
export function mergePulled(local, incoming, pending) {
  const rejected = local && local._local && local._local.rejected;
  const hasLocalWork = pending.length > 0 || Boolean(rejected);
  if (incoming.deleted) {
    if (!hasLocalWork || !local) return null;
    return keepLocalMeta(
      overlayPending({ ...local, version: incoming.version, deleted: true }, pending, rejected),
      local,
    );
  }
  if (!hasLocalWork) return keepLocalMeta({ ...incoming }, local);
  return keepLocalMeta(overlayPending({ ...incoming }, pending, rejected), local);
}

function keepLocalMeta(view, local) {
  if (local && local._local) view._local = local._local;
  else delete view._local;
  return view;
}

/** An outcome on the local record (§4.6): a refusal keeps the values and the message; success
 * clears the error unless refused values still wait to be saved again. */
export function applyOutcome(local, outcome) {
  const next = { ...local };
  const meta = { ...(local._local || {}) };
  if (typeof outcome.version === "number" && !(next.version >= outcome.version)) {
    next.version = outcome.version;
  }
  if (outcome.status === "rejected") {
    meta.error = outcome.error;
    if (outcome.rejectedData) {
      const earlier = meta.rejected;
      meta.rejected = {
        data: { ...(earlier ? earlier.data : {}), ...outcome.rejectedData },
        base: earlier ? earlier.base : outcome.rejectedBase,
      };
    }
  } else if (!meta.rejected) {
    delete meta.error;
  }
  if (Object.keys(meta).length) next._local = meta;
  else delete next._local;
  return next;
}

/** The record's sync state (DOMAIN.md §2); inflight: seqs on the wire now. */
export function syncState(record, pending, openConflicts, inflight) {
  if (pending.length) {
    return inflight && pending.some((e) => inflight.has(e.seq)) ? "DANG_DONG_BO" : "CHO_DONG_BO";
  }
  if (record && record._local && record._local.error) return "LOI";
  if (openConflicts > 0) return "XUNG_DOT";
  return "DA_DONG_BO";
}

/** Group outbox entries by record key. @returns {Map<string, OutboxEntry[]>} */
export function byRecord(outbox) {
  const map = new Map();
  for (const entry of outbox) {
    const list = map.get(entry.record);
    if (list) list.push(entry);
    else map.set(entry.record, [entry]);
  }
  return map;
}

/**
 * What applyResponseTo needs of the local store: IndexedDB in one transaction on the phone, a
 * few Maps in node's tests (the same code runs in both).
 * @typedef {Object} LocalState
 * @property {() => Promise<OutboxEntry[]>} outbox  in seq order
 * @property {(entry: OutboxEntry) => Promise<any>} putOutbox
 * @property {(seq: number) => Promise<any>} dropOutbox
 * @property {(table: string, id: string) => Promise<any>} get
 * @property {(table: string) => Promise<any[]>} all
 * @property {(table: string, value: any) => Promise<any>} put
 * @property {(table: string, id: string) => Promise<any>} drop
 * @property {(table: string) => Promise<any>} clear
 * @property {(cursor: number, scope: string|null) => Promise<any>} setCursor  the scope token
 *   goes with the cursor (§5.4): null from a server that sends none
 */

const RECORDS = RECORD_TYPES;

/** Store a whole response (§4.6, §5): outcomes, acknowledgements, scope reset, pulled changes
 * under pending values, the cursor. @param {LocalState} db */
export async function applyResponseTo(db, response) {
  const changes = response.changes || {};
  const touched = new Set();
  let outbox = await db.outbox();
  const plan = planResults(outbox, response);
  // 1. Outcomes on the records.
  for (const outcome of plan.outcomes) {
    if (!RECORDS.includes(outcome.table)) continue;
    const local = await db.get(outcome.table, outcome.id);
    if (!local) continue;
    await db.put(outcome.table, applyOutcome(local, outcome));
    touched.add(outcome.table);
  }
  // 2. Acknowledged mutations leave; later ones get their new base.
  const done = new Set(plan.done);
  for (const seq of plan.done) await db.dropOutbox(seq);
  if (done.size) touched.add("outbox");
  outbox = outbox.filter((e) => !done.has(e.seq));
  for (const { seq, base } of plan.rebase) {
    const entry = outbox.find((e) => e.seq === seq);
    if (entry) await db.putOutbox(Object.assign(entry, { base }));
  }
  // 3. Scope changed: drop what was pulled, keep local work (§5.4).
  const pending = byRecord(outbox);
  if (response.reset) {
    for (const table of RECORDS) {
      for (const record of await db.all(table)) {
        const work = pending.has(recordKey(table, record.id)) || (record._local && record._local.rejected);
        if (!work) await db.drop(table, record.id);
      }
      touched.add(table);
    }
    await db.clear("units");
    await db.clear("conflicts");
    await db.clear("criteria_sets");
    touched.add("criteria_sets");
  }
  // 4. What left the scope goes first, then the pulled changes under pending values (§5.4,
  // §5.6); the server never removes what the same page sends.
  const removed = changes.removed || {};
  for (const table of RECORDS) {
    for (const id of removed[table] || []) {
      if (!pending.has(recordKey(table, id))) await db.drop(table, id);
      touched.add(table);
    }
  }
  for (const id of removed.conflicts || []) {
    await db.drop("conflicts", id);
    touched.add("conflicts");
  }
  for (const id of removed.units || []) {
    await db.drop("units", id);
    touched.add("units");
  }
  let received = 0;
  for (const unit of changes.units || []) {
    await db.put("units", unit);
    received += 1;
    touched.add("units");
  }
  for (const table of RECORDS) {
    for (const incoming of changes[table] || []) {
      received += 1;
      const local = await db.get(table, incoming.id);
      const merged = mergePulled(local, incoming, pending.get(recordKey(table, incoming.id)) || []);
      if (merged) await db.put(table, merged);
      else if (local) await db.drop(table, incoming.id);
      touched.add(table);
    }
  }
  // Criteria sets are read only on the phone: the server's version replaces the local one.
  for (const criteriaSet of changes.criteria_sets || []) {
    await db.put("criteria_sets", criteriaSet);
    received += 1;
    touched.add("criteria_sets");
  }
  for (const conflict of changes.conflicts || []) {
    received += 1;
    const local = await db.get("conflicts", conflict.id);
    // A choice not yet sent stays until the server confirms it.
    const keep = local && local.local_resolution && !conflict.resolved_at;
    await db.put("conflicts", keep ? { ...conflict, local_resolution: local.local_resolution } : conflict);
    touched.add("conflicts");
  }
  if (typeof response.cursor === "number") {
    // The scope token with the cursor, never before it: a reset whose answer is lost repeats (§5.4).
    await db.setCursor(response.cursor, typeof response.scope === "string" ? response.scope : null);
  }
  return { received, removedFromOutbox: plan.done.length, touched: [...touched] };
}
