// A record as the reviewer sees it: every field, where it stands in the approval chain, its open
// conflicts (keep or restore), the decision (approve, or return with a reason — queued offline
// like every change) and, when online, the history of versions field by field.

import { EV, on } from "../events.js";
import { enumLabel, eventTimeText, formatInstant, formatNumber, getLang, LABEL_KEYS, t } from "../i18n/labels.js";
import { STEPS, WIRE_FIELDS } from "../lib/record-rules.js";
import { decision, diffEvent, waitingDays } from "../lib/review-rules.js";
import { resolveConflict, reviewRecord } from "../store/records.js";
import { history as fetchHistory } from "../sync/http.js";
import { attendanceLine } from "./attendees.js";
import { evaluationCard } from "./evaluation-views.js";
import {
  clockFlag, confirmDialog, displayValue, h, joined, promptDialog, recordTitle, replace, reviewBadge, reviewComment,
  syncBadge,
} from "./dom.js";
import { attachmentsView, placeView } from "./photos.js";
import { subnav } from "./staff-nav.js";

// Shown apart (title, lists) or meaningless to people (ids, coordinates).
const HIDDEN = new Set(["id", "name", "title", "attendees", "metrics", "geo_lat", "geo_lon", "geo_accuracy",
  "replicated_from_id", "co_organizer_ids", "linked_model_ids", "model_id", "set_id", "scores",
  "attachments", "files_received"]);
const UNIT_VALUES = new Set(["awaiting_unit_id"]);
// A collective has no person's details, an individual no collective's name.
const NOT_FOR = { TAP_THE: /^person_/, CA_NHAN: /^collective_name$/ };
const ACTION_LABEL = {
  create: "op_create", update: "op_put", delete: "op_delete", conflict: "st_XUNG_DOT", resolve: "op_resolve",
  cancel: "cancel_record",
};

/** A field's label, or its name when it has none. */
export function fieldLabel(name) {
  return LABEL_KEYS.includes(`f_${name}`) ? t(`f_${name}`) : name;
}

export function actionLabel(action) {
  if (ACTION_LABEL[action]) return t(ACTION_LABEL[action]);
  return STEPS[action] ? t(action) : action;
}

