// How record values read on screen: enum labels, dates, numbers, units, lists.

import { formatDate, formatInstant, formatLocalDateTime, formatNumber } from "../i18n/format.js";
import { enumLabel, getLang, t } from "../i18n/labels.js";

/** field name -> enum name */
export const ENUM_OF = {
  kind: "model_kind", subject_type: "subject_type", field: "field", status: "model_status",
  period: "period", person_gender: "gender", type: "meeting_type", format: "meeting_format",
  report_period: "report_period", review_status: "review_status", role: "attendee_role",
  attendance: "attendance", gender: "gender",
};
const UNIT_FIELDS = new Set(["owner_unit_id", "commune_unit_id", "organizer_unit_id"]);
const PART_OF_DAY = { SANG: ["Sáng", "Morning"], CHIEU: ["Chiều", "Afternoon"], TOI: ["Tối", "Evening"], CA_NGAY: ["Cả ngày", "All day"] };

export function partOfDayOptions() {
  return Object.entries(PART_OF_DAY).map(([code, pair]) => [code, pair[getLang() === "en" ? 1 : 0]]);
}

/**
 * A value as text for people.
 * @param {string} name field name
 * @param {any} value
 * @param {{unit?: (id: number) => any}} [ctx]
 */
export function displayValue(name, value, ctx = {}) {
  if (value === null || value === undefined || value === "" || (Array.isArray(value) && !value.length)) {
    return t("empty_value");
  }
  if (ENUM_OF[name]) return enumLabel(ENUM_OF[name], value);
  if (name === "part_of_day") return (PART_OF_DAY[value] || [value])[getLang() === "en" ? 1 : 0] || value;
  if (UNIT_FIELDS.has(name)) {
    const unit = ctx.unit && ctx.unit(value);
    return unit ? unit.name : `#${value}`;
  }
  if (name === "start_date") return formatDate(value);
  if (name === "start_at" || name === "end_at") return formatLocalDateTime(value);
  if (["created_at", "updated_at", "reviewed_at", "at"].includes(name)) return formatInstant(value);
  if (name === "topic_tags") return value.map((v) => enumLabel("topic_tag", v)).join(", ");
  if (name === "audience") return value.map((v) => enumLabel("audience", v)).join(", ");
  if (name === "metrics") return value.map((m) => `${m.metric}: ${formatNumber(m.value, getLang())} ${m.unit || ""}`.trim()).join("; ");
  if (name === "attendees") {
    return value.map((a) => [a.full_name, enumLabel("attendee_role", a.role)].filter(Boolean).join(" — ")).join("; ");
  }
  if (name === "sites") return value.map((s) => s.name).join("; ");
  if (typeof value === "boolean") return value ? "✓" : "✗";
  if (typeof value === "number" && !/year/.test(name)) return formatNumber(value, getLang());
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

/** The title of a record of either table. */
export function recordTitle(table, rec) {
  return (table === "models" ? rec.name : rec.title) || "—";
}
