// Forms: the field kit, the list editor (attendees, metrics, connection points), the shared
// create/edit flow, and the model and meeting forms.

import { enumOptions, t } from "../i18n/labels.js";
import { parseNumber, validateRecord } from "../lib/record-rules.js";
import { RECORD_REGISTRY } from "../lib/record-registry.js";
import { unitLabels } from "../lib/unit-groups.js";
import { deleteMeta, getMeta, META, setMeta } from "../store/db.js";
import { resolveConflict, saveRecord } from "../store/records.js";
import { attendeeEditor } from "./attendees.js";
import { ask, cleanText, confirmDialog, h, partOfDayOptions, replace, reviewComment } from "./dom.js";
import { attachmentsEditor, placeEditor } from "./photos.js";
import { unitPicker } from "./unit-picker.js";

/**
 * @typedef {Object} FieldSpec
 * @property {string} name
 * @property {"text"|"textarea"|"select"|"date"|"datetime"|"int"|"number"|"checkbox"|"checks"} kind
 * @property {string} [label]      label key (defaults to "f_" + name)
 * @property {boolean} [required]
 * @property {string} [enumName]   options from an enum
 * @property {() => [string|number, string][]} [options] options computed when built
 * @property {number} [max]        maxlength
 * @property {(values: Record<string, any>) => boolean} [showIf]
 * @property {string} [inputmode]
 * @property {boolean} [numeric]  a select whose values are numbers (unit ids)
 */

/** Turn a generated condition {field, in | not_in} into the form's showIf. */
function showIfOf(test) {
  return (values) => {
    const value = values[test.field] ?? null;
    return test.in ? test.in.includes(value) : !test.not_in.includes(value);
  };
}

/**
 * The field specs of a table's form, in order, from the server's registry (record-schema.js):
 * control, required mark, limit, enum and when it shows. `extra` adds per field what only the
 * phone knows: computed options, a list widget, a label.
 * @param {string} table
 * @param {Record<string, Partial<FieldSpec> & {widget?: any}>} [extra]
 * @returns {FieldSpec[]}
 */
export function formSpecs(table, extra = {}) {
  return RECORD_REGISTRY.types[table].form.map((field) => {
    const spec = { ...field, showIf: field.showIf ? showIfOf(field.showIf) : undefined, ...(extra[field.name] || {}) };
    if (spec.kind === "list" && !spec.widget) throw new Error(`the form needs a widget for ${field.name}`);
    return spec;
  });
}

/**
 * Put the place and the photos on a form, before the notes: the registry may not list them in
 * its form (they are widgets over fields the server declares).
 * @param {FieldSpec[]} specs
 * @param {{attachments: any, place: any}} media
 * @returns {FieldSpec[]}
 */
function withMedia(specs, media) {
  const out = specs.filter((spec) => !["attachments", "geo_lat", "geo_lon", "geo_accuracy"].includes(spec.name));
  const at = out.findIndex((spec) => spec.name === "notes");
  const add = [
    /** @type {any} */ ({ name: "place", widget: media.place }),
    /** @type {any} */ ({ name: "attachments", widget: media.attachments }),
  ];
  out.splice(at < 0 ? out.length : at, 0, ...add);
  return out;
}

/** The fields an edit changes: only they are held to the plausibility rules (PROTOCOL.md §3.5). */
function changedFields(before, after) {
  const same = (a, b) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
  return Object.keys(after).filter((key) => !same(before[key], after[key]));
}

let uid = 0;

export class FormKit {
  constructor(specs) {
    this.specs = specs;
    /** @type {Map<string, {spec: FieldSpec, wrap: HTMLElement, control: HTMLElement, error: HTMLElement}>} */
    this.fields = new Map();
    /** fields: a widget over several fields (the place) names them; its value is an object of them.
     * @type {Map<string, {getValue: () => any, setValue: (v: any) => void, showErrors: (e: Record<string,string>) => void, node: HTMLElement, fields?: string[]}>} */
    this.widgets = new Map();
  }

