// The recognition and inspection forms (DOMAIN.md §2.7–2.8): which model, stage, level, form and
// decision; which unit inspects whom, when, with what findings and follow-up. Offline like the
// model and meeting forms: the shared create/edit flow of forms.js.

import { t } from "../i18n/labels.js";
import { formSpecs, ownerOptions, recordForm } from "./forms.js";
import { h, recordTitle } from "./dom.js";
import { unitPicker } from "./unit-picker.js";

// Checkbox lists of models get long in a province: the most recent ones are offered.
const MAX_MODEL_CHOICES = 300;

let uid = 0;

/**
 * A text area giving a list of strings, one per line (team members, other organisations).
 * @param {{label: string, max?: number}} options
 * @returns {{node: HTMLElement, getValue: () => string[], setValue: (v: any) => void,
 *   showErrors: (e: Record<string, string>) => void}}
 */
export function linesWidget(options) {
  const id = `lines-${(uid += 1)}`;
  const area = /** @type {HTMLTextAreaElement} */ (h("textarea", { id, class: "input", rows: "3", "aria-describedby": `${id}-hint ${id}-err` }));
  const error = h("p", { class: "field-error", id: `${id}-err`, hidden: true });
  const node = h("div", { class: "field" },
    h("label", { for: id, text: options.label }),
    h("p", { class: "small", id: `${id}-hint`, text: t("lines_hint") }),
    area, error);
  return {
    node,
    getValue: () => area.value.split("\n").map((line) => line.trim()).filter(Boolean),
    setValue: (value) => {
      area.value = Array.isArray(value) ? value.join("\n") : String(value || "");
    },
    showErrors: (errors) => {
      const message = Object.values(errors)[0] || "";
      error.textContent = message;
      error.hidden = !message;
    },
  };
}

/** The phone's models as options, newest first. @returns {[string, string][]} */
function modelOptions(ctx) {
  return ctx.index.tables.models.all().slice(0, MAX_MODEL_CHOICES)
    .map(({ rec }) => /** @type {[string, string]} */ ([rec.id, recordTitle("models", rec)]));
}

// Record a recognition, selection as exemplary, proposal or commendation of a model.

export function renderRecognitionForm(ctx, params) {
  const meetings = () => ctx.index.tables.meetings.all()
    .map(({ rec }) => /** @type {[string, string]} */ ([rec.id, recordTitle("meetings", rec)]));
  const specs = formSpecs("recognitions", {
    subject_model_id: { options: () => modelOptions(ctx) },
    event_meeting_id: { options: meetings },
    owner_unit_id: { options: () => ownerOptions(ctx) },
  });
  const model = params.query.model && ctx.index.get("models", params.query.model);
  return recordForm(ctx, {
    table: "recognitions",
    id: params.id,
    route: params.id ? `#/recognitions/${params.id}/edit` : "#/recognitions/new",
    query: params.query,
    specs,
    title: params.id ? t("edit") : t("add_recognition"),
    defaults: () => ({
      subject_model_id: model ? model.id : null,
      stage: "CONG_NHAN",
      level: ctx.user.unit.level === "TINH" ? "TINH" : "XA",
      form: "KHAC",
      owner_unit_id: model ? model.owner_unit_id : ctx.user.unit.id,
      period: model ? model.period : null,
      decision_date: new Date().toISOString().slice(0, 10),
    }),
  });
}

// Record an inspection, supervision or survey.

export function renderInspectionForm(ctx, params) {
  const units = () => (ctx.index.units.length ? ctx.index.units : [ctx.user.unit]);
  const conducting = unitPicker({ label: t("f_conducting_unit_id"), required: true, units, all: () => ctx.index.units });
  const specs = formSpecs("inspections", {
    kind: { label: "f_inspection_kind" },
    conducting_unit_id: { widget: conducting },
    owner_unit_id: { options: () => ownerOptions(ctx) },
    team_members: { widget: linesWidget({ label: t("f_team_members") }) },
    other_targets: { widget: linesWidget({ label: t("f_other_targets") }) },
    target_unit_ids: { numeric: true, options: () => ownerOptions(ctx) },
    target_model_ids: { options: () => modelOptions(ctx) },
  });
  /** Units inspected lie under the conducting unit (the server refuses others). */
  const check = (record) => {
    const anchor = ctx.index.unit(record.conducting_unit_id);
    const bad = (record.target_unit_ids || []).some((id) => {
      const unit = ctx.index.unit(id);
      return anchor && unit && !String(unit.path || "").startsWith(String(anchor.path || ""));
    });
    return bad ? { target_unit_ids: t("target_outside") } : {};
  };
  return recordForm(ctx, {
    table: "inspections",
    id: params.id,
    route: params.id ? `#/inspections/${params.id}/edit` : "#/inspections/new",
    query: params.query,
    specs,
    check,
    title: params.id ? t("edit") : t("add_inspection"),
    defaults: () => ({
      kind: "KIEM_TRA",
      owner_unit_id: ctx.user.unit.id,
      conducting_unit_id: ctx.user.unit.id,
      team_members: [],
      target_unit_ids: [],
      other_targets: [],
      target_model_ids: [],
      follow_up_done: false,
      date_from: new Date().toISOString().slice(0, 10),
    }),
  });
}
