// Pure handling of a sync response (PROTOCOL.md §3.3, §4.6, §5): what leaves the outbox, what
// each local record should show, and how pulled records meet pending local changes.

import { overlayPending } from "./outbox-rules.js";

/**
 * @typedef {import("./outbox-rules.js").OutboxEntry} OutboxEntry
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
