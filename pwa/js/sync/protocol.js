// The pure half of sync (PROTOCOL.md): the request, request-level errors, backoff, outbox rules,
// response handling and merge-under-pending. No storage, no network, no DOM: node tests it.

import { STEPS } from "../lib/record-rules.js";

// The app's version: sent with every sync and shown in Settings. sw.js carries the same value
// in its cache name (tests/js/shell.test.js checks they agree).
export const APP_VERSION = "2026.11.1";

export const PROTOCOL = 1;
export const SCHEMA = 1;
// Mutations per request: the protocol allows 1,000; 200 keeps a request around 100 KB
// uncompressed so a drop on 2G costs seconds, not minutes, and still empties a week's work
// in a few round trips.
export const BATCH_SIZE = 200;
// Page size of the pull: larger pages mean fewer round trips but more lost on a drop.
export const PAGE_SIZE = 500;

/**
 * Build the body of POST /api/v1/sync.
 * @param {{cursor: number, batch: import("./protocol.js").OutboxEntry[], outboxSize: number,
 *   appVersion: string, limit?: number}} args
 */
export function buildRequest({ cursor, batch, outboxSize, appVersion, limit = PAGE_SIZE }) {
  return {
    protocol: PROTOCOL,
    schema: SCHEMA,
    app_version: appVersion,
    cursor,
    pending: Math.max(0, outboxSize - batch.length),
    limit,
    mutations: batch.map(toWireMutation),
  };
}

/**
 * @typedef {{kind: "seq_gap", expectedSeq: number} | {kind: "update"} | {kind: "auth"} |
 *   {kind: "too_large"} | {kind: "retry"} | {kind: "plain"} | {kind: "fatal"}} ErrorAction
 */

/**
 * Decide what to do with a failed sync request.
 * @param {number} status  HTTP status, 0 for a network failure
 * @param {{error?: {code?: string, details?: any}}|null} body
 * @returns {ErrorAction}
 */
export function classifyError(status, body) {
  const code = body && body.error && body.error.code;
  const details = (body && body.error && body.error.details) || {};
  if (status === 409 && code === "SEQ_GAP" && Number.isInteger(details.expected_seq)) {
    return { kind: "seq_gap", expectedSeq: details.expected_seq };
  }
  if (code === "PROTOCOL_UNSUPPORTED") return { kind: "update" };
  if (status === 401) return { kind: "auth" };
  if (status === 413) return { kind: "too_large" };
  // A gzip body the server could not read, or an encoding it refuses: send it plain.
  if (code === "MALFORMED_BODY" || status === 415) return { kind: "plain" };
  if (status === 0 || status === 408 || status === 429 || status >= 500) return { kind: "retry" };
  return { kind: "fatal" };
}

// Capped, jittered exponential backoff for failed syncs.

// First retry after up to 5 s; doubling per failure up to 5 minutes. On 2G a retry storm costs
// battery and bytes; waiting longer than 5 minutes makes the "sync now" button the only hope.
export const BASE_MS = 5000;
export const CAP_MS = 5 * 60 * 1000;

/**
 * Delay before the next attempt after `failures` consecutive failures ("full jitter": a random
 * point in [half, all] of the exponential step, so phones that lost the network together
 * do not come back together).
 * @param {number} failures  1 after the first failure
 * @param {() => number} [random]
 */
export function backoffDelay(failures, random = Math.random) {
  if (failures <= 0) return 0;
  const step = Math.min(CAP_MS, BASE_MS * 2 ** Math.min(failures - 1, 20));
  return Math.round(step / 2 + (random() * step) / 2);
}

// Pure rules of the outbox (PROTOCOL.md §4): collapsing edits, choosing a batch, renumbering,
// and laying pending changes over a record. No storage, no network, no DOM.

/**
 * @typedef {"put"|"delete"|"review"|"resolve"} Op
 * @typedef {Object} Mutation  what goes on the wire
 * @property {number} seq
 * @property {Op} op
 * @property {string} table       "models", "meetings" or "conflicts"
 * @property {number} base        record version the change was made on; 0 for a new record
 * @property {Record<string, any>} data  always holds "id"
 *
 * @typedef {Mutation & {
 *   record: string,              // "<table>:<id>" of the record it changes (for resolve: the conflict's record)
 *   sent?: boolean,              // true once it went out in a request: never collapse it again
 *   at?: number,                 // when it entered the outbox (ms)
 *   meta?: Record<string, any>,  // local-only facts, never sent (e.g. the value a resolve restores)
 * }} OutboxEntry
 */

/** Key that groups the mutations of one record. */
export const recordKey = (table, id) => `${table}:${id}`;

/** Steps the server takes only on the record's current version (PROTOCOL.md §7). Sent behind
 * an unacknowledged change of the same record they would carry a stale base, so a batch stops
 * before them and they go once the earlier change's version is known. (Edits need no such care:
 * the server recognises a device's own earlier writes, §6.1.) */
const NEEDS_CURRENT_VERSION = new Set(["approve", "return"]);
export function isBaseSensitive(entry) {
  return entry.op === "review" && NEEDS_CURRENT_VERSION.has(entry.data.action);
}

/**
 * Decide how a new change enters the outbox, given the record's entries already there.
 * Edits collapse into the record's latest entry only while it has never been sent (§4.1).
 * @param {OutboxEntry[]} existing  entries of the same record, oldest first
 * @param {{op: Op, table: string, base: number, data: Record<string, any>}} change
 * @returns {{kind: "append"} | {kind: "replace", entry: OutboxEntry}}
 */
