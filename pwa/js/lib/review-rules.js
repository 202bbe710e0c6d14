// The reviewer's queue and history, as pure rules: what waits for review and for how long, who
// may decide now (multi-level approval, PROTOCOL.md §7), and what an audit event changed.

import { approvalTurn, REVIEWER_ROLES } from "./record-rules.js";

const DAY_MS = 24 * 60 * 60 * 1000;
// The dashboard's backlog buckets (server/reports/queries.py backlog): under 7 days, 7 to 30, over.
export const AGE_BUCKETS = ["lt_7", "d7_30", "gt_30"];
export const RECENT_DAYS = 7;
export const OLD_DAYS = 30;

/** @typedef {{table: "models"|"meetings", rec: Record<string, any>}} Entry */
/** @typedef {{id: number, path?: string}} Unit */

/** When the record was sent for review: submitted_at, or updated_at from an older server. */
export function submittedAt(rec) {
  return rec.submitted_at || rec.updated_at || null;
}

/** Days the record has waited, as a fraction (null when the server gave no time). */
export function waitingDays(rec, now = Date.now()) {
  const since = Date.parse(submittedAt(rec) || "");
  return Number.isNaN(since) ? null : Math.max(0, (now - since) / DAY_MS);
}

/** The backlog bucket of a wait in days; the server counts the same way. */
export function ageBucket(days) {
  if (days === null || days < RECENT_DAYS) return "lt_7";
  return days <= OLD_DAYS ? "d7_30" : "gt_30";
}

/** The unit a record is about: the commune of a model, the organizer of a meeting. */
export function recordUnitId(table, rec) {
  const own = table === "models" ? rec.commune_unit_id : rec.organizer_unit_id;
  return own ?? rec.owner_unit_id;
}

/** Tell whether unit lies within ancestor's subtree (materialised paths "/1/7/42/"). */
export function within(unit, ancestor) {
  if (!unit || !ancestor) return false;
  if (unit.id === ancestor.id) return true;
  return Boolean(unit.path && ancestor.path && unit.path.startsWith(ancestor.path));
}

/** Tell whether the user may review at all. */
export function isReviewer(user) {
  return Boolean(user && (user.roles || []).some((r) => REVIEWER_ROLES.includes(r)));
}

// Audited actions that put values into a version (server/records/duties.py WRITES).
const WRITES = ["create", "update", "restore"];

/**
 * Tell whether the user wrote to the record since it was last submitted; the server then refuses
 * their approval or return (REVIEW_OWN_WORK). With the history (events oldest first) every write
 * since the last submit counts; without it, the record's last writer and times tell.
 * @param {Record<string, any>} rec
 * @param {{id: number}} user
 * @param {{action: string, user_id?: number|null}[]|null} [events]
 */
export function editedSinceSubmit(rec, user, events = null) {
  if (events && events.length) {
    let last = -1;
    events.forEach((e, i) => { if (e.action === "submit") last = i; });
    return events.slice(last + 1).some((e) => e.user_id === user.id && WRITES.includes(e.action));
  }
  const since = Date.parse(rec.submitted_at || "");
  const changed = Date.parse(rec.updated_at || "");
  return rec.updated_by_id === user.id && !Number.isNaN(since) && changed > since;
}

/**
 * What the user may do with a submitted record now. Nobody decides on a record they created
 * (a record not yet on the server counts as theirs). Approval goes level by level: only the unit
 * the record awaits (or any level when the server names none, or for an administrator). A return
 * is open to any reviewer in scope, as on the server.
 */
export function decision(rec, user, events = null) {
  const awaiting = rec.awaiting_unit_id ?? null;
  const edited = editedSinceSubmit(rec, user, events);
  const own = rec.created_by_id == null || rec.created_by_id === user.id || edited;
  const submitted = rec.review_status === "CHO_DUYET" && !rec.deleted;
  const reviewer = isReviewer(user);
  const turn = approvalTurn(rec, user);
  return {
    own,
    edited,
    awaiting,
    turn,
    approve: submitted && reviewer && !own && turn,
    return: submitted && reviewer && !own,
  };
}

/**
 * @typedef {{table?: string, unit?: Unit|null, field?: string, type?: string, age?: string,
 *   mine?: boolean}} QueueFilters
 */

/**
 * Records waiting for review that pass the filters, the longest waiting first.
 * @param {any[]} entries
 * @param {QueueFilters} [filters]
 * @param {{user?: any, unitOf?: (id: number) => Unit|undefined, now?: number}} [options]
 */
export function queue(entries, filters = {}, { user, unitOf = () => undefined, now = Date.now() } = {}) {
  const out = [];
  for (const entry of entries) {
    const { table, rec } = entry;
    if (rec.deleted || rec.review_status !== "CHO_DUYET") continue;
    if (filters.table && table !== filters.table) continue;
    if (filters.field && (table !== "models" || rec.field !== filters.field)) continue;
    if (filters.type && (table !== "meetings" || rec.type !== filters.type)) continue;
    const days = waitingDays(rec, now);
    if (filters.age && ageBucket(days) !== filters.age) continue;
    if (filters.unit) {
      const id = recordUnitId(table, rec);
      if (id !== filters.unit.id && !within(unitOf(id), filters.unit)) continue;
    }
    if (filters.mine && user && !decision(rec, user).approve) continue;
    out.push({ ...entry, days, since: submittedAt(rec) || "" });
  }
  return out.sort((a, b) => (a.since < b.since ? -1 : a.since > b.since ? 1 : 0));
}

/** Counts of the waiting records by age bucket. */
export function ageCounts(items) {
  const counts = { lt_7: 0, d7_30: 0, gt_30: 0 };
  for (const item of items) counts[ageBucket(item.days)] += 1;
  return counts;
}

const same = (a, b) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/**
 * The fields an audit event changed, in the order the server wrote them: before → after.
 * A create has no "before"; a field whose value did not move is left out.
 * @returns {{field: string, before: any, after: any}[]}
 */
export function diffEvent(event) {
  const before = (event && event.before) || {};
  const after = (event && event.after) || {};
  const names = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  return names
    .filter((name) => !same(before[name], after[name]))
    .map((name) => ({ field: name, before: before[name] ?? null, after: after[name] ?? null }));
}
