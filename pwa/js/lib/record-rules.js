// The server's ModelIn/MeetingIn rules (server/records/schemas.py), so what the phone accepts
// the server accepts; and the review workflow. Pure.

import { ENUMS } from "../i18n/enums.js";
import { t } from "../i18n/labels.js";

export const TEXT = 20000;
const PERIOD_PATTERN = /^GD_\d{4}_\d{4}$/;
const UUID_PATTERN = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;
const LOCAL_DT_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/;

/** Fields a client may send for each table (anything else the server rejects). */
export const WIRE_FIELDS = {
  models: [
    "id", "owner_unit_id", "notes", "kind", "subject_type", "name", "field", "collective_name",
    "person_name", "person_position", "person_gender", "person_ethnicity", "person_birth_year",
    "commune_unit_id", "locality", "lead_org", "start_date", "status", "period",
    "year_registered", "objective", "method", "results", "metrics", "topic_tags",
    "replicated_from_id", "geo_lat", "geo_lon", "geo_accuracy",
  ],
  meetings: [
    "id", "owner_unit_id", "notes", "type", "title", "format", "organizer_unit_id",
    "co_organizer_ids", "start_at", "end_at", "part_of_day", "location", "geo_lat", "geo_lon",
    "sites", "planned_count", "actual_count", "count_is_approx", "audience", "report_period",
    "agenda", "content_summary", "speeches_count", "conclusion", "outcomes", "linked_model_ids",
    "minutes_no", "attendees",
  ],
};

const ATTENDEE_FIELDS = [
  "full_name", "position", "org_name", "unit_id", "role", "attendance", "absent_reason",
  "gender", "ethnicity", "phone",
];
const NAMED_ROLES = ["CHU_TRI", "DONG_CHU_TRI", "BAO_CAO_VIEN", "THU_KY"];
export const CHAIR_ROLES = ["CHU_TRI", "DONG_CHU_TRI"];

/** Keep only the fields the server accepts for a table. */
export function toWire(table, record) {
  /** @type {Record<string, any>} */
  const out = {};
  for (const key of WIRE_FIELDS[table]) {
    if (record[key] !== undefined) out[key] = record[key];
  }
  if (table === "meetings" && Array.isArray(out.attendees)) {
    out.attendees = out.attendees.map((a) => {
      /** @type {Record<string, any>} */
      const clean = {};
      for (const key of ATTENDEE_FIELDS) if (a[key] !== undefined) clean[key] = a[key];
      return clean;
    });
  }
  return out;
}

const blank = (v) => v === null || v === undefined || (typeof v === "string" && !v.trim());
const isInt = (v) => typeof v === "number" && Number.isInteger(v);
const isNum = (v) => typeof v === "number" && Number.isFinite(v);

/** Collects field errors; the first message per field wins, as on the server. */
class Errors {
  constructor() {
    /** @type {Record<string, string>} */
    this.map = {};
  }
  add(field, message) {
    if (!(field in this.map)) this.map[field] = message;
  }
  get ok() {
    return Object.keys(this.map).length === 0;
  }
}

function checkString(errors, data, key, { required = false, max = 255, min = 0 } = {}) {
  const value = data[key];
  if (blank(value)) {
    if (required || (min > 0 && value !== undefined && value !== null)) {
      errors.add(key, t("required"));
    }
    return;
  }
  if (typeof value !== "string") errors.add(key, t("bad_number"));
  else if (value.length > max) errors.add(key, t("too_long", { max }));
}

function checkEnum(errors, data, key, enumName, required = false) {
  const value = data[key];
  if (value === null || value === undefined || value === "") {
    if (required) errors.add(key, t("required"));
    return;
  }
  if (!(value in ENUMS[enumName])) errors.add(key, t("bad_number"));
}

function checkInt(errors, data, key, lo, hi, required = false) {
  const value = data[key];
  if (value === null || value === undefined || value === "") {
    if (required) errors.add(key, t("required"));
    return;
  }
  if (!isInt(value)) errors.add(key, t("bad_number"));
  else if (value < lo || value > hi) errors.add(key, t("out_of_range"));
}

function checkFloat(errors, data, key, lo, hi) {
  const value = data[key];
  if (value === null || value === undefined) return;
  if (!isNum(value)) errors.add(key, t("bad_number"));
  else if (value < lo || value > hi) errors.add(key, t("out_of_range"));
}

