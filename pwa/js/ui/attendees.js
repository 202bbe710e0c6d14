// The meeting form's attendees: one compact row a person (name and role on one line, position
// and organisation folded under it), a pasted list, the people of an earlier meeting, and a
// count of people not named that keeps the meeting's attendance (actual_count) in step.

import { enumOptions, formatLocalDateTime, t } from "../i18n/labels.js";
import {
  attendanceTotal, copiedAttendees, parseAttendeeLines, presentCount, reusableMeetings, TEXT_MAX, withoutDoubles,
} from "../lib/attendee-list.js";
import { parseNumber } from "../lib/record-rules.js";
import { cleanText, h, joined, replace } from "./dom.js";

/**
 * @typedef {{node: HTMLElement, getValue: () => any, setValue: (v: any) => void,
 *   showErrors: (e: Record<string, string>) => void}} Widget
 * @typedef {{extra: Record<string, any>, item: HTMLElement, controls: Record<string, HTMLInputElement|HTMLSelectElement>,
 *   errors: Record<string, HTMLElement>, more: HTMLElement, toggle: HTMLButtonElement, sync: () => void}} Row
 */

// The fields a row edits; anything else an attendee carries (unit, gender, phone…) is kept.
const EDITED = ["full_name", "role", "position", "org_name", "attendance", "absent_reason"];

let uid = 0;

/**
 * The attendee list and the unnamed count of a meeting form, as two form widgets.
 * @param {{toast: (m: string) => void, index: any}} ctx
 * @param {{recordId?: () => string|undefined}} [options]
 * @returns {{attendees: Widget, unnamed: Widget}}
 */
