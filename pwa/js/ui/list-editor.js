// An editor for a list of small records inside a form: attendees, metrics, connection points.

import { t } from "../i18n/labels.js";
import { h, replace } from "./dom.js";
import { FormKit } from "./form-kit.js";

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