function checkCommon(errors, data) {
  if (!UUID_PATTERN.test(String(data.id || ""))) errors.add("id", t("required"));
  checkInt(errors, data, "owner_unit_id", -Infinity, Infinity, true);
  checkString(errors, data, "notes", { max: TEXT });
}

/** Validate a complete model as ModelIn does. Returns {field: message}; empty when valid. */
export function validateModel(m) {
  const e = new Errors();
  if (blank(m.name)) e.add("name", t("need_model_name"));
  checkCommon(e, m);
  checkEnum(e, m, "kind", "model_kind", true);
  checkEnum(e, m, "subject_type", "subject_type", true);
  checkString(e, m, "name", { required: true, max: 500 });
  checkEnum(e, m, "field", "field", true);
  checkString(e, m, "collective_name", { max: 500 });
  checkString(e, m, "person_name");
  checkString(e, m, "person_position");
  checkEnum(e, m, "person_gender", "gender");
  checkString(e, m, "person_ethnicity", { max: 64 });
  checkInt(e, m, "person_birth_year", 1900, 2100);
  checkInt(e, m, "commune_unit_id", -Infinity, Infinity, true);
  checkString(e, m, "locality", { required: true });
  checkString(e, m, "lead_org");
  if (blank(m.start_date)) e.add("start_date", t("required"));
  else if (!DATE_PATTERN.test(m.start_date)) e.add("start_date", t("bad_number"));
  checkEnum(e, m, "status", "model_status", true);
  if (blank(m.period)) e.add("period", t("required"));
  else if (!PERIOD_PATTERN.test(m.period)) e.add("period", t("bad_number"));
  checkInt(e, m, "year_registered", 2000, 2100, true);
  checkString(e, m, "objective", { required: true, max: TEXT });
  checkString(e, m, "method", { required: true, max: TEXT });
  checkString(e, m, "results", { max: TEXT });
  const metrics = m.metrics || [];
  if (metrics.length > 50) e.add("metrics", t("out_of_range"));
  metrics.forEach((metric, i) => {
    if (blank(metric.metric)) e.add(`metrics.${i}.metric`, t("required"));
    else if (metric.metric.length > 200) e.add(`metrics.${i}.metric`, t("too_long", { max: 200 }));
    if (!isNum(metric.value)) e.add(`metrics.${i}.value`, t("bad_number"));
    if (!blank(metric.unit) && metric.unit.length > 50) {
      e.add(`metrics.${i}.unit`, t("too_long", { max: 50 }));
    }
  });
  const tags = m.topic_tags || [];
  if (tags.length > 20 || tags.some((tag) => !(tag in ENUMS.topic_tag))) {
    e.add("topic_tags", t("bad_number"));
  }
  checkFloat(e, m, "geo_lat", -90, 90);
  checkFloat(e, m, "geo_lon", -180, 180);
  checkFloat(e, m, "geo_accuracy", 0, 1e6);
  if (m.subject_type === "TAP_THE" && blank(m.collective_name)) {
    e.add("collective_name", t("required"));
  }
  if (m.subject_type === "CA_NHAN" && blank(m.person_name)) e.add("person_name", t("required"));
  return e.map;
}

