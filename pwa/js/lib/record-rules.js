// The server's record rules, read from the generated copy of its schema (record-schema.js, from
// server/records/schemas.py and rules.py), so what the phone accepts the server accepts; and
// the review workflow. Pure.

import { t } from "../i18n/labels.js";
import { RECORD_SCHEMA } from "./record-schema.js";

const DEFS = RECORD_SCHEMA.$defs;
const CREATE = { models: DEFS.ModelIn, meetings: DEFS.MeetingIn };
const UUID_PATTERN = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;
const OFFSET = /(Z|[+-]\d{2}:\d{2})$/;

/** Longest free text the server keeps in one field. */
export const TEXT = DEFS.ModelIn.properties.objective.maxLength;

/** Fields a client may send for each table (anything else the server rejects). */
export const WIRE_FIELDS = {
  models: Object.keys(DEFS.ModelIn.properties),
  meetings: Object.keys(DEFS.MeetingIn.properties),
};

const ATTENDEE_FIELDS = Object.keys(DEFS.AttendeeIn.properties);

/** Roles that make an attendee a chair: a meeting needs one. */
export const CHAIR_ROLES = RECORD_SCHEMA.tables.meetings.rules
  .find((rule) => rule.kind === "contains" && rule.field === "attendees").item.in;

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

/** Fill what a shape's published defaults say the server would fill, in items too. */
function fill(shape, data) {
  const out = { ...data };
  for (const [key, prop] of Object.entries(shape.properties)) {
    if (out[key] === undefined && prop.default !== undefined) {
      out[key] = Array.isArray(prop.default) ? [...prop.default] : prop.default;
    }
    const items = prop.items && refOf(prop.items);
    if (items && Array.isArray(out[key])) {
      out[key] = out[key].map((item) => (item && typeof item === "object" ? fill(items, item) : item));
    }
  }
  return out;
}

/**
 * A create as the server will store it: fields left out take their published defaults, so the
 * phone holds the stored record and the server need not send it back (PROTOCOL.md §5.5).
 */
export function withDefaults(table, record) {
  return fill(CREATE[table], record);
}

const blank = (v) => v === null || v === undefined || (typeof v === "string" && !v.trim())
  || (Array.isArray(v) && v.length === 0);
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

/** The named shape a property refers to, if it is one (possibly nullable). */
function refOf(prop) {
  const ref = prop.$ref || (prop.anyOf || []).map((p) => p.$ref).find(Boolean);
  return ref ? DEFS[ref.split("/").pop()] : null;
}

const typesOf = (prop) => [].concat(prop.type ?? []);

/** A meeting time as UTC+7 wall-clock minutes, the way the server stores it. */
function wallClock(text) {
  if (!OFFSET.test(text)) return text.slice(0, 16);
  return new Date(new Date(text).getTime() + 7 * 3600e3).toISOString().slice(0, 16);
}

/** Check one value against its property schema; errors go under key. */
function checkValue(e, key, value, prop) {
  const shape = refOf(prop);
  if (value === null) {
    if (!typesOf(prop).includes("null") && !(prop.anyOf || []).some((p) => p.type === "null")) {
      e.add(key, t("bad_number"));
    }
    return;
  }
  if (shape) {
    if (value && typeof value === "object" && !Array.isArray(value)) checkObject(e, `${key}.`, value, shape);
    else e.add(key, t("bad_number"));
    return;
  }
  const types = typesOf(prop);
  if (types.includes("array")) {
    if (!Array.isArray(value)) return e.add(key, t("bad_number"));
    if (value.length > (prop.maxItems ?? Infinity)) return e.add(key, t("out_of_range"));
    const itemShape = refOf(prop.items);
    value.forEach((item, i) => {
      // A bad code in a list of codes is the list's error, as the form shows it.
      if (itemShape) checkValue(e, `${key}.${i}`, item, prop.items);
      else checkValue(e, key, item, prop.items);
    });
  } else if (types.includes("string")) {
    if (typeof value !== "string") return e.add(key, t("bad_number"));
    if (prop.minLength && !value.trim()) return e.add(key, t("required"));
    if (prop.enum && !prop.enum.includes(value)) return e.add(key, t("bad_number"));
    if (prop.pattern && !new RegExp(prop.pattern).test(value)) return e.add(key, t("bad_number"));
    if (prop.format === "date" && !DATE_PATTERN.test(value)) return e.add(key, t("bad_number"));
    if (prop.format === "uuid" && !UUID_PATTERN.test(value)) return e.add(key, t("bad_number"));
    if (value.length > (prop.maxLength ?? Infinity)) e.add(key, t("too_long", { max: prop.maxLength }));
  } else if (types.includes("integer") || types.includes("number")) {
    if (types.includes("integer") ? !isInt(value) : !isNum(value)) return e.add(key, t("bad_number"));
    if (value < (prop.minimum ?? -Infinity) || value > (prop.maximum ?? Infinity)) {
      e.add(key, t("out_of_range"));
    }
  } else if (types.includes("boolean") && typeof value !== "boolean") {
    e.add(key, t("bad_number"));
  }
}

/** Tell whether data breaks a published cross-field rule (see server/records/rules.py). */
function broken(rule, data) {
  const value = data[rule.field];
  switch (rule.kind) {
    case "not_blank":
      return value !== undefined && blank(value);
    case "required_if":
      return rule.when.in.includes(data[rule.when.field]) && blank(value);
    case "after": {
      const start = data[rule.other];
      return typeof value === "string" && typeof start === "string" && !blank(value)
        && !blank(start) && wallClock(value) <= wallClock(start);
    }
    case "contains":
      return !(Array.isArray(value) && value.some((item) => item && rule.item.in.includes(item[rule.item.field])));
    default:
      return false;
  }
}

/** Check an object against a published shape: rules, required fields, each field. */
function checkObject(e, prefix, data, shape) {
  const rules = shape["x-rules"] || [];
  // A field that must not be blank has its own message (e.g. the model's name), kept first.
  /** @type {Record<string, string>} */
  const blankKey = {};
  for (const rule of rules) if (rule.kind === "not_blank") blankKey[rule.field] = rule.message_key;
  for (const rule of rules) {
    if (rule.kind === "not_blank" && broken(rule, data)) e.add(prefix + rule.field, t(rule.message_key));
  }
  for (const key of shape.required || []) {
    if (blank(data[key]) && !Array.isArray(data[key])) e.add(prefix + key, t(blankKey[key] || "required"));
  }
  for (const [key, prop] of Object.entries(shape.properties)) {
    if (data[key] !== undefined) checkValue(e, prefix + key, data[key], prop);
  }
  for (const rule of rules) {
    if (rule.kind !== "not_blank" && broken(rule, data)) e.add(prefix + rule.field, t(rule.message_key));
  }
}

/** Validate a complete record of a table as the server does. Returns {field: message}. */
export function validateRecord(table, record) {
  const e = new Errors();
  checkObject(e, "", record, CREATE[table]);
  return e.map;
}

/** Validate a complete model as ModelIn does. Returns {field: message}; empty when valid. */
export const validateModel = (m) => validateRecord("models", m);

/** Validate a complete meeting as MeetingIn does. Returns {field: message}; empty when valid. */
export const validateMeeting = (m) => validateRecord("meetings", m);

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