export function render(ctx, { table, id, back = "#/review" }) {
  const { index, user } = ctx;
  const node = h("section", { class: "screen screen-wide screen-review" });
  const historyBox = h("div", { class: "history", "data-testid": "history" });
  const unitName = (uid) => (index.unit(uid) || { name: `#${uid}` }).name;
  const approval = (a) => t("approved_level", { unit: unitName(a.unit_id), name: a.by_name || "", at: formatInstant(a.at) });
  const show = (name, value) => {
    if (UNIT_VALUES.has(name) && value != null) return unitName(value);
    if (name === "approvals" && Array.isArray(value)) return value.length ? value.map(approval).join("; ") : t("empty_value");
    return displayValue(name, value, { unit: (u) => index.unit(u) });
  };
  let historyVersion = -1;
  /** @type {any[]|null} the loaded history, oldest first: who wrote since the submit */
  let events = null;

  function draw() {
    const rec = index.get(table, id);
    if (!rec) {
      replace(node, subnav(ctx, "review"), h("p", { class: "empty", text: t("not_found") }));
      return;
    }
    const key = `${table}:${id}`;
    // A version this reviewer edited since its submit is not theirs to decide (REVIEW_OWN_WORK).
    const edited = (index.pending.get(`${table}:${id}`) || []).some((e) => e.op === "put");
    const d = decision(rec, user, historyVersion === rec.version ? events : null);
    if (edited && rec.review_status === "CHO_DUYET") Object.assign(d, { own: true, edited: true, approve: false, return: false });
    const conflicts = index.conflicts.get(key) || [];
    const queued = (index.pending.get(key) || []).some((e) => e.op === "review");
    const days = waitingDays(rec);
    const skip = NOT_FOR[rec.subject_type] || /^$/;
    const fields = WIRE_FIELDS[table].filter((f) => !HIDDEN.has(f) && !skip.test(f));
    replace(node,
      subnav(ctx, "review"),
      h("a", { class: "back-link", href: back, "data-action": "back" }, `← ${t("review_queue")}`),
      h("h2", { class: "screen-title detail-title", dir: "auto", text: recordTitle(table, rec) }),
      h("div", { class: "row-badges" }, reviewBadge(rec.review_status), syncBadge(index.stateOf(table, rec)),
        h("span", { class: "small", text: t("version_n", { n: rec.version || 0 }) })),
      h("div", { class: "card decision", "data-testid": "decision" },
        h("p", { class: "label", text: t("decision_title") }),
        rec.review_status === "CHO_DUYET" ? h("p", { class: "small", text: [
          t("submitted_at", { at: formatInstant(rec.submitted_at || rec.updated_at) }),
          days !== null && days >= 1 ? t("waiting_days", { n: formatNumber(Math.floor(days), getLang()) }) : "",
        ].filter(Boolean).join(" · ") }) : "",
        (rec.approvals || []).map((a) => h("p", { class: "small approval", "data-testid": "approval", text: approval(a) })),
        rec.reviewed_at && rec.review_status !== "CHO_DUYET" ? h("p", { class: "small", "data-testid": "decided",
          text: `${enumLabel("review_status", rec.review_status)} — ${rec.reviewed_by_name || ""} — ${formatInstant(rec.reviewed_at)}` }) : "",
        queued ? h("p", { class: "notice notice-warn", "data-testid": "step-queued", text: t("step_waiting") }) : "",
        rec.review_status === "CHO_DUYET" && d.own ? h("p", { class: "notice notice-warn", "data-testid": "own-record", text: t(d.edited ? "own_edit" : "own_record") }) : "",
        rec.review_status === "CHO_DUYET" && !d.own ? h("p", { class: "strong", "data-testid": "awaiting", text: d.turn ? t("your_turn") : t("awaiting_level", { unit: unitName(d.awaiting) }) }) : "",
        reviewComment(rec),
        d.approve || d.return ? h("div", { class: "actions" },
          d.approve ? h("button", { type: "button", class: "btn btn-primary", "data-action": "approve", onclick: () => step(rec, "approve") }, t("approve")) : "",
          d.return ? h("button", { type: "button", class: "btn", "data-action": "return", onclick: () => step(rec, "return") }, t("return")) : "") : ""),
      conflicts.length ? h("div", { class: "card alert alert-conflict" },
        h("p", { class: "alert-title", text: t("conflicts_n", { n: conflicts.length }) }),
        conflicts.map((c) => conflictRow(c))) : "",
      attachmentsView(ctx, table, rec),
      placeView(rec),
      h("h3", { class: "section-title", text: t("all_fields") }),
      h("dl", { class: "fields", "data-testid": "all-fields" }, fields.flatMap((f) => [
        h("dt", { text: fieldLabel(f) }),
        h("dd", { class: blank(rec[f]) ? "muted" : "", "data-field": f, dir: "auto", text: show(f, rec[f]) }),
      ])),
      table === "evaluations" ? evaluationCard(ctx, rec) : "",
      table === "models" && (rec.metrics || []).length ? h("div", { class: "card" },
        h("p", { class: "label", text: t("f_metrics") }),
        h("ul", { class: "plain-list" }, rec.metrics.map((m) => h("li", { dir: "auto", text: displayValue("metrics", [m]) })))) : "",
      table === "meetings" && ((rec.attendees || []).length || rec.unnamed_count) ? h("div", { class: "card" },
        h("p", { class: "label", text: `${t("f_attendees")} (${(rec.attendees || []).length})` }),
        attendanceLine(rec),
        h("ul", { class: "plain-list attendees" }, (rec.attendees || []).map((a) => h("li", null,
          h("span", { class: "strong", dir: "auto", text: a.full_name || "—" }),
          h("span", { class: "small" }, joined([a.position, a.org_name, displayValue("role", a.role), displayValue("attendance", a.attendance)])))))) : "",
      h("h3", { class: "section-title", text: t("history") }),
      historyBox);
    if (rec.version !== historyVersion) loadHistory(rec.version);
  }

  function conflictRow(c) {
    return h("div", { class: "conflict-row", "data-conflict": c.id, "data-field": c.field },
      h("p", { class: "small", text: t("conflict_explain", { field: fieldLabel(c.field) }) }),
      h("div", { class: "versus" },
        h("div", { class: "side side-theirs" }, h("p", { class: "label", text: t("server_value") }),
          h("p", { class: "value", text: show(c.field, c.kept_value) })),
        h("div", { class: "side side-mine" }, h("p", { class: "label", text: t("my_value") }),
          h("p", { class: "value", text: show(c.field, c.lost_value) }))),
      h("div", { class: "actions" },
        h("button", { type: "button", class: "btn", "data-action": "keep-theirs", onclick: () => resolveConflict(c.id, "KEEP_KEPT") }, t("keep_theirs")),
        c.reason === "SAME_FIELD" ? h("button", { type: "button", class: "btn btn-primary", "data-action": "keep-mine",
          onclick: () => resolveConflict(c.id, "RESTORE_LOST") }, t("conflict_keep_mine")) : ""));
  }

  async function step(rec, action) {
    let comment;
    if (action === "return") {
      comment = await promptDialog({ title: t("return"), label: t("return_reason"), required: true, ok: t("return") });
      if (comment === null) return;
    } else if (!(await confirmDialog(`${t("approve")}: ${recordTitle(table, rec)}?`, { ok: t("approve") }))) {
      return;
    }
    await reviewRecord(table, id, action, comment);
    ctx.toast(t("review_queued"));
    ctx.navigate(back, { replace: true });
  }

  async function loadHistory(version) {
    if (!navigator.onLine || !ctx.session.token) {
      historyVersion = -1;
      replace(historyBox, h("p", { class: "small", "data-testid": "history-offline", text: t("history_offline_net") }));
      return;
    }
    historyVersion = version;
    events = null;
    if (!historyBox.firstChild) replace(historyBox, h("p", { class: "small", text: t("loading") }));
    try {
      const loaded = await fetchHistory(ctx.session.token, table, id);
      if (historyVersion !== version) return;
      events = [...loaded].sort((a, b) => a.id - b.id);
      // The trail may show a write of this reviewer that the record's fields do not.
      draw();
      const list = [...loaded];
      replace(historyBox, list.length
        ? h("ol", { class: "plain-list history-list" }, list.map(eventItem))
        : h("p", { class: "small", text: t("history_empty") }));
    } catch (err) {
      historyVersion = -1;
      replace(historyBox, h("p", { class: "small", text: /** @type {Error} */ (err).message || t("network_error") }));
    }
  }

  function eventItem(e) {
    const changes = diffEvent(e);
    return h("li", { class: "history-item", "data-action": e.action },
      h("p", { class: "strong", text: `${actionLabel(e.action)} — ${e.user_name || ""}` }),
      h("p", { class: "small", "data-testid": "event-time", text: [eventTimeText(e), e.version ? t("version_n", { n: e.version }) : ""].filter(Boolean).join(" · ") }),
      clockFlag(e),
      e.comment ? h("p", { class: "comment-text", "data-testid": "history-comment", dir: "auto", text: e.comment }) : "",
      e.action === "create"
        ? h("details", null, h("summary", { text: t("history_initial", { n: changes.length }) }),
          h("dl", { class: "diff-initial" }, changes.flatMap((c) => [h("dt", { text: fieldLabel(c.field) }), h("dd", { text: show(c.field, c.after) })])))
        : h("ul", { class: "plain-list diff" }, changes.map((c) => h("li", { "data-field": c.field },
          h("span", { class: "diff-field", text: `${fieldLabel(c.field)}: ` }),
          h("del", { class: "diff-before", text: show(c.field, c.before) }),
          " → ",
          h("ins", { class: "diff-after", text: show(c.field, c.after) })))));
  }

  draw();
  const stops = [
    on(EV.INDEX_CHANGED, draw),
    on(EV.CONNECTIVITY, ({ online }) => {
      const rec = index.get(table, id);
      if (online && rec) loadHistory(rec.version);
      else if (!online) draw();
    }),
  ];
  return { node, dispose: () => stops.forEach((stop) => stop()) };
}

function blank(value) {
  return value === null || value === undefined || value === "" || (Array.isArray(value) && !value.length);
}