  /** Build the control of one field. @param {FieldSpec} spec */
  field(spec) {
    const id = `f-${spec.name}-${(uid += 1)}`;
    const labelText = t(spec.label || `f_${spec.name}`) + (spec.required ? " *" : "");
    let control;
    if (spec.kind === "textarea") {
      control = h("textarea", { id, name: spec.name, rows: "3", class: "input", maxlength: spec.max || null });
    } else if (spec.kind === "select") {
      const options = spec.options ? spec.options() : enumOptions(spec.enumName || spec.name);
      control = h("select", { id, name: spec.name, class: "input" },
        h("option", { value: "", text: t("choose") }),
        options.map(([value, label]) => h("option", { value: String(value), text: label })));
    } else if (spec.kind === "checkbox") {
      control = h("input", { id, name: spec.name, type: "checkbox", class: "check" });
    } else if (spec.kind === "checks") {
      const options = spec.options ? spec.options() : enumOptions(spec.enumName || spec.name);
      control = h("div", { id, class: "checks", role: "group" },
        options.map(([value, label]) => h("label", { class: "check-label" },
          h("input", { type: "checkbox", value: String(value), class: "check" }), label)));
    } else {
      const type = { date: "date", datetime: "datetime-local" }[spec.kind] || "text";
      const inputmode = spec.inputmode || (spec.kind === "int" ? "numeric" : spec.kind === "number" ? "decimal" : null);
      control = h("input", { id, name: spec.name, type, class: "input", inputmode, maxlength: spec.max || null, autocomplete: "off" });
    }
    const error = h("p", { class: "field-error", id: `${id}-err`, hidden: true });
    control.setAttribute("aria-describedby", error.id);
    const wrap = spec.kind === "checkbox"
      ? h("div", { class: "field field-check" }, h("label", { for: id, class: "check-label" }, control, labelText), error)
      : h("div", { class: "field" }, spec.kind === "checks" ? h("span", { class: "label", text: labelText })
        : h("label", { for: id, text: labelText }), control, error);
    wrap.dataset.field = spec.name;
    this.fields.set(spec.name, { spec, wrap, control, error });
    return wrap;
  }

  /** Build every field in order; a spec may be a widget {name, widget}. */
  build() {
    return this.specs.map((spec) => {
      if (/** @type {any} */ (spec).widget) {
        const widget = /** @type {any} */ (spec).widget;
        this.widgets.set(spec.name, widget);
        widget.node.dataset.field = spec.name;
        return widget.node;
      }
      return this.field(spec);
    });
  }

  /** @returns {Record<string, any>} typed values */
  values() {
    /** @type {Record<string, any>} */
    const out = {};
    for (const [name, { spec, control }] of this.fields) out[name] = readControl(spec, control);
    for (const [name, widget] of this.widgets) {
      // A widget over several fields (the place) gives them all at once.
      if (widget.fields) Object.assign(out, widget.getValue());
      else out[name] = widget.getValue();
    }
    return out;
  }

  /** Raw values for a draft (exactly what was typed). */
  rawValues() {
    /** @type {Record<string, any>} */
    const out = {};
    for (const [name, { spec, control }] of this.fields) {
      if (spec.kind === "checkbox") out[name] = /** @type {HTMLInputElement} */ (control).checked;
      else if (spec.kind === "checks") out[name] = checkedValues(control);
      else out[name] = /** @type {HTMLInputElement} */ (control).value;
    }
    for (const [name, widget] of this.widgets) {
      if (widget.fields) Object.assign(out, widget.getValue());
      else out[name] = widget.getValue();
    }
    return out;
  }

  /** @param {Record<string, any>} values typed or raw */
  fill(values) {
    for (const [name, { spec, control }] of this.fields) {
      if (!(name in values)) continue;
      writeControl(spec, control, values[name]);
    }
    for (const [name, widget] of this.widgets) {
      if (widget.fields) {
        if (widget.fields.some((f) => f in values)) widget.setValue(values);
      } else if (name in values) widget.setValue(values[name]);
    }
    this.refresh();
  }

  /** Show or hide fields whose showIf depends on other values. */
  refresh() {
    const values = this.values();
    for (const { spec, wrap } of this.fields.values()) {
      if (spec.showIf) wrap.hidden = !spec.showIf(values);
    }
    for (const spec of this.specs) {
      const widget = this.widgets.get(spec.name);
      if (widget && spec.showIf) widget.node.hidden = !spec.showIf(values);
    }
  }

  /**
   * Show error messages by field (keys like "attendees.0.full_name" go to the widget).
   * Returns the first element with an error, to scroll to.
   */
  showErrors(errors) {
    let first = null;
    for (const [name, { wrap, control, error }] of this.fields) {
      const message = errors[name];
      error.textContent = message || "";
      error.hidden = !message;
      wrap.classList.toggle("has-error", Boolean(message));
      if (message) control.setAttribute("aria-invalid", "true");
      else control.removeAttribute("aria-invalid");
      if (message && !first && !wrap.hidden) first = control;
    }
    for (const [name, widget] of this.widgets) {
      /** @type {Record<string, string>} */
      const mine = {};
      for (const [key, message] of Object.entries(errors)) {
        if (key === name || key.startsWith(`${name}.`)) mine[key.slice(name.length + 1) || ""] = message;
        else if (widget.fields && widget.fields.includes(key)) mine[key] = message;
      }
      widget.showErrors(mine);
      if (!first && Object.keys(mine).length) first = widget.node;
    }
    return first;
  }
}

