// What the report and dashboard screens ask the server (server/reports/schemas.py), as pure
// code: periods as the server names them (server/reports/periods.py: NAM_2024, 6THANG_DAU_2024,
// 6THANG_CUOI_2024, GD_2021_2025), made here rather than fetched, one round trip less before a
// report; the query strings; and a report cell as text.

import { formatDate, formatInstant, formatNumber } from "../i18n/labels.js";

const FIRST_YEAR = 2016; // the first phase the movement's records use (GD_2016_2020)
const PHASE_YEARS = 5;

/** The periods a picker offers on `today`: phases, then each year with its halves, newest first. */
export function periodChoices(today = new Date()) {
  const now = today.getFullYear();
  const phases = [];
  for (let first = FIRST_YEAR; first <= now; first += PHASE_YEARS) phases.unshift(`GD_${first}_${first + PHASE_YEARS - 1}`);
  const years = [];
  for (let year = now; year >= FIRST_YEAR; year -= 1) years.push(`NAM_${year}`, `6THANG_CUOI_${year}`, `6THANG_DAU_${year}`);
  return [...phases, ...years];
}

/** The period of today's year, the reports' default. */
export function currentYear(today = new Date()) {
  return `NAM_${today.getFullYear()}`;
}

/**
 * A period code as a label key and its values ({key: "period_year", values: {y: 2024}}), or
 * null for a code the server may know but this app does not.
 */
export function periodLabel(code) {
  let m = /^NAM_(\d{4})$/.exec(code || "");
  if (m) return { key: "period_year", values: { y: m[1] } };
  m = /^6THANG_(DAU|CUOI)_(\d{4})$/.exec(code || "");
  if (m) return { key: m[1] === "DAU" ? "period_half1" : "period_half2", values: { y: m[2] } };
  m = /^GD_(\d{4})_(\d{4})$/.exec(code || "");
  if (m) return { key: "period_phase", values: { a: m[1], b: m[2] } };
  return null;
}

export const REPORTS = ["r1", "r2", "r3", "r4", "r4/list", "r5", "r6", "r7"];
const LISTS = ["r3", "r4/list"];
// The reports that count models either by managing unit or by commune (`by`).
export const GROUPED = ["r1", "r3"];
// Rows per page of a list report: a page of a province's models stays a few tens of KB.
export const PER_PAGE = 50;

/**
 * A report's query string.
 * @param {{code: string, period: string, from?: string, to?: string, unit?: string,
 *   approved: boolean, boundaries?: string, by?: string, field?: string, type?: string,
 *   page?: number}} s
 * @param {"json"|"xlsx"|"csv"|"html"} format
 */
export function reportQuery(s, format = "json") {
  const params = new URLSearchParams();
  if (s.unit) params.set("unit_id", s.unit);
  if (s.period === "dates") {
    params.set("date_from", s.from || "");
    params.set("date_to", s.to || "");
  } else if (s.period) params.set("period", s.period);
  // R7 counts every review status: its query has no records filter.
  if (s.code !== "r7") params.set("records", s.approved ? "approved" : "all");
  if (s.boundaries) params.set("boundaries", s.boundaries);
  if (GROUPED.includes(s.code) && s.by) params.set("by", s.by);
  if (s.code === "r3" && s.field) params.set("field", s.field);
  if (s.code === "r4/list" && s.type) params.set("type", s.type);
  if (LISTS.includes(s.code) && format === "json") {
    params.set("page", String(s.page || 1));
    params.set("per_page", String(PER_PAGE));
  }
  if (format !== "json") params.set("format", format);
  return params.toString();
}

/**
 * The periodic report's query string: a unit, a period, which records, which boundaries; the
 * server always answers with a .docx.
 * @param {{period: string, from?: string, to?: string, unit?: string, approved: boolean,
 *   boundaries?: string}} s
 */
export function periodicQuery(s) {
  const params = new URLSearchParams();
  if (s.unit) params.set("unit_id", s.unit);
  if (s.period === "dates") {
    params.set("date_from", s.from || "");
    params.set("date_to", s.to || "");
  } else if (s.period) params.set("period", s.period);
  params.set("records", s.approved ? "approved" : "all");
  if (s.boundaries) params.set("boundaries", s.boundaries);
  return params.toString();
}

/** The dashboard's query string (a report's, always JSON). */
export function dashboardQuery({ unit, period, approved }) {
  const params = new URLSearchParams();
  if (unit) params.set("unit_id", String(unit));
  if (period) params.set("period", period);
  params.set("records", approved ? "approved" : "all");
  return params.toString();
}

/**
 * Tell whether a summary row reports nothing: every count is zero (or blank).
 * @param {{key: string, kind: string}[]} columns
 * @param {Record<string, any>} row
 */
export function allZero(columns, row) {
  return columns.filter((c) => c.kind === "int" || c.kind === "signed").every((c) => !row[c.key]);
}

/** A report cell as text by its column's kind: numbers the Vietnamese way, dates dd/mm/yyyy. */
export function cellText(kind, value, lang = "vi") {
  if (value === null || value === undefined) return "";
  if (kind === "int" || kind === "stt") return formatNumber(value, lang);
  // R2's ratio: one decimal, written the reader's way (87,3 in Vietnamese).
  if (kind === "percent") return formatNumber(Number(value).toFixed(1), lang);
  if (kind === "signed") return `${value > 0 ? "+" : ""}${formatNumber(value, lang)}`;
  if (kind === "date") return formatDate(value);
  if (kind === "datetime") return formatInstant(value);
  return String(value);
}
