// Pure rules of the outbox (PROTOCOL.md §4): collapsing edits, choosing a batch, renumbering,
// and laying pending changes over a record. No storage, no network, no DOM.

import { STEPS } from "../lib/record-rules.js";

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
