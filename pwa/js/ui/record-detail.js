// One record: review status, the reviewer's comment, sync state and errors, fields, workflow
// buttons (queued offline like every change), and the server's history when online.

import { EV, on } from "../events.js";
import { eventTimeText, LABEL_KEYS, t } from "../i18n/labels.js";
import { highestRecognition } from "../lib/recognition.js";
import { availableSteps, canEdit, STEPS, WIRE_FIELDS } from "../lib/record-rules.js";
import { deleteRecord, reviewRecord } from "../store/records.js";
import { history as fetchHistory } from "../sync/http.js";
import { attendanceLine } from "./attendees.js";
import { evaluationCard, modelEvaluations } from "./evaluation-views.js";
import {
  clockFlag, confirmDialog, displayValue, h, joined, promptDialog, recordTitle, replace, reviewBadge, reviewComment,
  reworkFlag, syncBadge,
} from "./dom.js";
import { attachmentsView, placeView } from "./photos.js";

// Shown apart: the title, lists, an evaluation's scores, the place and the files.
const HIDDEN = new Set(["id", "owner_unit_id", "name", "title", "attendees", "metrics", "model_id", "set_id", "scores",
  "geo_lat", "geo_lon", "geo_accuracy", "attachments", "files_received"]);

export function render(ctx, { table, id }) {
  const node = h("section", { class: "screen screen-detail" });
  const historyBox = h("div", { class: "history" });
  const unit = (uid) => ctx.index.unit(uid);
  // References to other records read as their titles when the phone holds them.
  const REFERS = { subject_model_id: "models", target_model_ids: "models", event_meeting_id: "meetings" };
  const record = (field, refId) => {
    const other = ctx.index.get(REFERS[field], refId);
    return other ? recordTitle(REFERS[field], other) : null;
  };

  function draw() {
    const rec = ctx.index.get(table, id);
    if (!rec) {
      replace(node, h("p", { text: t("not_found") }));
      return;
    }
    const state = ctx.index.stateOf(table, rec);
    const conflicts = ctx.index.conflicts.get(`${table}:${id}`) || [];
    const error = rec._local && rec._local.error;
    const steps = rec.deleted ? [] : availableSteps(rec, ctx.user);
    const fields = WIRE_FIELDS[table].filter((f) => !HIDDEN.has(f) && rec[f] !== undefined && rec[f] !== null
      && rec[f] !== "" && !(Array.isArray(rec[f]) && !rec[f].length));
    replace(node,
      h("h2", { class: "screen-title detail-title", dir: "auto", text: recordTitle(table, rec) }),
      h("div", { class: "row-badges" },
        reviewBadge(rec.review_status), syncBadge(state),
        rec.review_status === "TRA_LAI" ? reworkFlag() : "",
        rec.deleted ? h("span", { class: "badge", text: t("deleted_record") }) : ""),
      reviewComment(rec),
      error ? h("div", { class: "card alert alert-error", role: "alert", "data-testid": "sync-error" },
        h("p", { class: "alert-title", text: t("st_LOI") }),
        h("p", { text: error.message || error.code }),
        fieldErrors(error)) : "",
      conflicts.length ? h("a", { class: "card alert alert-conflict", href: "#/conflicts" }, t("conflicts_n", { n: conflicts.length })) : "",
      h("div", { class: "actions" },
        canEdit(rec, ctx.user) ? h("a", { class: "btn btn-primary", href: `#/${table}/${id}/edit`, "data-action": "edit" }, t("edit")) : "",
        steps.map((action) => h("button", { type: "button", class: `btn ${action === "approve" ? "btn-primary" : ""}`, "data-action": action,
          onclick: () => step(rec, action) }, t(action === "cancel" ? "cancel_record" : action)))),
      h("dl", { class: "fields" }, fields.flatMap((f) => [
        h("dt", { text: t(table === "inspections" && f === "kind" ? "f_inspection_kind" : `f_${f}`) }),
        h("dd", { dir: "auto", text: displayValue(f, rec[f], { unit, table, record }) }),
      ])),
      table === "models" ? recognitionCard(ctx, rec) : "",
      table === "evaluations" ? evaluationCard(ctx, rec) : "",
      table === "models" && !rec.deleted ? modelEvaluations(ctx, rec) : "",
      placeView(rec),
      attachmentsView(ctx, table, rec, { own: true }),
      table === "models" && (rec.metrics || []).length ? h("div", { class: "card" },
        h("p", { class: "label", text: t("f_metrics") }),
        h("ul", { class: "plain-list" }, rec.metrics.map((m) => h("li", { dir: "auto", text: displayValue("metrics", [m]) })))) : "",
      table === "meetings" && ((rec.attendees || []).length || rec.unnamed_count) ? h("div", { class: "card" },
        h("p", { class: "label", text: `${t("f_attendees")} (${(rec.attendees || []).length})` }),
        attendanceLine(rec),
        h("ul", { class: "plain-list attendees" }, (rec.attendees || []).map((a) => h("li", null,
          h("span", { class: "strong", dir: "auto", text: a.full_name || "—" }),
          h("span", { class: "small" }, joined([a.position, a.org_name, displayValue("role", a.role), displayValue("attendance", a.attendance), a.absent_reason])))))) : "",
      h("div", { class: "card" },
        h("button", { type: "button", class: "btn btn-block", "data-action": "history", onclick: loadHistory }, t("history")),
        historyBox),
      canEdit(rec, ctx.user) && !rec.deleted ? h("button", { type: "button", class: "btn btn-danger btn-block", "data-action": "delete", onclick: () => remove() }, t("delete")) : "");
  }

  async function step(rec, action) {
    let comment;
    if (STEPS[action].needsComment) {
      comment = await promptDialog({ title: t(action), label: t("return_reason"), required: true, ok: t(action) });
      if (comment === null) return;
    } else if (!(await confirmDialog(`${t(action === "cancel" ? "cancel_record" : action)}: ${recordTitle(table, rec)}?`))) {
      return;
    }
    await reviewRecord(table, id, action, comment);
    ctx.toast(t("review_queued"));
  }

  async function remove() {
    if (!(await confirmDialog(t("confirm_delete"), { ok: t("delete"), danger: true }))) return;
    await deleteRecord(table, id);
    ctx.navigate(`#/${table}`, { replace: true });
  }

  async function loadHistory() {
    if (!navigator.onLine || !ctx.session.token) {
      replace(historyBox, h("p", { class: "small", text: t("history_offline") }));
      return;
    }
    replace(historyBox, h("p", { class: "small", text: "…" }));
    try {
      const events = await fetchHistory(ctx.session.token, table, id);
      replace(historyBox, events.length ? h("ol", { class: "plain-list history-list" }, events.map((e) => h("li", null,
        h("span", { class: "strong", "data-testid": "event-time", text: `${eventTimeText(e)} — ${e.user_name || ""}` }),
        clockFlag(e),
        h("span", { class: "small" }, joined([historyAction(e.action), e.comment], ": ")),
        changedFields(e)))) : h("p", { class: "small", text: t("history_empty") }));
    } catch (err) {
      replace(historyBox, h("p", { class: "small", text: /** @type {Error} */ (err).message || t("network_error") }));
    }
  }

  draw();
  const stop = on(EV.INDEX_CHANGED, () => draw());
  return { node, dispose: stop };
}