function checkedValues(control) {
  return [...control.querySelectorAll("input:checked")].map((i) => /** @type {HTMLInputElement} */ (i).value);
}

function readControl(spec, control) {
  const input = /** @type {HTMLInputElement} */ (control);
  if (spec.kind === "checkbox") return input.checked;
  if (spec.kind === "checks") return spec.numeric ? checkedValues(control).map(Number) : checkedValues(control);
  const raw = input.value;
  if (spec.kind === "int" || spec.kind === "number") {
    const n = parseNumber(raw);
    return n === null ? null : n;
  }
  if (spec.kind === "select") {
    if (raw === "") return null;
    return spec.numeric ? Number(raw) : raw;
  }
  const text = cleanText(raw, spec.kind === "textarea");
  return text.trim() === "" ? null : text;
}

function writeControl(spec, control, value) {
  const input = /** @type {HTMLInputElement} */ (control);
  if (spec.kind === "checkbox") input.checked = Boolean(value);
  else if (spec.kind === "checks") {
    const set = new Set((value || []).map(String));
    for (const box of control.querySelectorAll("input")) {
      /** @type {HTMLInputElement} */ (box).checked = set.has(/** @type {HTMLInputElement} */ (box).value);
    }
  } else if (spec.kind === "datetime") input.value = value ? String(value).slice(0, 16) : "";
  else input.value = value === null || value === undefined ? "" : String(value);
}

export function listEditor(options) {
  /** @type {FormKit[]} */
  let rows = [];
  const list = h("ol", { class: "rows" });
  const error = h("p", { class: "field-error", hidden: true });
  const node = h("fieldset", { class: "field list-editor" },
    h("legend", { text: options.label }),
    error,
    list,
    h("button", { type: "button", class: "btn btn-add", onclick: () => {
      addRow(options.blank());
      const last = rows[rows.length - 1];
      const firstInput = last && /** @type {HTMLElement|null} */ (list.lastElementChild?.querySelector("input,select,textarea"));
      if (firstInput) firstInput.focus();
      if (options.onChange) options.onChange();
    } }, `+ ${options.addLabel}`));

  function addRow(values) {
    const kit = new FormKit(options.fields.map((f) => ({ ...f })));
    const item = h("li", { class: "row-card" }, kit.build(),
      h("button", { type: "button", class: "btn btn-small btn-remove", onclick: () => {
        rows = rows.filter((r) => r !== kit);
        item.remove();
        if (options.onChange) options.onChange();
      } }, t("remove")));
    item.addEventListener("change", () => kit.refresh());
    kit.fill(values);
    rows.push(kit);
    list.append(item);
  }

  return {
    node,
    getValue: () => rows.map((kit) => {
      const values = kit.values();
      for (const key of Object.keys(values)) if (values[key] === null) delete values[key];
      return values;
    }),
    setValue: (values) => {
      rows = [];
      replace(list);
      for (const value of values || []) addRow(value);
    },
    /** @param {Record<string, string>} errors keys "" or "<i>.<field>" */
    showErrors: (errors) => {
      error.textContent = errors[""] || "";
      error.hidden = !errors[""];
      rows.forEach((kit, i) => {
        /** @type {Record<string, string>} */
        const mine = {};
        for (const [key, message] of Object.entries(errors)) {
          if (key.startsWith(`${i}.`)) mine[key.slice(String(i).length + 1)] = message;
        }
        kit.showErrors(mine);
      });
    },
  };
}

// The create/edit flow: fill, autosave a draft, validate, warn of a duplicate, save, queue.

// Draft save interval: cheap on a slow phone; an update or a crash loses at most this much.
const DRAFT_MS = 400;

