// The server's record rules, read from the generated copy of its registry (record-schema.js,
// from server/records/registry.py), so what the phone accepts the server accepts; and the
// review workflow, read from the same place. Pure.

import { getLang, t } from "../i18n/labels.js";
import { RECORD_REGISTRY, RECORD_SCHEMA } from "./record-schema.js";

/** The synced record tables, in the server's order. @type {string[]} */
export const RECORD_TYPES = RECORD_REGISTRY.tables;

const DEFS = RECORD_SCHEMA.$defs;
/** @type {Record<string, any>} */
const CREATE = Object.fromEntries(RECORD_TYPES.map((table) => [table, DEFS[RECORD_SCHEMA.tables[table].create.$ref.split("/").pop()]]));
const UUID_PATTERN = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;
const OFFSET = /(Z|[+-]\d{2}:\d{2})$/;

/** Longest free text the server keeps in one field. */
export const TEXT = DEFS.ModelIn.properties.objective.maxLength;

/** Fields a client may send for each table (anything else the server rejects). */
export const WIRE_FIELDS = Object.fromEntries(RECORD_TYPES.map((table) => [table, Object.keys(CREATE[table].properties)]));

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
    case "not_before": {
      const start = data[rule.other];
      return typeof value === "string" && typeof start === "string" && !blank(value) && !blank(start)
        && value.slice(0, 10) < start.slice(0, 10);
    }
    case "excluded_if":
      return rule.when.in.includes(data[rule.when.field]) && rule.excluded.includes(value);
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

// --- plausible values (server/records/plausible.py): bounds relative to today are taken now ---

const PERIOD_YEARS = /^GD_(\d{4})_(\d{4})$/;
const DAY = /^\d{4}-\d{2}-\d{2}/;

/**
 * Today's date in Vietnam (UTC+7), YYYY-MM-DD, against which relative bounds are taken.
 * @param {number} [now] milliseconds since the epoch
 * @returns {string}
 */
export function todayInVietnam(now = Date.now()) {
  return new Date(now + 7 * 3600e3).toISOString().slice(0, 10);
}

function addDays(day, n) {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * 86400e3).toISOString().slice(0, 10);
}

const isDateBound = (b) => Boolean(b) && (b.kind === "days" || typeof b.value === "string");

function resolve(bound, today) {
  if (!bound) return null;
  if (bound.kind === "years") return Number(today.slice(0, 4)) + bound.value;
  if (bound.kind === "days") return addDays(today, bound.value);
  return bound.value;
}

/** A bound as the server's messages state it: dates dd/mm/yyyy, numbers as digits. */
function show(value) {
  if (typeof value === "string" && DAY.test(value)) return value.slice(0, 10).split("-").reverse().join("/");
  return String(value);
}

const dayOf = (v) => (typeof v === "string" && DAY.test(v) ? wallClock(v).slice(0, 10) : null);

function rangeBreach(rule, value, today) {
  const low = resolve(rule.low, today);
  const high = resolve(rule.high, today);
  const probe = isDateBound(rule.low || rule.high) ? dayOf(value) : isNum(value) ? value : null;
  if (probe === null) return null;
  if ((low !== null && probe < low) || (high !== null && probe > high)) return { min: show(low), max: show(high) };
  return null;
}

/** {error key: params} for each value a plausibility rule refuses. */
function breaches(rule, data, today) {
  const value = data[rule.field];
  /** @type {Record<string, any>} */
  const out = {};
  if (rule.kind === "range" && rule.item) {
    (Array.isArray(value) ? value : []).forEach((item, i) => {
      const p = item && typeof item === "object" ? rangeBreach(rule, item[rule.item], today) : null;
      if (p) out[`${rule.field}.${i}.${rule.item}`] = p;
    });
    return out;
  }
  let params = null;
  if (rule.kind === "range") params = rangeBreach(rule, value, today);
  else if (rule.kind === "year_in_period") {
    const match = PERIOD_YEARS.exec(String(data[rule.other] ?? ""));
    if (match && isInt(value) && !(Number(match[1]) <= value && value <= Number(match[2]))) {
      params = { min: Number(match[1]), max: Number(match[2]) };
    }
  } else if (rule.kind === "date_by_year") {
    const year = data[rule.other];
    const day = dayOf(value);
    if (day && isInt(year) && year >= 1 && year <= 9999) {
      const last = `${String(year).padStart(4, "0")}-12-31`;
      if (day > last) params = { max: show(last) };
    }
  } else if (rule.kind === "at_most_times") {
    const planned = data[rule.other];
    const limit = isInt(planned) && planned >= 1 ? planned * rule.factor : null;
    if (limit !== null && isInt(value) && value > limit) params = { min: 0, max: limit, factor: rule.factor };
  }
  if (params) out[rule.field] = params;
  return out;
}

