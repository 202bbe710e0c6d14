// Lists of records: diacritic-insensitive search, filters, 50 rows at a time; a model shows its
// highest recognition, an inspection its overdue follow-up (a list of those on ?overdue=1).

import { EV, on } from "../events.js";
import { enumLabel, enumOptions, formatDate, formatLocalDateTime, t } from "../i18n/labels.js";
import { byModel, daysOverdue, highestRecognition, isOverdue } from "../lib/recognition.js";
import { h, joined, recordTitle, replace, reviewBadge, reworkFlag, syncBadge } from "./dom.js";

// Rows rendered per step: enough to fill two screens; the rest waits for "Xem thêm", so a list
// of 10,000 records costs what 50 cost.
const PAGE = 50;

const FILTERS = {
  models: [["field", "filter_field", "field"], ["status", "filter_status", "model_status"], ["review_status", "filter_review", "review_status"]],
  meetings: [["type", "filter_type", "meeting_type"], ["review_status", "filter_review", "review_status"]],
  evaluations: [["rating", "filter_rating", "rating"], ["review_status", "filter_review", "review_status"]],
  recognitions: [["stage", "filter_stage", "recognition_stage"], ["level", "filter_level", "recognition_level"], ["review_status", "filter_review", "review_status"]],
  inspections: [["kind", "filter_inspection_kind", "inspection_kind"], ["result", "filter_result", "inspection_result"], ["review_status", "filter_review", "review_status"]],
};
const ADD_LABEL = { models: "add_model", meetings: "add_meeting", evaluations: "add_evaluation", recognitions: "add_recognition", inspections: "add_inspection" };

/** Today in Vietnam, YYYY-MM-DD. */
const today = () => new Date(Date.now() + 7 * 3600e3).toISOString().slice(0, 10);

/** A model's highest recognition as a short badge text, e.g. "Khen thưởng · Tỉnh". */
export function recognitionBadge(rec) {
  return rec ? [enumLabel("recognition_stage", rec.stage), enumLabel("recognition_level", rec.level)].join(" · ") : "";
}

export function render(ctx, { table, query }) {
  const { index } = ctx;
  const state = { q: query.q || "", shown: PAGE, overdue: table === "inspections" && query.overdue === "1" };
  /** @type {Map<string, any[]>} */
  let recognitions = new Map();
  /** @type {Record<string, string>} */
  const filters = {};
  for (const [name] of FILTERS[table]) if (query[name]) filters[name] = query[name];

  const search = /** @type {HTMLInputElement} */ (h("input", {
    type: "search", class: "input search", placeholder: t("search"), "aria-label": t("search"),
    value: state.q, autocomplete: "off", enterkeyhint: "search",
  }));
  const selects = FILTERS[table].map(([name, label, enumName]) => {
    const select = /** @type {HTMLSelectElement} */ (h("select", { class: "input filter", "aria-label": t(label), "data-filter": name },
      h("option", { value: "", text: `${t(label)}: ${t("all")}` }),
      enumOptions(enumName).map(([code, text]) => h("option", { value: code, text }))));
    select.value = filters[name] || "";
    select.addEventListener("change", () => {
      if (select.value) filters[name] = select.value;
      else delete filters[name];
      state.shown = PAGE;
      draw();
    });
    return select;
  });
  const summary = h("p", { class: "small list-summary", "aria-live": "polite" });
  const list = h("ul", { class: "record-list", "data-testid": "record-list" });
  const more = h("button", { type: "button", class: "btn btn-block", hidden: true, onclick: () => {
    state.shown += PAGE;
    draw();
  } });

  function subLine(rec) {
    if (table === "models") return [enumLabel("field", rec.field), rec.locality, (index.unit(rec.commune_unit_id) || {}).name];
    if (table === "recognitions") {
      const model = index.get("models", rec.subject_model_id);
      return [model ? model.name : "", enumLabel("recognition_form", rec.form), formatDate(rec.decision_date)];
    }
    if (table === "inspections") {
      return [enumLabel("inspection_kind", rec.kind), formatDate(rec.date_from), (index.unit(rec.conducting_unit_id) || {}).name];
    }
    if (table === "evaluations") {
      return [(index.get("models", rec.model_id) || {}).name, rec.rating ? enumLabel("rating", rec.rating) : ""];
    }
    return [enumLabel("meeting_type", rec.type), formatLocalDateTime(rec.start_at), rec.location];
  }

  function extraBadge(rec) {
    if (table === "models") {
      const top = highestRecognition(recognitions.get(rec.id) || []);
      return top ? h("span", { class: "badge badge-recognition", "data-testid": "recognition-badge", text: recognitionBadge(top) }) : "";
    }
    if (table === "inspections" && isOverdue(rec, today())) {
      return h("span", { class: "badge badge-overdue", "data-testid": "overdue", text: t("overdue_days", { n: daysOverdue(rec.follow_up_due, today()) }) });
    }
    return "";
  }

  function row(rec) {
    const state = index.stateOf(table, rec);
    const sub = subLine(rec);
    return h("li", null, h("a", { class: `record-row${rec.review_status === "TRA_LAI" ? " is-returned" : ""}`, href: `#/${table}/${rec.id}`, "data-id": rec.id },
      h("span", { class: "row-title", dir: "auto", text: recordTitle(table, rec) }),
      h("span", { class: "row-sub" }, joined(sub)),
      h("span", { class: "row-badges" },
        rec.review_status === "TRA_LAI" ? reworkFlag() : reviewBadge(rec.review_status),
        state !== "DA_DONG_BO" ? syncBadge(state) : "",
        extraBadge(rec),
        table === "models" && rec.start_date ? h("span", { class: "small", text: formatDate(rec.start_date) }) : "")));
  }

  function draw() {
    const started = performance.now();
    if (table === "models") recognitions = byModel(index.tables.recognitions.all().map((item) => item.rec));
    let results = index.query(table, { q: search.value, ...filters });
    if (state.overdue) results = results.filter((rec) => isOverdue(rec, today()));
    const total = index.count(table);
    replace(list, results.slice(0, state.shown).map(row));
    summary.textContent = results.length
      ? t("n_records", { n: results.length })
      : total ? t("no_match") : t("no_records");
    const left = results.length - state.shown;
    more.hidden = left <= 0;
    more.textContent = t("show_more", { n: Math.max(0, left) });
    list.dataset.renderMs = String(Math.round((performance.now() - started) * 10) / 10);
    // The first list a page shows ends its cold start (bench/pwa_budgets.py reads the marks).
    if (!performance.getEntriesByName("sotay:list").length) performance.mark("sotay:list");
    list.dataset.count = String(results.length);
  }

  search.addEventListener("input", () => {
    state.shown = PAGE;
    draw();
  });

  draw();
  const addHref = `#/${table}/new`;
  const node = h("section", { class: "screen screen-list" },
    h("h2", { class: "screen-title", text: t(state.overdue ? "overdue_only" : `nav_${table}`) }),
    h("div", { class: "list-tools" }, search, h("div", { class: "filters" }, selects)),
    summary, list, more,
    ctx.canWrite ? h("a", { class: "fab", href: addHref, "aria-label": t(ADD_LABEL[table]) }, "+") : "");
  const stop = on(EV.INDEX_CHANGED, (detail) => {
    if (!detail || !detail.tables || detail.tables.some((x) => [table, "outbox", "conflicts", "recognitions"].includes(x))) draw();
  });
  return { node, dispose: stop };
}