export function recordForm(ctx, options) {
  const { table } = options;
  const existing = options.id ? ctx.index.get(table, options.id) : undefined;
  const kit = new FormKit(options.specs);
  const fields = kit.build();
  const banner = h("p", { class: "form-error", role: "alert", hidden: true });
  const saveButton = h("button", { type: "submit", class: "btn btn-primary btn-block", "data-action": "save" }, t("save"));
  let dirty = false;
  let timer = 0;

  const form = h("form", { class: "record-form", novalidate: true },
    h("p", { class: "small", text: t("required_legend") }),
    banner,
    fields,
    h("div", { class: "save-bar" },
      h("button", { type: "button", class: "btn", "data-action": "back", onclick: () => back() }, t("back")),
      saveButton));

  // Rework happens here: the reviewer's reason stays in sight while the officer edits.
  const node = h("section", { class: "screen screen-form" }, h("h2", { class: "screen-title", text: options.title }),
    existing ? reviewComment(existing) : "", form);

  if (options.id && !existing) {
    return { node: h("section", { class: "screen" }, h("p", { text: t("not_found") })) };
  }

  // The record being edited: existing values, or defaults; a saved draft wins over both.
  const start = existing ? { ...existing } : { ...options.defaults(), id: crypto.randomUUID() };
  kit.fill(start);
  const ready = getMeta(META.FORM_DRAFT).then((draft) => {
    if (draft && draft.route === options.route && (!existing || draft.id === start.id)) {
      start.id = draft.id;
      kit.fill(draft.values);
      dirty = true;
      ctx.toast(t("resume_draft"));
    }
  });

  function saveDraft() {
    clearTimeout(timer);
    timer = setTimeout(flushDraft, DRAFT_MS);
  }
  function flushDraft() {
    clearTimeout(timer);
    if (!dirty) return Promise.resolve();
    return setMeta(META.FORM_DRAFT, { route: options.route, id: start.id, table, values: kit.rawValues(), at: Date.now() });
  }

  form.addEventListener("input", () => {
    dirty = true;
    saveDraft();
  });
  form.addEventListener("change", () => {
    dirty = true;
    kit.refresh();
    saveDraft();
  });

  async function back() {
    if (dirty && !(await confirmDialog(t("discard_typing"), { ok: t("discard"), danger: true }))) return;
    dirty = false;
    clearTimeout(timer);
    await deleteMeta(META.FORM_DRAFT);
    history.length > 1 ? history.back() : ctx.navigate(existing ? `#/${table}/${start.id}` : `#/${table}`);
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    await ready;
    const record = { ...start, ...kit.values() };
    const errors = validateRecord(table, record, { touched: existing ? changedFields(existing, record) : null });
    // Checks only the phone can make, against the units it holds (the server makes them too),
    // and rules the record's shape cannot say (an evaluation's scores against its criteria set).
    if (options.check) Object.assign(errors, { ...options.check(record), ...errors });
    const first = kit.showErrors(errors);
    if (first) {
      banner.textContent = t("form_has_errors");
      banner.hidden = false;
      first.scrollIntoView({ block: "center" });
      if (first.focus) first.focus();
      return;
    }
    banner.hidden = true;
    if (table === "models" && !(await duplicateOk(ctx, record, existing))) return;
    saveButton.setAttribute("disabled", "");
    try {
      await saveRecord(table, record);
      if (options.query.resolve) await resolveConflict(options.query.resolve, "KEEP_KEPT");
      dirty = false;
      clearTimeout(timer);
      await deleteMeta(META.FORM_DRAFT);
      ctx.toast(t("saved_on_phone"));
      ctx.navigate(`#/${table}/${record.id}`, { replace: true });
    } finally {
      saveButton.removeAttribute("disabled");
    }
  });

  return {
    node,
    isDirty: () => dirty,
    flush: flushDraft,
    dispose: () => {
      clearTimeout(timer);
      if (dirty) flushDraft();
    },
  };
}

/** Ask before saving a model whose folded name matches another in the same commune. */
async function duplicateOk(ctx, record, existing) {
  const unchanged = existing && existing.name === record.name && existing.commune_unit_id === record.commune_unit_id;
  if (unchanged) return true;
  const twin = ctx.index.findDuplicate(record);
  if (!twin) return true;
  const answer = await ask({
    title: t("duplicate_warning"),
    message: h("p", { class: "duplicate-name", text: twin.name }),
    buttons: [
      { label: t("back"), value: false },
      { label: t("continue"), value: true, kind: "primary" },
    ],
  });
  return answer === true;
}

/**
 * The units a user may write a record for, as options: their own unit first, then the units
 * under it that the phone holds, indented by depth; an ended unit says "(cũ)". Reports count
 * a model for this managing unit (owner_unit_id) unless asked to count by commune.
 * @returns {[number, string][]}
 */