function historyAction(action) {
  const key = { create: "op_create", update: "op_put", delete: "op_delete", conflict: "st_XUNG_DOT", resolve: "op_resolve" }[action];
  if (key) return t(key);
  return STEPS[action] ? t(action === "cancel" ? "cancel_record" : action) : action;
}

function changedFields(event) {
  const after = event.after && typeof event.after === "object" ? Object.keys(event.after) : [];
  const labels = after.filter((f) => LABEL_KEYS.includes(`f_${f}`)).map((f) => t(`f_${f}`));
  if (!labels.length) return "";
  return h("span", { class: "small muted", text: labels.join(", ") });
}

/** The server's per-field messages under a refused change. */
function fieldErrors(error) {
  const fields = error.details && error.details.fields;
  if (!fields || typeof fields !== "object") return "";
  const items = [];
  const walk = (value, path) => {
    if (Array.isArray(value)) items.push(`${path}: ${value.join(" ")}`);
    else if (value && typeof value === "object") for (const [k, v] of Object.entries(value)) walk(v, path ? `${path}.${k}` : k);
  };
  walk(fields, "");
  return h("ul", { class: "plain-list small" }, items.map((text) => {
    const [field, ...rest] = text.split(": ");
    const top = field.split(".")[0];
    return h("li", { text: `${t(`f_${top}`)}${field.includes(".") ? ` (${field.slice(top.length + 1)})` : ""}: ${rest.join(": ")}` });
  }));
}

/** A model's recognitions on the phone, the highest first in bold, and a way to add one. */
function recognitionCard(ctx, model) {
  const mine = ctx.index.tables.recognitions.all().map((item) => item.rec).filter((r) => r.subject_model_id === model.id);
  const top = highestRecognition(mine);
  const ordered = top ? [top, ...mine.filter((r) => r !== top)] : [];
  return h("div", { class: "card", "data-testid": "recognitions" },
    h("p", { class: "label", text: t("recognitions_of_model") }),
    ordered.length ? h("ul", { class: "plain-list" }, ordered.map((r) => h("li", null,
      h("a", { href: `#/recognitions/${r.id}`, class: r === top ? "strong" : null, dir: "auto" },
        joined([recordTitle("recognitions", r), displayValue("form", r.form), r.issuer, displayValue("decision_date", r.decision_date)])))))
      : h("p", { class: "small", text: t("empty_value") }),
    ctx.canWrite ? h("a", { class: "btn btn-small", href: `#/recognitions/new?model=${model.id}`, "data-action": "add-recognition" }, `+ ${t("add_recognition")}`) : "");
}