/** Validate a complete meeting as MeetingIn does. Returns {field: message}; empty when valid. */
export function validateMeeting(m) {
  const e = new Errors();
  checkCommon(e, m);
  checkEnum(e, m, "type", "meeting_type", true);
  checkString(e, m, "title", { required: true, max: 500 });
  checkEnum(e, m, "format", "meeting_format", true);
  checkInt(e, m, "organizer_unit_id", -Infinity, Infinity, true);
  if (blank(m.start_at)) e.add("start_at", t("required"));
  else if (!LOCAL_DT_PATTERN.test(m.start_at)) e.add("start_at", t("bad_number"));
  if (!blank(m.end_at)) {
    if (!LOCAL_DT_PATTERN.test(m.end_at)) e.add("end_at", t("bad_number"));
    else if (!blank(m.start_at) && m.end_at <= m.start_at) e.add("end_at", t("end_after_start"));
  }
  checkString(e, m, "location", { required: true, max: 500 });
  checkInt(e, m, "planned_count", 0, 1000000);
  checkInt(e, m, "actual_count", 0, 1000000);
  checkInt(e, m, "speeches_count", 0, 100000);
  checkEnum(e, m, "report_period", "report_period");
  if (["SO_KET", "TONG_KET"].includes(m.type) && blank(m.report_period)) {
    e.add("report_period", t("required"));
  }
  checkString(e, m, "agenda", { max: TEXT });
  checkString(e, m, "content_summary", { required: true, max: TEXT });
  checkString(e, m, "conclusion", { max: TEXT });
  checkString(e, m, "outcomes", { max: TEXT });
  checkString(e, m, "minutes_no", { max: 64 });
  const audience = m.audience || [];
  if (audience.length > 20 || audience.some((a) => !(a in ENUMS.audience))) {
    e.add("audience", t("bad_number"));
  }
  const sites = m.sites || [];
  sites.forEach((site, i) => {
    checkString(e, { [`sites.${i}.name`]: site.name }, `sites.${i}.name`, { required: true });
  });
  if (m.format === "TRUC_TUYEN" && sites.length === 0) e.add("sites", t("need_site"));
  const attendees = m.attendees || [];
  if (attendees.length > 2000) e.add("attendees", t("out_of_range"));
  attendees.forEach((a, i) => {
    const p = `attendees.${i}.`;
    checkEnum(e, { [`${p}role`]: a.role }, `${p}role`, "attendee_role", true);
    checkEnum(e, { [`${p}attendance`]: a.attendance }, `${p}attendance`, "attendance");
    for (const [key, max] of [["full_name", 255], ["position", 255], ["org_name", 255],
      ["absent_reason", 500], ["ethnicity", 64], ["phone", 32]]) {
      checkString(e, { [p + key]: a[key] }, p + key, { max });
    }
    if (NAMED_ROLES.includes(a.role) && blank(a.full_name)) e.add(`${p}full_name`, t("required"));
  });
  if (!attendees.some((a) => CHAIR_ROLES.includes(a.role))) e.add("attendees", t("need_chair"));
  return e.map;
}

/** Validate a record of either table. */
export function validateRecord(table, record) {
  return table === "models" ? validateModel(record) : validateMeeting(record);
}

/**
 * Read a number typed the Vietnamese way ("1.554", "14,76") or the English way ("14.76").
 * Returns null for blank input and NaN for garbage.
 */
export function parseNumber(text) {
  if (typeof text === "number") return text;
  const s = String(text ?? "").replace(/\s/g, "");
  if (!s) return null;
  let normal = s;
  if (s.includes(",")) normal = s.replace(/\./g, "").replace(",", ".");
  else if (/^-?\d{1,3}(\.\d{3})+$/.test(s)) normal = s.replace(/\./g, "");
  return /^-?\d+(\.\d+)?$/.test(normal) ? Number(normal) : NaN;
}

// --- the review workflow (mirrors sync/workflow.py) ---

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

/** Tell whether it is this user's level that approves next (multi-level approval). */
export function approvalTurn(record, user) {
  const awaiting = record.awaiting_unit_id ?? null;
  const admin = (user.roles || []).includes("QUAN_TRI");
  return awaiting === null || admin || awaiting === (user.unit && user.unit.id);
}

/** Workflow steps this user may take on this record now. */
export function availableSteps(record, user) {
  const roles = user.roles || [];
  const writer = roles.some((r) => WRITER_ROLES.includes(r));
  const reviewer = roles.some((r) => REVIEWER_ROLES.includes(r));
  const own = record.created_by_id == null || record.created_by_id === user.id;
  const status = record.review_status || "NHAP";
  return Object.entries(STEPS)
    .filter(([, step]) => step.sources.includes(status))
    .filter(([, step]) => (step.byReviewer ? reviewer && !own : writer))
    .filter(([action]) => action !== "approve" || approvalTurn(record, user))
    .map(([action]) => action);
}

/** Tell whether the user may edit the record's fields. */
export function canEdit(record, user) {
  const writer = (user.roles || []).some((r) => WRITER_ROLES.includes(r));
  return writer && !record.deleted && !LOCKED.includes(record.review_status || "NHAP");
}
