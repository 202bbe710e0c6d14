// A unit picker for the forms: a native <select> grouped by parent (<optgroup>), ended units
// marked "(cũ)", the parent beside twin names, and a filter by folded words when the list is
// long (a province's 139 communes on a 360 px phone).

import { t } from "../i18n/labels.js";
import { filterGroups, optionCount, unitGroups } from "../lib/unit-groups.js";
import { h, replace } from "./dom.js";

// Below this many units the filter only takes room: a commune officer sees one or two.
const FILTER_FROM = 9;

let uid = 0;

/**
 * A form widget choosing one unit id.
 * @param {{label: string, required?: boolean, units: () => any[], all: () => any[]}} options
 *   `units` the units offered, `all` every unit the phone holds (parents' names)
 * @returns {{node: HTMLElement, getValue: () => number|null, setValue: (v: any) => void,
 *   showErrors: (e: Record<string, string>) => void}}
 */
export function unitPicker(options) {
  const id = `unit-${(uid += 1)}`;
  const groups = unitGroups(options.units(), options.all(), { old: t("unit_old"), other: t("unit_group_other") });
  const total = optionCount(groups);
  const select = /** @type {HTMLSelectElement} */ (h("select", { id, class: "input", "aria-describedby": `${id}-err` }));
  const error = h("p", { class: "field-error", id: `${id}-err`, hidden: true });
  const filter = /** @type {HTMLInputElement} */ (h("input", {
    id: `${id}-q`, type: "search", class: "input input-filter", autocomplete: "off", placeholder: t("unit_filter"),
    "aria-controls": id, "aria-describedby": `${id}-n`,
  }));
  const shown = h("span", { class: "small unit-count", id: `${id}-n`, "aria-live": "polite" });
  const node = h("div", { class: "field unit-picker" },
    h("label", { for: id, text: options.label + (options.required ? " *" : "") }),
    select,
    total >= FILTER_FROM ? h("div", { class: "unit-filter" },
      h("label", { for: filter.id, class: "sr-only", text: t("unit_filter") }), filter, shown) : "",
    error);
  /** @type {number|null} */
  let value = null;

  function draw() {
    const found = filterGroups(groups, filter.value, value);
    const known = groups.some((g) => g.options.some((o) => o.id === value));
    replace(select,
      h("option", { value: "", text: t("choose") }),
      // A unit the phone no longer holds keeps its id rather than vanishing from the record.
      value !== null && !known ? h("option", { value: String(value), text: unitName(value) }) : "",
      found.map((g) => {
        const group = h("optgroup", { label: g.label });
        group.append(...g.options.map((o) => h("option", { value: String(o.id), text: o.label })));
        return group;
      }));
    select.value = value === null ? "" : String(value);
    shown.textContent = t("unit_filter_count", { n: optionCount(found) });
  }

  function unitName(unitId) {
    const unit = options.all().find((u) => u.id === unitId);
    return unit ? unit.name : `#${unitId}`;
  }

  select.addEventListener("change", () => {
    value = select.value === "" ? null : Number(select.value);
  });
  // Typing in the filter changes no value: keep it from marking the form as edited.
  for (const type of ["input", "change"]) {
    filter.addEventListener(type, (event) => {
      event.stopPropagation();
      if (type === "input") draw();
    });
  }
  filter.addEventListener("keydown", (event) => {
    if (event.key !== "Enter") return;
    // Enter would submit the form; it picks the only match instead, or moves to the list.
    event.preventDefault();
    const found = filterGroups(groups, filter.value, null);
    if (optionCount(found) === 1) {
      value = found[0].options[0].id;
      draw();
      select.dispatchEvent(new Event("change", { bubbles: true }));
    }
    select.focus();
  });
  draw();

  return {
    node,
    getValue: () => value,
    setValue: (v) => {
      const n = v === null || v === undefined || v === "" ? null : Number(v);
      value = Number.isFinite(n) ? n : null;
      draw();
    },
    showErrors: (errors) => {
      error.textContent = errors[""] || "";
      error.hidden = !errors[""];
      node.classList.toggle("has-error", Boolean(errors[""]));
      if (errors[""]) select.setAttribute("aria-invalid", "true");
      else select.removeAttribute("aria-invalid");
    },
  };
}
