// Recognitions and follow-ups as the phone reckons them, offline (DOMAIN.md §2.7–2.8): a
// model's highest recognition, and which inspections' follow-ups are overdue. Pure; the same
// order as the server's R3 (server/reports/commendations.py).

/** The stages, lowest first: recognised → exemplary → proposed → commended. */
export const STAGES = ["CONG_NHAN", "TIEU_BIEU", "DE_NGHI_KHEN", "KHEN"];
/** The levels, lowest first. */
export const LEVELS = ["XA", "HUYEN", "TINH", "TOAN_QUOC"];

/**
 * A model's highest recognition: the furthest stage, then the highest level, then the latest.
 * @param {Array<Record<string, any>>} recognitions
 * @returns {Record<string, any>|null}
 */
export function highestRecognition(recognitions) {
  let best = null;
  for (const rec of recognitions) {
    if (!rec || rec.deleted) continue;
    if (!best || rank(rec) > rank(best)) best = rec;
  }
  return best;
}

/** @param {Record<string, any>} rec @returns {string} a sortable key */
function rank(rec) {
  const stage = String(STAGES.indexOf(rec.stage) + 1);
  const level = String(LEVELS.indexOf(rec.level) + 1);
  return `${stage}${level}${rec.decision_date || ""}`;
}

/**
 * Group recognitions by the model they concern.
 * @param {Array<Record<string, any>>} recognitions
 * @returns {Map<string, Array<Record<string, any>>>}
 */
export function byModel(recognitions) {
  const out = new Map();
  for (const rec of recognitions) {
    if (!rec || rec.deleted) continue;
    const list = out.get(rec.subject_model_id);
    if (list) list.push(rec);
    else out.set(rec.subject_model_id, [rec]);
  }
  return out;
}

/**
 * Whether an inspection's follow-up was due before `today` (YYYY-MM-DD) and is not done.
 * @param {Record<string, any>} inspection
 * @param {string} today
 */
export function isOverdue(inspection, today) {
  return Boolean(inspection && !inspection.deleted && inspection.follow_up_due && !inspection.follow_up_done
    && inspection.review_status !== "HUY" && inspection.follow_up_due < today);
}

/**
 * Whole days between a due date and today (both YYYY-MM-DD).
 * @param {string} due
 * @param {string} today
 */
export function daysOverdue(due, today) {
  return Math.round((Date.parse(`${today}T00:00:00Z`) - Date.parse(`${due}T00:00:00Z`)) / 86400e3);
}
