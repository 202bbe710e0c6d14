// An evaluation's scores on its detail screen, and a model's evaluations on the model's.

import { enumLabel, formatDate, formatNumber, getLang, t } from "../i18n/labels.js";
import { maxScore, rating, total } from "../lib/scoring.js";
import { h, reviewBadge } from "./dom.js";

/** Total and rating as the server computed them, else as the phone computes them (unsynced). */
export function scoreOf(ctx, rec) {
  const set = ctx.index.criteriaSet(rec.set_id);
  const sum = typeof rec.total === "number" ? rec.total : total((rec.scores || []).map((s) => Number(s.points)));
  const rated = rec.rating || (set ? rating(sum, set.thresholds || {}) : null);
  return { sum, rated, max: set ? maxScore(set.criteria) : null, set };
}

/** The criteria set, the model and each criterion's points on an evaluation's detail. */
export function evaluationCard(ctx, rec) {
  const { sum, rated, max, set } = scoreOf(ctx, rec);
  const model = ctx.index.get("models", rec.model_id);
  const lang = getLang();
  const criteria = new Map(((set && set.criteria) || []).map((c) => [c.code, c]));
  return h("div", { class: "card evaluation-card", "data-testid": "evaluation-card" },
    h("p", { class: "label", text: t("f_model_id") }),
    model ? h("a", { href: `#/models/${model.id}`, dir: "auto", text: model.name }) : h("p", { text: rec.model_id }),
    h("p", { class: "label", text: t("criteria_set") }),
    h("p", { dir: "auto", text: set ? `${set.name}${set.doc_number ? ` (${set.doc_number})` : ""}` : rec.set_id }),
    set && set.superseded_at ? h("p", { class: "small", text: `${t("set_version", { n: set.version_no })} · ${t("set_superseded")}` }) : "",
    h("p", { class: "score-total", "data-testid": "evaluation-rating" },
      `${t("running_total", { total: formatNumber(sum, lang), max: max === null ? "—" : formatNumber(max, lang) })} · `,
      h("strong", { text: rated ? enumLabel("rating", rated) : "—" })),
    h("ol", { class: "plain-list score-list" }, (rec.scores || []).map((s) => {
      const criterion = criteria.get(s.code);
      return h("li", null,
        h("span", { class: "strong", dir: "auto", text: criterion ? `${s.code}. ${criterion.text}` : s.code }),
        h("span", { class: "small", text: `${formatNumber(s.points, lang)}${criterion ? `/${formatNumber(criterion.max_points, lang)}` : ""}` }),
        s.comment ? h("span", { class: "small", dir: "auto", text: s.comment }) : "");
    })));
}

/** A model's evaluations, the latest rating first, and the way to evaluate it. */
export function modelEvaluations(ctx, model) {
  const list = ctx.index.evaluationsOf(model.id);
  const latest = list[0];
  const lang = getLang();
  return h("div", { class: "card", "data-testid": "model-evaluations" },
    h("p", { class: "label", text: t("evaluations_of_model") }),
    latest ? h("p", { class: "latest-rating", "data-testid": "latest-rating" },
      `${t("latest_rating")}: `, h("strong", { text: enumLabel("rating", scoreOf(ctx, latest).rated || "") || "—" })) : "",
    list.length ? h("ul", { class: "plain-list" }, list.map((e) => {
      const { sum, rated } = scoreOf(ctx, e);
      return h("li", null, h("a", { href: `#/evaluations/${e.id}`, class: "record-row" },
        h("span", { class: "row-title", text: `${formatDate(e.eval_date)} · ${rated ? enumLabel("rating", rated) : "—"} · ${formatNumber(sum, lang)}` }),
        h("span", { class: "row-badges" }, reviewBadge(e.review_status))));
    })) : h("p", { class: "small", text: t("no_evaluations") }),
    ctx.canWrite && !model.deleted ? h("a", { class: "btn btn-block", href: `#/evaluations/new?model=${encodeURIComponent(model.id)}`, "data-action": "evaluate" }, t("evaluate")) : "");
}
