// How records, badges and sync states read on screen; with the DOM helpers of dom-core.js.

import {
  clockFlagText, enumLabel, formatDate, formatInstant, formatLocalDateTime, formatNumber, getLang, t,
} from "../i18n/labels.js";
import { h } from "./dom-core.js";

export * from "./dom-core.js";

// --- how things read on screen ---

export function reviewBadge(status) {
  const code = status || "NHAP";
  return h("span", { class: `badge review-${code}`, "data-review": code }, enumLabel("review_status", code));
}

export function syncBadge(state) {
  return h("span", { class: `badge sync-${state}`, "data-sync": state }, t(`st_${state}`));
}

/** The flag on a record returned for rework. */
export function reworkFlag() {
  return h("span", { class: "badge rework", "data-rework": "1" }, `⚑ ${t("needs_rework")}`);
}

export function statusText(status, pending) {
  const online = navigator.onLine;
  if (!online || status.phase === "offline") return { text: t("offline"), tone: "offline" };
  if (status.phase === "syncing") return { text: t("syncing"), tone: "busy" };
  if (status.phase === "signed_out") return { text: t("signed_out_remotely"), tone: "error" };
  if (status.phase === "update_required") return { text: t("update_app"), tone: "error" };
  if (status.phase === "error") return { text: t("sync_error_retry"), tone: "error" };
  if (pending > 0) return { text: t("pending_n", { n: pending }), tone: "pending" };
  // pending counts records with unsent changes, not the outbox's internal steps
  return { text: t("synced"), tone: "ok" };
}

/**
 * The reviewer's comment on a record, as its current state makes it: the reason to rework while
 * returned, the decision once approved, and only history after the officer sent it again.
 */
export function reviewComment(rec) {
  if (!rec.review_comment) return "";
  const returned = rec.review_status === "TRA_LAI";
  // A comment older than the latest submission belongs to an earlier round.
  const earlier = !returned && rec.submitted_at && rec.reviewed_at && rec.submitted_at > rec.reviewed_at;
  const label = returned ? "return_reason" : earlier ? "earlier_comment" : "leader_comment";
  const tone = returned ? " alert-rework" : earlier ? " comment-history" : "";
  return h("div", { class: `card comment${tone}`, "data-testid": "review-comment", "data-round": earlier ? "earlier" : "current" },
    h("p", { class: "label", text: t(label) }),
    h("p", { class: "comment-text", dir: "auto", text: rec.review_comment }),
    h("p", { class: "small", text: t("reviewed_by", { name: rec.reviewed_by_name || "", at: formatInstant(rec.reviewed_at) }) }));
}

/** Why the last sync failed and when the next try is, in the user's language; [] when it did not. */
export function syncErrorLines(status) {
  if (status.phase !== "error") return [];
  let why;
  if (status.errorCode === "CLIENT") why = t("sync_err_local");
  else if (!status.httpStatus) why = t("sync_err_network");
  else if (status.httpStatus >= 500 || !status.message) why = t("sync_err_server");
  else why = status.message;
  const lines = [why];
  if (status.retryAt) lines.push(t("sync_next_try", { at: formatInstant(status.retryAt).slice(-5) }));
  return lines;
}

/** "N bản ghi có thay đổi chờ gửi" for the sync card, or "" with nothing waiting. */
export function pendingText(index) {
  const n = index.pendingRecords();
  return n ? t("pending_records_n", { n }) : "";
}

/** "Lần đồng bộ gần nhất: dd/mm/yyyy hh:mm" or "Chưa đồng bộ lần nào". */
export function lastSyncText(lastSyncAt) {
  return lastSyncAt ? t("last_sync", { at: formatInstant(lastSyncAt) }) : t("never_synced");
}

/** field name -> enum name */
export const ENUM_OF = {
  kind: "model_kind", subject_type: "subject_type", field: "field", status: "model_status",
  period: "period", person_gender: "gender", type: "meeting_type", format: "meeting_format",
  report_period: "report_period", review_status: "review_status", role: "attendee_role",
  attendance: "attendance", gender: "gender", rating: "rating", proposal: "proposal",
  stage: "recognition_stage", level: "recognition_level", form: "recognition_form", result: "inspection_result",
};
// Fields whose name another table uses for another enum.
const TABLE_ENUMS = { inspections: { kind: "inspection_kind" } };
const UNIT_FIELDS = new Set(["owner_unit_id", "commune_unit_id", "organizer_unit_id", "conducting_unit_id"]);
const DATE_FIELDS = new Set(["start_date", "eval_date", "decision_date", "date_from", "date_to", "follow_up_due"]);
const PART_OF_DAY = { SANG: ["Sáng", "Morning"], CHIEU: ["Chiều", "Afternoon"], TOI: ["Tối", "Evening"], CA_NGAY: ["Cả ngày", "All day"] };

/** Parts of the day as select options, in the current language. @returns {[string, string][]} */
export function partOfDayOptions() {
  return Object.entries(PART_OF_DAY).map(([code, pair]) => /** @type {[string, string]} */ ([code, pair[getLang() === "en" ? 1 : 0]]));
}

/** A value as text for people. */
export function displayValue(name, value, ctx = {}) {
  if (value === null || value === undefined || value === "" || (Array.isArray(value) && !value.length)) {
    return t("empty_value");
  }
  const own = ctx.table && TABLE_ENUMS[ctx.table] && TABLE_ENUMS[ctx.table][name];
  if (own) return enumLabel(own, value);
  if (ENUM_OF[name]) return enumLabel(ENUM_OF[name], value);
  if (name === "target_unit_ids") return value.map((id) => (ctx.unit && ctx.unit(id) ? ctx.unit(id).name : `#${id}`)).join("; ");
  if (["subject_model_id", "event_meeting_id", "target_model_ids"].includes(name)) {
    const titles = [].concat(value).map((id) => (ctx.record && ctx.record(name, id)) || id);
    return titles.join("; ");
  }
  if (name === "team_members" || name === "other_targets") return value.join("; ");
  if (name === "part_of_day") return (PART_OF_DAY[value] || [value])[getLang() === "en" ? 1 : 0] || value;
  if (UNIT_FIELDS.has(name)) {
    const unit = ctx.unit && ctx.unit(value);
    if (!unit) return `#${value}`;
    return unit.valid_to ? `${unit.name} ${t("unit_old")}` : unit.name;
  }
  if (DATE_FIELDS.has(name)) return formatDate(value);
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
  if (table === "recognitions") {
    return [enumLabel("recognition_stage", rec.stage), enumLabel("recognition_level", rec.level), rec.decision_no].filter(Boolean).join(" · ") || "—";
  }
  if (table === "inspections") return rec.subject || "—";
  if (table === "evaluations") return t("evaluation_title", { date: rec.eval_date ? formatDate(rec.eval_date) : "—" });
  return (table === "models" ? rec.name : rec.title) || "—";
}

/** A history event's clock warning, or "" when the device's clock was believed. */
export function clockFlag(event) {
  const text = clockFlagText(event.clock_flag);
  return text ? h("span", { class: "small clock-flag", "data-clock-flag": event.clock_flag, text: `⚠ ${text}` }) : "";
}
