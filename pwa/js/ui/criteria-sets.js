// "Bộ tiêu chí": the criteria sets a reviewer's or administrator's unit issues, and the editor
// (online: the server keeps the versions). An edit of a set some evaluation uses makes its next
// version; phones receive the sets on their next sync.

import { enumLabel, enumOptions, formatNumber, getLang, t } from "../i18n/labels.js";
import { parseNumber } from "../lib/record-rules.js";
import { maxScore, thresholdErrors } from "../lib/scoring.js";
import { ApiError, request } from "../sync/http.js";
import { h, replace } from "./dom.js";
import { subnav } from "./staff-nav.js";

const THRESHOLDS = ["XUAT_SAC", "TOT", "KHA", "DAT"];

/** Tell whether the user may issue sets for their own unit (reviewer or administrator). */
export function managesSets(user) {
  return user.roles.includes("LANH_DAO_DUYET") || user.roles.includes("QUAN_TRI");
}

/** @param {any} ctx @param {{parts: string[], query: Record<string, string>}} params */
export function render(ctx, { parts }) {
  const node = h("section", { class: "screen screen-criteria" });
  const token = ctx.session.token;
  const id = parts[1];

  async function list() {
    replace(node, subnav(ctx, "criteria"), h("h2", { class: "screen-title", text: t("criteria_sets") }), h("p", { class: "small", text: "…" }));
    let sets = [...ctx.index.criteriaSets.values()].filter((s) => !s.superseded_at);
    try {
      sets = (await request("/api/v1/criteria-sets", { token })).data;
    } catch {
      // Offline: the sets pulled with the last sync.
    }
    replace(node, subnav(ctx, "criteria"), h("h2", { class: "screen-title", text: t("criteria_sets") }),
      h("ul", { class: "record-list", "data-testid": "criteria-sets" }, sets.map((s) => h("li", null,
        h("a", { class: "record-row", href: `#/criteria/${s.id}` },
          h("span", { class: "row-title", dir: "auto", text: s.name }),
          h("span", { class: "row-sub", text: [
            (ctx.index.unit(s.issuer_unit_id) || { name: `#${s.issuer_unit_id}` }).name,
            s.doc_number, `${formatNumber(s.max_score, getLang())} ${t("points_unit")}`, t("set_version", { n: s.version_no }),
          ].filter(Boolean).join(" · ") }))))),
      sets.length ? "" : h("p", { class: "empty", text: t("no_criteria_sets_staff") }),
      managesSets(ctx.user) ? h("a", { class: "btn btn-primary btn-block", href: "#/criteria/new", "data-action": "new-set" }, `+ ${t("new_criteria_set")}`) : "");
  }

  async function editor() {
    let set = null;
    if (id !== "new") {
      set = ctx.index.criteriaSet(id);
      try {
        set = (await request(`/api/v1/criteria-sets/${encodeURIComponent(id)}`, { token })).data;
      } catch {
        // Offline: the pulled copy, read only.
      }
      if (!set) {
        replace(node, h("p", { text: t("not_found") }));
        return;
      }
    }
    const readOnly = Boolean(set && set.superseded_at) || !managesSets(ctx.user);
    const input = (name, value, attrs = {}) => /** @type {HTMLInputElement} */ (h("input", {
      name, class: "input", autocomplete: "off", value: value ?? "", disabled: readOnly, ...attrs,
    }));
    const field = (label, control) => {
      const fieldId = `cs-${control.getAttribute("name")}`;
      control.id = fieldId;
      return h("div", { class: "field" }, h("label", { for: fieldId, text: label }), control);
    };
    const name = input("name", set && set.name, { maxlength: 500 });
    const docNumber = input("doc_number", set && set.doc_number, { maxlength: 64 });
    const docDate = input("doc_date", set && set.doc_date, { type: "date" });
    const period = input("period", (set && set.period) || "GD_2026_2030", { maxlength: 16 });
    const applies = h("div", { class: "checks", role: "group", "aria-label": t("applies_to") },
      enumOptions("applies_to").map(([code, label]) => h("label", { class: "check-label" },
        h("input", { type: "checkbox", class: "check", value: code, disabled: readOnly,
          checked: !set || (set.applies_to || []).includes(code) }), label)));
    const allowSelf = /** @type {HTMLInputElement} */ (h("input", { type: "checkbox", class: "check", id: "cs-allow-self", checked: Boolean(set && set.allow_self), disabled: readOnly }));
    const rows = h("ol", { class: "rows" });
    const maxLine = h("p", { class: "score-total", "aria-live": "polite" });
    const error = h("p", { class: "form-error", role: "alert", hidden: true });
    const thresholdInputs = Object.fromEntries(THRESHOLDS.map((r) => [r, input(`t_${r}`, set && set.thresholds ? set.thresholds[r] : "", { inputmode: "decimal" })]));

    function addRow(c = {}) {
      const n = rows.children.length + 1;
      const row = h("li", { class: "row-card criterion-row" },
        field(`${t("criterion")} ${n}: ${t("criterion_code")}`, input(`code_${n}`, c.code || `TC${n}`, { maxlength: 32, "data-part": "code" })),
        field(t("criterion_text"), input(`text_${n}`, c.text, { maxlength: 2000, "data-part": "text" })),
        field(t("criterion_points"), input(`points_${n}`, c.max_points, { inputmode: "decimal", "data-part": "points" })),
        h("label", { class: "check-label" }, h("input", { type: "checkbox", class: "check", "data-part": "evidence", checked: Boolean(c.evidence_required), disabled: readOnly }), t("evidence_required")),
        readOnly ? "" : h("button", { type: "button", class: "btn btn-small btn-remove", onclick: () => { row.remove(); drawMax(); } }, t("remove")));
      rows.append(row);
    }
    const criteria = () => [...rows.children].map((row, i) => {
      const part = (p) => /** @type {HTMLInputElement} */ (row.querySelector(`[data-part="${p}"]`));
      return { order: i + 1, code: part("code").value.trim(), text: part("text").value.trim(),
        max_points: parseNumber(part("points").value), evidence_required: part("evidence").checked };
    });
    function drawMax() {
      const total = maxScore(criteria().map((c) => ({ max_points: c.max_points || 0 })));
      maxLine.textContent = t("max_score_is", { max: formatNumber(total, getLang()) });
    }
    for (const c of (set && set.criteria) || [{}, {}, {}]) addRow(c);
    drawMax();
    rows.addEventListener("input", drawMax);

    async function save(event) {
      event.preventDefault();
      const body = {
        name: name.value.trim(), doc_number: docNumber.value.trim() || null, doc_date: docDate.value || null,
        period: period.value.trim() || null, allow_self: allowSelf.checked,
        applies_to: [...applies.querySelectorAll("input:checked")].map((b) => /** @type {HTMLInputElement} */ (b).value),
        criteria: criteria(),
        thresholds: Object.fromEntries(THRESHOLDS.map((r) => [r, parseNumber(thresholdInputs[r].value)])),
      };
      const problems = thresholdErrors(body.thresholds, maxScore(body.criteria.map((c) => ({ max_points: c.max_points || 0 }))));
      if (Object.keys(problems).length) {
        error.textContent = `${t("thresholds_invalid")} (${Object.keys(problems).map((r) => enumLabel("rating", r)).join(", ")})`;
        error.hidden = false;
        return;
      }
      try {
        const response = set
          ? await request(`/api/v1/criteria-sets/${set.id}`, { token, method: "PUT", json: { ...body, version_no: set.version_no } })
          : await request("/api/v1/criteria-sets", { token, json: { ...body, issuer_unit_id: ctx.user.unit.id } });
        ctx.toast(t("criteria_set_saved"));
        ctx.syncNow();
        ctx.navigate(`#/criteria/${response.data.id}`, { replace: true });
      } catch (err) {
        error.textContent = err instanceof ApiError && err.status === 0 ? t("online_only") : /** @type {Error} */ (err).message;
        error.hidden = false;
      }
    }

    replace(node, subnav(ctx, "criteria"),
      h("h2", { class: "screen-title", text: set ? set.name : t("new_criteria_set") }),
      set ? h("p", { class: "small", text: `${t("set_version", { n: set.version_no })}${set.superseded_at ? ` · ${t("set_superseded")}` : ""}` }) : "",
      h("form", { class: "record-form", novalidate: true, onsubmit: save },
        error,
        field(t("set_name"), name), field(t("doc_number"), docNumber), field(t("doc_date"), docDate), field(t("f_period"), period),
        h("fieldset", { class: "field" }, h("legend", { text: t("applies_to") }), applies),
        h("div", { class: "field field-check" }, h("label", { for: "cs-allow-self", class: "check-label" }, allowSelf, t("allow_self"))),
        h("fieldset", { class: "field list-editor" }, h("legend", { text: t("criteria_list") }), rows,
          readOnly ? "" : h("button", { type: "button", class: "btn btn-add", onclick: () => addRow() }, `+ ${t("add_criterion")}`)),
        maxLine,
        h("fieldset", { class: "field" }, h("legend", { text: t("rating_thresholds") }),
          THRESHOLDS.map((r) => field(`${enumLabel("rating", r)} ≥`, thresholdInputs[r]))),
        readOnly ? "" : h("div", { class: "save-bar" },
          h("a", { class: "btn", href: "#/criteria" }, t("back")),
          h("button", { type: "submit", class: "btn btn-primary", "data-action": "save-set" }, t("save")))));
  }

  if (id) editor();
  else list();
  return { node };
}