export function attendeeEditor(ctx, options = {}) {
  /** @type {Row[]} */
  let rows = [];
  const list = h("ol", { class: "rows attendee-rows" });
  const error = h("p", { class: "field-error", role: "alert", hidden: true });
  const node = h("fieldset", { class: "field list-editor attendee-editor" },
    h("legend", { text: t("f_attendees") }),
    error,
    list,
    h("div", { class: "attendee-actions" },
      h("button", { type: "button", class: "btn btn-add", "data-action": "add-attendee", onclick: () => {
        const row = addRow({ role: "DAI_BIEU", attendance: "CO_MAT" });
        row.controls.full_name.focus();
        changed();
      } }, `+ ${t("add_attendee")}`),
      h("button", { type: "button", class: "btn btn-small", "data-action": "paste-attendees", onclick: () => pasteList() }, t("paste_list")),
      h("button", { type: "button", class: "btn btn-small", "data-action": "reuse-attendees", onclick: () => reuse() },
        t("reuse_attendees"))));

  const countId = `unnamed-${(uid += 1)}`;
  const count = /** @type {HTMLInputElement} */ (h("input", {
    id: countId, name: "unnamed_count", type: "text", inputmode: "numeric", class: "input input-count", autocomplete: "off",
    "aria-describedby": `${countId}-hint ${countId}-sum ${countId}-err`,
  }));
  const countError = h("p", { class: "field-error", id: `${countId}-err`, hidden: true });
  const sum = h("p", { class: "small attendance-sum", id: `${countId}-sum`, "aria-live": "polite" });
  const unnamedNode = h("div", { class: "field unnamed-count" },
    h("label", { for: countId, text: t("f_unnamed_count") }),
    h("p", { class: "small", id: `${countId}-hint`, text: t("unnamed_hint") }),
    count, countError, sum);
  count.addEventListener("input", () => updateTotal(false));

  /** Tell the form something changed (it marks itself dirty and saves a draft). */
  function changed() {
    updateTotal(false);
    node.dispatchEvent(new Event("change", { bubbles: true }));
  }

  /** @param {Record<string, any>} values */
  function addRow(values) {
    const n = (uid += 1);
    const id = (name) => `att-${n}-${name}`;
    const text = (name, label) => /** @type {HTMLInputElement} */ (h("input", {
      id: id(name), type: "text", class: "input", maxlength: String(name === "absent_reason" ? 500 : TEXT_MAX),
      autocomplete: "off", placeholder: label, value: values[name] ?? "", "aria-describedby": `${id(name)}-err`,
    }));
    const select = (name, enumName, blank) => {
      const el = /** @type {HTMLSelectElement} */ (h("select", { id: id(name), class: "input", "aria-describedby": `${id(name)}-err` },
        blank ? h("option", { value: "", text: t("choose") }) : "",
        enumOptions(enumName).map(([code, label]) => h("option", { value: code, text: label }))));
      el.value = values[name] || (blank ? "" : "DAI_BIEU");
      return el;
    };
    /** @type {Record<string, HTMLInputElement|HTMLSelectElement>} */
    const controls = {
      full_name: text("full_name", t("f_full_name")),
      role: select("role", "attendee_role", false),
      position: text("position", t("f_position")),
      org_name: text("org_name", t("f_org_name")),
      attendance: select("attendance", "attendance", true),
      absent_reason: text("absent_reason", t("f_absent_reason")),
    };
    /** @type {Record<string, HTMLElement>} */
    const errors = {};
    const wrap = (name, labelKey, cls = "") => {
      errors[name] = h("p", { class: "field-error", id: `${id(name)}-err`, hidden: true });
      const box = h("div", { class: `att-field ${cls}` },
        h("label", { for: id(name), class: cls.includes("compact") ? "sr-only" : "", text: t(labelKey) }),
        controls[name], errors[name]);
      box.dataset.field = name;
      return box;
    };
    const sub = h("span", { class: "att-sub" });
    const more = h("div", { class: "att-more", hidden: true },
      wrap("position", "f_position"), wrap("org_name", "f_org_name"),
      wrap("attendance", "f_attendance"), wrap("absent_reason", "f_absent_reason"));
    const toggle = /** @type {HTMLButtonElement} */ (h("button", {
      type: "button", class: "att-toggle", "aria-expanded": "false", "data-action": "attendee-more",
      onclick: () => setOpen(more.hidden),
    }, sub));
    const remove = h("button", {
      type: "button", class: "att-remove", "data-action": "remove-attendee", onclick: () => {
        rows = rows.filter((r) => r !== row);
        item.remove();
        changed();
      },
    }, "✕");
    const item = h("li", { class: "row-card attendee-row" },
      h("div", { class: "att-main" }, wrap("full_name", "f_full_name", "compact att-name"), wrap("role", "f_role", "compact att-role"), remove),
      toggle, more);
    const extra = { ...values };
    for (const key of EDITED) delete extra[key];

    function setOpen(open) {
      more.hidden = !open;
      toggle.setAttribute("aria-expanded", String(open));
      item.classList.toggle("is-open", open);
    }
    function sync() {
      const name = controls.full_name.value.trim();
      const parts = [controls.position.value.trim(), controls.org_name.value.trim()];
      const absent = controls.attendance.value && controls.attendance.value !== "CO_MAT";
      replace(sub, ...(parts.some(Boolean) || absent
        ? joined([...parts, absent ? /** @type {HTMLSelectElement} */ (controls.attendance).selectedOptions[0]?.textContent : ""])
        : [t("attendee_more")]));
      sub.classList.toggle("is-empty", !parts.some(Boolean) && !absent);
      toggle.setAttribute("aria-label", `${t("attendee_details", { name: name || "—" })}: ${sub.textContent}`);
      remove.setAttribute("aria-label", t("attendee_remove", { name: name || "—" }));
      errors.absent_reason.parentElement.hidden = !absent;
    }
    item.addEventListener("input", sync);
    item.addEventListener("change", () => {
      sync();
      updateTotal(false);
    });
    /** @type {Row} */
    const row = { extra, item, controls, errors, more, toggle, sync };
    sync();
    rows.push(row);
    list.append(item);
    return row;
  }

  /** @returns {Array<Record<string, any>>} */
  function getValue() {
    return rows.map((row) => {
      /** @type {Record<string, any>} */
      const out = { ...row.extra };
      for (const key of EDITED) {
        const raw = row.controls[key].value;
        const value = key === "role" || key === "attendance" ? raw : cleanText(raw, false).trim();
        if (value) out[key] = value;
      }
      if (out.attendance === "CO_MAT" || !out.attendance) delete out.absent_reason;
      return out;
    });
  }

  function setValue(values) {
    rows = [];
    replace(list);
    for (const value of values || []) addRow(value);
    updateTotal(true);
  }

  function unnamedValue() {
    const n = parseNumber(count.value);
    return n === null ? null : n;
  }

  // The attendance the phone last wrote into actual_count: while the field still holds it (or
  // is empty), it follows the list; a number the officer typed ("gần 300") is left alone.
  /** @type {number|null} */
  let lastAuto = null;
  function updateTotal(quiet) {
    const people = getValue();
    const unnamed = unnamedValue();
    const total = attendanceTotal(people, Number.isInteger(unnamed) ? unnamed : 0);
    sum.textContent = t("attendance_sum", { named: presentCount(people), unnamed: Number.isInteger(unnamed) ? unnamed : 0, n: total });
    const form = node.closest("form");
    const box = /** @type {HTMLInputElement|null} */ (form && form.querySelector('[data-field="actual_count"] input'));
    if (!box) return;
    const current = parseNumber(box.value);
    if ((box.value.trim() === "" || current === lastAuto) && current !== total) {
      box.value = String(total);
      if (!quiet) box.dispatchEvent(new Event("input", { bubbles: true }));
    }
    lastAuto = total;
  }

  /** @param {Array<Record<string, any>>} people */
  function addPeople(people) {
    const { added, doubles } = withoutDoubles(getValue(), people);
    for (const person of added) addRow({ role: "DAI_BIEU", attendance: "CO_MAT", ...person });
    if (added.length) changed();
    return { added: added.length, doubles };
  }

  async function pasteList() {
    const box = /** @type {HTMLTextAreaElement} */ (h("textarea", { id: `paste-${(uid += 1)}`, class: "input paste-box", rows: "5",
      placeholder: "Nguyễn Văn An – Bí thư Đảng ủy – Xã Nậm Cắn" }));
    const preview = h("div", { class: "paste-preview", "aria-live": "polite" });
    const show = () => {
      const { people, bad } = parseAttendeeLines(box.value);
      const { added, doubles } = withoutDoubles(getValue(), people);
      replace(preview,
        h("p", { class: "paste-count strong", text: added.length ? t("paste_preview", { n: added.length }) : t("paste_nothing") }),
        // Unreadable lines first: the list of people below may need scrolling.
        bad.length ? h("div", { class: "paste-bad", role: "alert" },
          h("p", { class: "field-error", text: t("paste_bad", { n: bad.length }) }),
          h("ul", { class: "small" }, bad.map((b) => h("li", { dir: "auto", text: t("paste_bad_line", { line: b.line, text: b.text }) })))) : "",
        doubles ? h("p", { class: "small", text: t("paste_doubles", { n: doubles }) }) : "",
        added.length ? h("ol", { class: "paste-people small" }, added.map((p) => h("li", null, joined([p.full_name, p.position, p.org_name])))) : "");
      return { people, bad };
    };
    box.addEventListener("input", show);
    show();
    const body = h("div", { class: "field" },
      h("label", { for: box.id, text: t("paste_help") }), box, preview);
    const ok = await modal(t("paste_title"), body, [
      { label: t("back"), value: false },
      { label: t("paste_confirm"), value: true, primary: true, check: () => show().people.length > 0 },
    ], box);
    if (!ok) return;
    const { people, bad } = parseAttendeeLines(box.value);
    const cleaned = people.map((p) => Object.fromEntries(Object.entries(p).map(([k, v]) => [k, cleanText(v, false).trim()])));
    const { added, doubles } = addPeople(cleaned);
    ctx.toast([t("reuse_done", { n: added, d: doubles }), bad.length ? t("paste_bad", { n: bad.length }).replace(/:$/, "") : ""]
      .filter(Boolean).join(" · "));
  }

  async function reuse() {
    const search = /** @type {HTMLInputElement} */ (h("input", { id: `reuse-${(uid += 1)}`, type: "search", class: "input",
      autocomplete: "off", placeholder: t("reuse_search") }));
    const results = h("ul", { class: "plain-list reuse-list" });
    /** @type {(value: any) => void} */
    let choose = () => {};
    const draw = () => {
      const found = reusableMeetings(ctx.index.query("meetings", { q: search.value }), options.recordId && options.recordId());
      replace(results, found.length ? found.slice(0, 50).map((m) => h("li", null,
        h("button", { type: "button", class: "reuse-item", "data-id": m.id, onclick: () => choose(m) },
          h("span", { class: "strong", dir: "auto", text: m.title || "—" }),
          h("span", { class: "small" }, joined([formatLocalDateTime(m.start_at), m.location,
            t("attendees_n", { n: m.attendees.filter((a) => a && a.full_name).length })])))))
        : h("li", { class: "empty", text: t("reuse_none") }));
    };
    search.addEventListener("input", draw);
    draw();
    const body = h("div", { class: "field" }, h("label", { for: search.id, text: t("reuse_search") }), search, results);
    const picked = await modal(t("reuse_attendees"), body, [{ label: t("back"), value: null }], search, (done) => {
      choose = done;
    });
    if (!picked) return;
    const { added, doubles } = addPeople(copiedAttendees(picked.attendees || [], getValue()));
    ctx.toast(t("reuse_done", { n: added, d: doubles }));
  }

  return {
    attendees: {
      node,
      getValue,
      setValue,
      showErrors: (errors) => {
        error.textContent = errors[""] || "";
        error.hidden = !errors[""];
        rows.forEach((row, i) => {
          for (const [name, box] of Object.entries(row.errors)) {
            const message = errors[`${i}.${name}`];
            box.textContent = message || "";
            box.hidden = !message;
            if (message) row.controls[name].setAttribute("aria-invalid", "true");
            else row.controls[name].removeAttribute("aria-invalid");
            if (message && row.more.contains(box)) {
              row.more.hidden = false;
              row.toggle.setAttribute("aria-expanded", "true");
            }
          }
        });
      },
    },
    unnamed: {
      node: unnamedNode,
      getValue: unnamedValue,
      setValue: (value) => {
        count.value = value === null || value === undefined ? "" : String(value);
        updateTotal(true);
      },
      showErrors: (errors) => {
        countError.textContent = errors[""] || "";
        countError.hidden = !errors[""];
        if (errors[""]) count.setAttribute("aria-invalid", "true");
        else count.removeAttribute("aria-invalid");
      },
    },
  };
}

