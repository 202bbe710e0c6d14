// The review workflow as the phone sees it (mirrors sync/workflow.py): which buttons to show
// and which status a queued step leads to.

export const WRITER_ROLES = ["CAN_BO_NHAP", "CHUYEN_VIEN", "QUAN_TRI"];
export const REVIEWER_ROLES = ["LANH_DAO_DUYET", "QUAN_TRI"];

/** @type {Record<string, {sources: string[], target: string, byReviewer: boolean, needsComment: boolean}>} */
export const STEPS = {
  submit: { sources: ["NHAP", "TRA_LAI"], target: "CHO_DUYET", byReviewer: false, needsComment: false },
  withdraw: { sources: ["CHO_DUYET"], target: "NHAP", byReviewer: false, needsComment: false },
  cancel: { sources: ["NHAP", "TRA_LAI"], target: "HUY", byReviewer: false, needsComment: false },
  approve: { sources: ["CHO_DUYET"], target: "DA_DUYET", byReviewer: true, needsComment: false },
  return: { sources: ["CHO_DUYET"], target: "TRA_LAI", byReviewer: true, needsComment: true },
  reopen: { sources: ["DA_DUYET", "HUY"], target: "TRA_LAI", byReviewer: true, needsComment: true },
};

/** Statuses in which a record's own fields may not be edited. */
export const LOCKED = ["DA_DUYET", "HUY"];

/**
 * Workflow steps this user may take on this record now.
 * @param {{review_status?: string, created_by_id?: number|null}} record
 * @param {{id?: number, roles?: string[]}} user
 * @returns {string[]}
 */
export function availableSteps(record, user) {
  const roles = user.roles || [];
  const writer = roles.some((r) => WRITER_ROLES.includes(r));
  const reviewer = roles.some((r) => REVIEWER_ROLES.includes(r));
  const own = record.created_by_id == null || record.created_by_id === user.id;
  const status = record.review_status || "NHAP";
  return Object.entries(STEPS)
    .filter(([, step]) => step.sources.includes(status))
    .filter(([, step]) => (step.byReviewer ? reviewer && !own : writer))
    .map(([action]) => action);
}

/**
 * Tell whether the user may edit the record's fields.
 * @param {{review_status?: string, deleted?: boolean}} record
 * @param {{roles?: string[]}} user
 */
export function canEdit(record, user) {
  const writer = (user.roles || []).some((r) => WRITER_ROLES.includes(r));
  return writer && !record.deleted && !LOCKED.includes(record.review_status || "NHAP");
}