/**
 * A plausibility message in the current language, worded as the server words it.
 * @param {string} code @param {Record<string, any>} params
 * @returns {string}
 */
export function plausibleMessage(code, params) {
  const [vi, en] = RECORD_REGISTRY.messages[code];
  return (getLang() === "en" ? en : vi).replace(/\{(\w+)\}/g, (_, k) => String(params[k]));
}

/**
 * The plausibility rules a record breaks: {error key: {code, params}}. With `touched`, only
 * rules involving a field the write sets bind, as on the server (PROTOCOL.md §3.5).
 * @param {string} table @param {Record<string, any>} record
 * @param {{touched?: string[] | null, today?: string}} [options]
 * @returns {Record<string, {code: string, params: Record<string, any>}>}
 */
export function plausibleErrors(table, record, options = {}) {
  const touched = options.touched ? new Set(options.touched) : null;
  const today = options.today || todayInVietnam();
  /** @type {Record<string, {code: string, params: Record<string, any>}>} */
  const out = {};
  for (const rule of CREATE[table]["x-plausible"] || []) {
    if (touched && !touched.has(rule.field) && !touched.has(rule.other)) continue;
    if (Object.keys(out).some((key) => key === rule.field || key.startsWith(`${rule.field}.`))) continue;
    for (const [key, params] of Object.entries(breaches(rule, record, today))) out[key] = { code: rule.code, params };
  }
  return out;
}

/**
 * Validate a complete record of a table as the server does. Returns {field: message}.
 * @param {string} table @param {Record<string, any>} record
 * @param {{touched?: string[] | null}} [options] the fields an edit sets (all when absent)
 */
export function validateRecord(table, record, options = {}) {
  const e = new Errors();
  checkObject(e, "", record, CREATE[table]);
  // As on the server, values are judged plausible only once every field is well formed.
  if (!e.ok) return e.map;
  for (const [key, { code, params }] of Object.entries(plausibleErrors(table, record, options))) {
    e.add(key, plausibleMessage(code, params));
  }
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

// --- the review workflow (generated from sync/workflow.py and server/scope.py) ---

const WORKFLOW = RECORD_REGISTRY.workflow;

/** Roles that may create and edit records. @type {string[]} */
export const WRITER_ROLES = WORKFLOW.writer_roles;
/** Roles that may approve and return records. @type {string[]} */
export const REVIEWER_ROLES = WORKFLOW.reviewer_roles;

/** @type {Record<string, {sources: string[], target: string, byReviewer: boolean, needsComment: boolean}>} */
export const STEPS = WORKFLOW.steps;

/** Statuses in which a record's own fields may not be edited. @type {string[]} */
export const LOCKED = WORKFLOW.locked;

/** Tell whether it is this user's level that approves next (multi-level approval). */
export function approvalTurn(record, user) {
  const awaiting = record.awaiting_unit_id ?? null;
  // Only an administrator at the root of the tree is national; one of a province approves at
  // its own level like the province's reviewers (server: User.is_admin).
  const atRoot = String((user.unit && user.unit.path) || "").split("/").filter(Boolean).length === 1;
  const national = (user.roles || []).includes("QUAN_TRI") && atRoot;
  return awaiting === null || national || awaiting === (user.unit && user.unit.id);
}

/** Workflow steps this user may take on this record now. */
export function availableSteps(record, user) {
  const roles = user.roles || [];
  const writer = roles.some((r) => WRITER_ROLES.includes(r));
  const reviewer = roles.some((r) => REVIEWER_ROLES.includes(r));
  const status = record.review_status || "NHAP";
  // Nor on a version they edited since its submit (the server answers REVIEW_OWN_WORK).
  const since = Date.parse(record.submitted_at || "");
  const edited = record.updated_by_id === user.id && Date.parse(record.updated_at || "") > since;
  const own = record.created_by_id == null || record.created_by_id === user.id || edited;
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
