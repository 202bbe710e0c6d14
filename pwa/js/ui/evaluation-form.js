// Evaluate a model against a criteria set, offline (DOMAIN.md §2.6): criterion by criterion,
// the points with the maximum shown, a comment, and the running total and rating as the server
// will compute them (lib/scoring.js). Saved and queued like every record.

import { enumLabel, formatNumber, getLang, t } from "../i18n/labels.js";
import { parseNumber } from "../lib/record-rules.js";
import { maxScore, rating, scoreErrors, total } from "../lib/scoring.js";
import { formSpecs, ownerOptions, recordForm } from "./forms.js";
import { h, replace } from "./dom.js";

/** What kind of subject a model is, as criteria sets name it. @param {any} model */
export function appliesKind(model) {
  if (!model || model.kind !== "DIEN_HINH") return "MO_HINH";
  return model.subject_type === "CA_NHAN" ? "DIEN_HINH_CA_NHAN" : "DIEN_HINH_TAP_THE";
}

/** The points and comment of each criterion of a set, with the running total and rating. */
function scoreSheet() {
  /** @type {any} */
  let current = null;
  /** @type {Map<string, {points: HTMLInputElement, comment: HTMLInputElement, error: HTMLElement}>} */
  let rows = new Map();
  /** @type {any[]} values to show once a set is chosen (a draft, an edit) */
  let pending = [];
  const list = h("ol", { class: "rows score-rows" });
  const summary = h("p", { class: "score-total", "aria-live": "polite", "data-testid": "score-total" });
  const empty = h("p", { class: "small", text: t("choose_set") });
  const node = h("fieldset", { class: "field score-sheet" }, h("legend", { text: `${t("f_scores")} *` }), empty, list, summary);

  function values() {
    /** @type {{code: string, points: number, comment?: string}[]} */
    const out = [];
    for (const [code, row] of rows) {
      const points = parseNumber(row.points.value);
      if (points === null) continue;
      const comment = row.comment.value.trim();
      out.push(comment ? { code, points, comment } : { code, points });
    }
    return out;
  }

  function drawTotal() {
    if (!current) {
      summary.textContent = "";
      return;
    }
    const sum = total(values().map((s) => s.points));
    const lang = getLang();
    summary.textContent = `${t("running_total", { total: formatNumber(sum, lang), max: formatNumber(maxScore(current.criteria), lang) })} · ${t("rating_now", { rating: enumLabel("rating", rating(sum, current.thresholds || {})) })}`;
  }

  /** @param {any} set */
  function show(set) {
    const kept = rows.size ? values() : pending;
    current = set || null;
    rows = new Map();
    empty.hidden = Boolean(current);
    if (!current) {
      replace(list);
      drawTotal();
      return;
    }
    const byCode = new Map(kept.map((s) => [s.code, s]));
    replace(list, current.criteria.map((criterion, i) => {
      const id = `score-${i}`;
      const previous = byCode.get(criterion.code) || {};
      const points = /** @type {HTMLInputElement} */ (h("input", {
        id, type: "text", inputmode: "decimal", class: "input input-points", autocomplete: "off",
        "data-criterion": criterion.code, "aria-describedby": `${id}-err`,
        value: previous.points === undefined ? "" : String(previous.points),
      }));
      const comment = /** @type {HTMLInputElement} */ (h("input", {
        id: `${id}-c`, type: "text", class: "input", maxlength: 2000, autocomplete: "off", value: previous.comment || "",
      }));
      const error = h("p", { class: "field-error", id: `${id}-err`, hidden: true });
      rows.set(criterion.code, { points, comment, error });
      return h("li", { class: "row-card score-row" },
        h("p", { class: "strong", dir: "auto", text: `${criterion.code}. ${criterion.text}` }),
        criterion.evidence_required ? h("p", { class: "small", text: t("evidence_required") }) : "",
        h("div", { class: "field" }, h("label", { for: id, text: t("points_of", { max: formatNumber(criterion.max_points, getLang()) }) }), points, error),
        h("div", { class: "field" }, h("label", { for: `${id}-c`, text: t("score_comment") }), comment));
    }));
    drawTotal();
  }

  node.addEventListener("input", (event) => {
    // A corrected score loses its old message at once; the save checks it again.
    const target = /** @type {HTMLElement} */ (event.target);
    const row = target.dataset.criterion && rows.get(target.dataset.criterion);
    if (row) {
      row.error.hidden = true;
      row.points.removeAttribute("aria-invalid");
    }
    drawTotal();
  });
  return {
    node,
    show,
    current: () => current,
    getValue: values,
    /** @param {any[]} scores */
    setValue: (scores) => {
      pending = scores || [];
      if (current) {
        rows = new Map();
        show(current);
      }
    },
    /** @param {Record<string, string>} errors keys "" or "<code>" */
    showErrors: (errors) => {
      for (const [code, row] of rows) {
        const message = errors[code] || "";
        row.error.textContent = message;
        row.error.hidden = !message;
        if (message) row.points.setAttribute("aria-invalid", "true");
        else row.points.removeAttribute("aria-invalid");
      }
      empty.hidden = Boolean(current) && !errors[""];
      if (errors[""]) empty.textContent = errors[""];
    },
  };
}