/**
 * A modal <dialog> with a body and buttons; resolves with the chosen button's value, or with
 * what the body hands to `bind`'s callback. Escape gives null.
 * @param {string} title
 * @param {HTMLElement} body
 * @param {{label: string, value: any, primary?: boolean, check?: () => boolean}[]} buttons
 * @param {HTMLElement} [focus]
 * @param {(done: (value: any) => void) => void} [bind]
 */
function modal(title, body, buttons, focus, bind) {
  return new Promise((resolve) => {
    const dialog = /** @type {HTMLDialogElement} */ (h("dialog", { class: "dialog dialog-wide", "aria-label": title }));
    let settled = false;
    const finish = (value) => {
      if (settled) return;
      settled = true;
      dialog.close();
      dialog.remove();
      resolve(value);
    };
    if (bind) bind(finish);
    dialog.append(
      h("h2", { class: "dialog-title", text: title }),
      body,
      h("div", { class: "dialog-actions" }, buttons.map((b) => h("button", {
        type: "button", class: `btn ${b.primary ? "btn-primary" : ""}`, "data-action": b.primary ? "confirm" : "dismiss",
        onclick: () => {
          if (b.check && !b.check()) return;
          finish(b.value);
        },
      }, b.label))));
    dialog.addEventListener("cancel", (event) => {
      event.preventDefault();
      finish(null);
    });
    document.body.append(dialog);
    dialog.showModal();
    if (focus) focus.focus();
  });
}

/**
 * A meeting's attendance under its attendee list on the detail screens: named present plus
 * unnamed, the sum the form writes into actual_count (empty when nobody is unnamed).
 * @param {Record<string, any>} rec
 */
export function attendanceLine(rec) {
  const unnamed = Number.isInteger(rec.unnamed_count) ? rec.unnamed_count : 0;
  if (!unnamed) return "";
  return h("p", { class: "small attendance-sum", "data-testid": "attendance-sum",
    text: t("attendance_sum", { named: presentCount(rec.attendees), unnamed, n: attendanceTotal(rec.attendees, unnamed) }) });
}
