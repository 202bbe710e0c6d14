// Form fields from small specs: label, control, error slot; read typed values; show errors.

import { enumOptions, t } from "../i18n/labels.js";
import { parseNumber } from "../lib/record-rules.js";
import { h, replace } from "./dom.js";

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

let uid = 0;

export class FormKit {
  /**
   * @param {FieldSpec[]} specs
   */
  constructor(specs) {
    this.specs = specs;
    /** @type {Map<string, {spec: FieldSpec, wrap: HTMLElement, control: HTMLElement, error: HTMLElement}>} */
    this.fields = new Map();
    /** @type {Map<string, {getValue: () => any, setValue: (v: any) => void, showErrors: (e: Record<string,string>) => void, node: HTMLElement}>} */
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
    for (const [name, widget] of this.widgets) out[name] = widget.getValue();
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
    for (const [name, widget] of this.widgets) out[name] = widget.getValue();
    return out;
  }

  /** @param {Record<string, any>} values typed or raw */
  fill(values) {
    for (const [name, { spec, control }] of this.fields) {
      if (!(name in values)) continue;
      writeControl(spec, control, values[name]);
    }
    for (const [name, widget] of this.widgets) if (name in values) widget.setValue(values[name]);
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
   * @param {Record<string, string>} errors
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
  if (spec.kind === "checks") return checkedValues(control);
  const raw = input.value;
  if (spec.kind === "int" || spec.kind === "number") {
    const n = parseNumber(raw);
    return n === null ? null : n;
  }
  if (spec.kind === "select") {
    if (raw === "") return null;
    return spec.numeric ? Number(raw) : raw;
  }
  return raw.trim() === "" ? null : raw;
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

// An editor for a list of small records inside a form: attendees, metrics, connection points.

/**
 * @param {{name: string, label: string, addLabel: string, fields: import("./form-kit.js").FieldSpec[],
 *   blank: () => Record<string, any>, onChange?: () => void}} options
 */
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