export function placeChange(existing, change) {
  const last = existing[existing.length - 1];
  if (!last || last.sent || last.table !== change.table) return { kind: "append" };
  if (change.op === "put" && last.op === "put") {
    return { kind: "replace", entry: { ...last, data: { ...last.data, ...change.data } } };
  }
  if (change.op === "delete" && last.op === "put") {
    // The unsent edit (or create) will never matter: turn it into the delete, keeping its seq so
    // the device's sequence has no hole. A delete of a record the server never had is applied.
    return { kind: "replace", entry: { ...last, op: "delete", data: { id: change.data.id } } };
  }
  if (change.op === "resolve" && last.op === "resolve" && last.data.id === change.data.id) {
    return { kind: "replace", entry: { ...last, data: { ...change.data } } };
  }
  return { kind: "append" };
}

/**
 * Choose the next request's mutations: a prefix of the outbox (seqs must have no hole), at most
 * `max` long, that stops before a decision needing the current version of a record already in
 * the batch.
 * @param {OutboxEntry[]} outbox  sorted by seq
 * @param {number} max
 * @returns {OutboxEntry[]}
 */
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

/**
 * The wire form of an entry: only the keys the protocol allows (§3.2).
 * @param {OutboxEntry} entry
 * @returns {Mutation}
 */
export function toWireMutation(entry) {
  return { seq: entry.seq, op: entry.op, table: entry.table, base: entry.base, data: entry.data };
}

/**
 * New seqs for the outbox after 409 SEQ_GAP: from expectedSeq on, same order (§4.5).
 * @param {OutboxEntry[]} outbox sorted by seq
 * @param {number} expectedSeq
 * @returns {OutboxEntry[]} renumbered copies
 */
export function renumber(outbox, expectedSeq) {
  return outbox.map((entry, i) => ({ ...entry, seq: expectedSeq + i }));
}

/**
 * Lay a record's pending changes over a copy of it (§5.6): the server's values underneath, the
 * user's unsent values on top.
 * @param {Record<string, any>} record   the server's record (or the local one)
 * @param {OutboxEntry[]} pending         the record's outbox entries, oldest first
 * @param {{data: Record<string, any>}|null} [rejected] a refused edit whose values we keep
 */
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

// Pure handling of a sync response (PROTOCOL.md §3.3, §4.6, §5): what leaves the outbox, what
// each local record should show, and how pulled records meet pending local changes.

/**
 * @typedef {import("./protocol.js").OutboxEntry} OutboxEntry
 * @typedef {{seq: number, status: "applied"|"duplicate"|"conflict"|"rejected", version?: number,
 *   conflicts?: string[], code?: string, message?: string, details?: any}} Result
 * @typedef {{table: string, id: string, status: string, version?: number, op: string,
 *   error?: {code: string, message: string, details?: any}, rejectedData?: Record<string, any>,
 *   rejectedBase?: number, conflicts?: string[]}} Outcome
 */

/**
 * Work out what a response means for the outbox.
 * @param {OutboxEntry[]} outbox   the whole outbox now, sorted by seq
 * @param {{last_seq: number, results?: Result[], changes?: any}} response
 * @returns {{done: number[], outcomes: Outcome[], rebase: {seq: number, base: number}[]}}
 */
export function planResults(outbox, response) {
  const lastSeq = Number(response.last_seq) || 0;
  const bySeq = new Map(outbox.map((e) => [e.seq, e]));
  const done = outbox.filter((e) => e.seq <= lastSeq).map((e) => e.seq);
  /** @type {Outcome[]} */
  const outcomes = [];
  /** @type {Map<string, number>} record key -> version the server now has after our change */
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
      // Applied by an earlier request whose answer we never read: the pull that follows
      // (our cursor did not move) carries the record's version.
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
  // Changes queued on top of an acknowledged change were made on its result: give them the
  // version it produced, so the server does not take our own edit for someone else's.
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
  for (const table of ["models", "meetings"]) {
    for (const record of (changes && changes[table]) || []) {
      map.set(`${table}:${record.id}`, record.version);
    }
  }
  return map;
}

/**
 * Merge one pulled record with what the phone holds (§5.6).
 * - No pending change: the server's record replaces the local one (local notes kept).
 * - Pending changes: the server's record underneath, the pending values on top.
 * - A tombstone over pending changes keeps the local values (the server will report the
 *   conflict); without pending changes the record is dropped.
 * @param {Record<string, any>|undefined} local   the record on the phone, if any
 * @param {Record<string, any>} incoming           the server's record or tombstone
 * @param {OutboxEntry[]} pending                  the record's outbox entries
 * @returns {Record<string, any>|null} the record to store, or null to delete it
 */
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

/**
 * What a mutation's outcome does to the local record (§4.6). Returns the record to store.
 * A refused edit keeps the user's values and the server's message; an accepted change clears
 * an earlier error unless refused values are still waiting to be saved again.
 * @param {Record<string, any>} local
 * @param {Outcome} outcome
 */
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

/**
 * The sync state a record shows (DOMAIN.md §2 conventions).
 * @param {Record<string, any>} record
 * @param {OutboxEntry[]} pending
 * @param {number} openConflicts  unresolved conflicts of the record
 * @param {Set<number>} [inflight] seqs in the request now on the wire
 * @returns {"CHO_DONG_BO"|"DANG_DONG_BO"|"DA_DONG_BO"|"LOI"|"XUNG_DOT"}
 */
export function syncState(record, pending, openConflicts, inflight) {
  if (pending.length) {
    return inflight && pending.some((e) => inflight.has(e.seq)) ? "DANG_DONG_BO" : "CHO_DONG_BO";
  }
  if (record && record._local && record._local.error) return "LOI";
  if (openConflicts > 0) return "XUNG_DOT";
  return "DA_DONG_BO";
}
