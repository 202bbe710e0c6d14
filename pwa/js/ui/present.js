// How things read on screen: badges, sync-state words, record values.

import { enumLabel, formatDate, formatInstant, formatLocalDateTime, formatNumber, getLang, t } from "../i18n/labels.js";
import { h } from "./dom.js";

// Small status badges: review status, sync state, the rework flag.

/** @param {string} status review_status code */
export function reviewBadge(status) {
  const code = status || "NHAP";
  return h("span", { class: `badge review-${code}`, "data-review": code }, enumLabel("review_status", code));
}

/** @param {string} state sync state code */
export function syncBadge(state) {
  return h("span", { class: `badge sync-${state}`, "data-sync": state }, t(`st_${state}`));
}

/** The flag on a record returned for rework. */
export function reworkFlag() {
  return h("span", { class: "badge rework", "data-rework": "1" }, `⚑ ${t("needs_rework")}`);
}

// The words for the sync state, used by the header chip and the home card.

/**
 * @param {import("../sync/engine.js").SyncStatus} status
 * @param {number} pending outbox size as the index knows it
 * @returns {{text: string, tone: "ok"|"pending"|"busy"|"offline"|"error"}}
 */
export function statusText(status, pending) {
  const online = navigator.onLine;
  if (!online || status.phase === "offline") return { text: t("offline"), tone: "offline" };
  if (status.phase === "syncing") return { text: t("syncing"), tone: "busy" };
  if (status.phase === "signed_out") return { text: t("signed_out_remotely"), tone: "error" };
  if (status.phase === "update_required") return { text: t("update_app"), tone: "error" };
  if (status.phase === "error") return { text: t("sync_error_retry"), tone: "error" };
  if (pending > 0) return { text: t("pending_n", { n: pending }), tone: "pending" };
  return { text: t("synced"), tone: "ok" };
}

/** "Lần đồng bộ gần nhất: dd/mm/yyyy hh:mm" or "Chưa đồng bộ lần nào". */
export function lastSyncText(lastSyncAt) {
  return lastSyncAt ? t("last_sync", { at: formatInstant(lastSyncAt) }) : t("never_synced");
}

// How record values read on screen: enum labels, dates, numbers, units, lists.

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