export function ownerOptions(ctx) {
  const own = ctx.user.unit;
  const depth = (u) => String(u.path || "").split("/").length;
  const under = ctx.index.units.filter((u) => u.id !== own.id && own.path && String(u.path || "").startsWith(own.path));
  const listed = [own, ...under];
  // Two communes may share a name ("Xã Đông Hiếu"): the parent beside each tells them apart.
  const labels = unitLabels(listed, ctx.index.units, t("unit_old"));
  return listed.map((u) => {
    const indent = "· ".repeat(Math.max(0, depth(u) - depth(own)));
    return /** @type {[number, string]} */ ([u.id, `${indent}${labels.get(u.id)}`]);
  });
}

// Create or edit a model/exemplar (DOMAIN.md §2.3).

export function renderModelForm(ctx, params) {
  const communes = () => {
    const xa = ctx.index.units.filter((u) => u.level === "XA");
    return xa.length ? xa : [ctx.user.unit];
  };
  const commune = unitPicker({ label: t("f_commune_unit_id"), required: true, units: communes, all: () => ctx.index.units });
  const metrics = listEditor({
    name: "metrics",
    label: t("f_metrics"),
    addLabel: t("add_metric"),
    blank: () => ({}),
    fields: [
      { name: "metric", kind: "text", required: true, max: 200 },
      { name: "value", kind: "number", required: true },
      { name: "unit", kind: "text", max: 50 },
    ],
  });
  const thisYear = new Date().getFullYear();
  const attachments = attachmentsEditor(ctx, { table: "models", recordId: () => params.id });
  const specs = withMedia(formSpecs("models", {
    owner_unit_id: { options: () => ownerOptions(ctx) },
    commune_unit_id: { widget: commune },
    metrics: { widget: metrics },
    attachments: { widget: attachments },
  }), { attachments, place: placeEditor() });
  const user = ctx.user;
  const route = params.id ? `#/models/${params.id}/edit` : "#/models/new";
  const view = recordForm(ctx, {
    table: "models",
    id: params.id,
    route,
    query: params.query,
    specs,
    title: params.id ? t("edit") : t("add_model"),
    defaults: () => ({
      kind: "MO_HINH",
      subject_type: "TAP_THE",
      owner_unit_id: user.unit.id,
      commune_unit_id: user.unit.level === "XA" ? user.unit.id : null,
      status: "DANG_XAY_DUNG",
      period: thisYear <= 2025 ? "GD_2021_2025" : "GD_2026_2030",
      year_registered: thisYear,
      metrics: [],
      topic_tags: [],
    }),
  });
  return view;
}

// Create or edit a meeting/activity with its attendees (DOMAIN.md §2.4–2.5).

export function renderMeetingForm(ctx, params) {
  const units = () => (ctx.index.units.length ? ctx.index.units : [ctx.user.unit]);
  const organizer = unitPicker({ label: t("f_organizer_unit_id"), required: true, units, all: () => ctx.index.units });
  const people = attendeeEditor(ctx, { recordId: () => params.id });
  const sites = listEditor({
    name: "sites",
    label: t("f_sites"),
    addLabel: t("add_site"),
    blank: () => ({}),
    fields: [
      { name: "name", label: "f_site_name", kind: "text", required: true, max: 255 },
      { name: "chair", label: "f_full_name", kind: "text", max: 255 },
    ],
  });
  const attachments = attachmentsEditor(ctx, { table: "meetings", recordId: () => params.id });
  const specs = withMedia(formSpecs("meetings", {
    organizer_unit_id: { widget: organizer },
    owner_unit_id: { options: () => ownerOptions(ctx) },
    part_of_day: { options: partOfDayOptions },
    sites: { widget: sites },
    attendees: { widget: people.attendees },
    unnamed_count: { widget: people.unnamed },
    attachments: { widget: attachments },
  }), { attachments, place: placeEditor() });
  const user = ctx.user;
  return recordForm(ctx, {
    table: "meetings",
    id: params.id,
    route: params.id ? `#/meetings/${params.id}/edit` : "#/meetings/new",
    query: params.query,
    specs,
    title: params.id ? t("edit") : t("add_meeting"),
    defaults: () => ({
      type: "HOI_NGHI",
      format: "TRUC_TIEP",
      owner_unit_id: user.unit.id,
      organizer_unit_id: user.unit.id,
      count_is_approx: false,
      audience: [],
      sites: [],
      co_organizer_ids: [],
      linked_model_ids: [],
      attendees: [{ full_name: user.full_name, position: user.position || "", role: "CHU_TRI", attendance: "CO_MAT" }],
    }),
  });
}