export function renderEvaluationForm(ctx, params) {
  const existing = params.id ? ctx.index.get("evaluations", params.id) : undefined;
  const models = () => ctx.index.tables.models.all().map((item) => /** @type {[string, string]} */ ([item.rec.id, item.rec.name]));
  const modelOf = (id) => ctx.index.get("models", id);
  // An evaluation keeps the version it was made with; a new one offers the current versions.
  const setOptions = () => {
    const sets = ctx.index.currentSets();
    const kept = existing && ctx.index.criteriaSet(existing.set_id);
    if (kept && !sets.includes(kept)) sets.unshift(kept);
    return sets.map((s) => /** @type {[string, string]} */ ([s.id, `${s.name}${s.version_no > 1 ? ` (${t("set_version", { n: s.version_no })})` : ""}`]));
  };
  const sheet = scoreSheet();
  const specs = formSpecs("evaluations", {
    model_id: { kind: "select", options: models },
    set_id: { kind: "select", options: setOptions },
    owner_unit_id: { label: "f_evaluating_unit", options: () => ownerOptions(ctx) },
    scores: { widget: sheet },
  });
  const view = recordForm(ctx, {
    table: "evaluations",
    id: params.id,
    route: params.id ? `#/evaluations/${params.id}/edit` : "#/evaluations/new",
    query: params.query,
    specs,
    title: params.id ? t("edit") : t("add_evaluation"),
    defaults: () => ({
      model_id: params.query.model || null,
      set_id: (ctx.index.currentSets(appliesKind(modelOf(params.query.model)))[0] || {}).id || null,
      owner_unit_id: ctx.user.unit.id,
      eval_date: new Date(Date.now() + 7 * 3600e3).toISOString().slice(0, 10),
      evaluator_name: ctx.user.full_name,
      scores: [],
    }),
    check: (record) => {
      const set = ctx.index.criteriaSet(record.set_id);
      if (!set) return {};
      /** @type {Record<string, string>} */
      const errors = {};
      const { problems, missing } = scoreErrors(set.criteria, record.scores || []);
      for (const [index, problem] of Object.entries(problems)) {
        const score = record.scores[Number(index)];
        const max = (set.criteria.find((c) => c.code === score.code) || {}).max_points;
        errors[`scores.${score.code}`] = problem === "precision" ? t("score_precision") : t("score_above_max", { max: formatNumber(max, getLang()) });
      }
      for (const code of missing) errors[`scores.${code}`] = t("score_missing");
      return errors;
    },
  });
  const select = /** @type {HTMLSelectElement|null} */ (view.node.querySelector("select[name=set_id]"));
  const follow = () => sheet.show(select && select.value ? ctx.index.criteriaSet(select.value) : null);
  if (select) select.addEventListener("change", follow);
  follow();
  // A draft restored after the first paint names its set: follow it once more then.
  setTimeout(follow, 0);
  if (!ctx.index.currentSets().length && !existing) {
    view.node.querySelector("form")?.prepend(h("p", { class: "card alert", role: "status", text: t("no_criteria_sets") }));
  }
  return view;
}
