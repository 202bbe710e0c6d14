// "Chờ duyệt": the models and meetings waiting for review in the reviewer's scope, built from
// the records synced to this device, so it works offline; filtered by unit, field, meeting type
// and waiting time, the longest waiting first. A row opens the reviewer's detail.

import { EV, on } from "../events.js";
import { enumLabel, enumOptions, formatInstant, formatLocalDateTime, formatNumber, getLang, t } from "../i18n/labels.js";
import { completeness } from "../lib/attachments.js";
import { AGE_BUCKETS, ageBucket, ageCounts, decision, isReviewer, queue, recordUnitId, within } from "../lib/review-rules.js";
import { RECORD_TABLES } from "../store/db.js";
import { reviewRecords } from "../store/records.js";
import { confirmDialog, h, joined, lastSyncText, promptDialog, recordTitle, replace, syncBadge } from "./dom.js";
import * as detail from "./review-detail.js";
import { entries, subnav } from "./staff-nav.js";

// Rows drawn at once; the rest behind "Xem thêm", as in the record lists.
const PAGE = 50;

/** The queue hash last shown, so the detail's "back" and a decision return to the same filters. */
export let queueHash = "#/review";

export function render(ctx, { parts, query }) {
  if (RECORD_TABLES.includes(parts[1]) && parts[2]) return detail.render(ctx, { table: parts[1], id: parts[2], back: queueHash });
  if (!isReviewer(ctx.user)) return { node: h("section", { class: "screen" }, subnav(ctx, "review"), h("p", { class: "empty", text: t("reviewers_only") })) };

  const { index, user } = ctx;
  const unitOf = (id) => index.unit(id);
  /** @type {Record<string, string>} */
  const filters = {};
  for (const name of ["table", "unit", "field", "type", "age", "mine"]) if (query[name]) filters[name] = query[name];
  let shown = PAGE;
  // Records ticked for a decision together, by "<table>:<id>".
  /** @type {Set<string>} */
  const picked = new Set();

  const select = (name, label, options) => {
    const el = /** @type {HTMLSelectElement} */ (h("select", { class: "input filter", "aria-label": t(label), "data-filter": name },
      h("option", { value: "", text: t(`any_${name}`) }),
      options.map(([value, text]) => h("option", { value: String(value), text }))));
    el.value = filters[name] || "";
    el.addEventListener("change", () => set(name, el.value));
    return el;
  };
  const mine = /** @type {HTMLInputElement} */ (h("input", { type: "checkbox", class: "check", "data-filter": "mine", checked: filters.mine === "1" }));
  mine.addEventListener("change", () => set("mine", mine.checked ? "1" : ""));
  const scopeUnits = index.units.filter((u) => u.id !== user.unit.id && within(u, user.unit));
  const depth0 = (user.unit.path || "").split("/").length;
  const controls = {
    table: select("table", "filter_table", RECORD_TABLES.map((name) => [name, t(`count_${name}`)])),
    unit: select("unit", "filter_unit", scopeUnits.map((u) => [u.id, `${"· ".repeat(Math.max(0, (u.path || "").split("/").length - depth0 - 1))}${u.name}`])),
    field: select("field", "filter_field", enumOptions("field")),
    type: select("type", "filter_type", enumOptions("meeting_type")),
    age: select("age", "filter_age", AGE_BUCKETS.map((b) => [b, t(`age_${b}`)])),
  };
  const summary = h("p", { class: "queue-summary", "aria-live": "polite", "data-testid": "queue-summary" });
  const ages = h("div", { class: "row-badges" });
  const source = h("p", { class: "small" });
  const list = h("ul", { class: "record-list queue-list", "data-testid": "queue" });
  const more = h("button", { type: "button", class: "btn btn-block", hidden: true, onclick: () => {
    shown += PAGE;
    draw();
  } });

  function set(name, value) {
    if (value) filters[name] = value;
    else delete filters[name];
    shown = PAGE;
    const search = new URLSearchParams(filters).toString();
    queueHash = `#/review${search ? `?${search}` : ""}`;
    history.replaceState(null, "", queueHash);
    draw();
  }

  function row({ table, rec, days }) {
    const d = decision(rec, user);
    const unit = unitOf(recordUnitId(table, rec));
    const sub = table === "models"
      ? [enumLabel("model_kind", rec.kind), enumLabel("field", rec.field)]
      : table === "evaluations"
        ? [(index.get("models", rec.model_id) || {}).name, rec.rating ? enumLabel("rating", rec.rating) : ""]
        : [enumLabel("meeting_type", rec.type), formatLocalDateTime(rec.start_at)];
    const waited = days === null ? "" : days < 1 ? t("waiting_today") : t("waiting_days", { n: formatNumber(Math.floor(days), getLang()) });
    const state = index.stateOf(table, rec);
    const key = `${table}:${rec.id}`;
    const queued = (index.pending.get(key) || []).some((e) => e.op === "review");
    const pick = d.approve && d.return && !queued
      ? /** @type {HTMLInputElement} */ (h("input", { type: "checkbox", class: "check", "data-pick": key,
        "aria-label": `${t("pick_record")}: ${recordTitle(table, rec)}`, checked: picked.has(key) }))
      : null;
    if (pick) pick.addEventListener("change", () => {
      if (pick.checked) picked.add(key);
      else picked.delete(key);
      drawBulk();
    });
    return h("li", { class: `queue-item${pick ? " has-pick" : ""}` }, pick ? h("label", { class: "pick" }, pick) : "", h("a", { class: "record-row queue-row", href: `#/review/${table}/${rec.id}`, "data-id": rec.id, "data-table": table },
      h("span", { class: "row-title", dir: "auto", text: recordTitle(table, rec) }),
      h("span", { class: "row-sub" }, joined([...sub, unit && unit.name])),
      h("span", { class: "row-badges" },
        waited ? h("span", { class: `badge age-${ageBucket(days)}`, "data-age": ageBucket(days), text: waited }) : "",
        h("span", { class: "small", text: t("submitted_at", { at: formatInstant(rec.submitted_at || rec.updated_at) }) }),
        d.own ? h("span", { class: "badge", "data-own": "1", text: t("own_record") }) : "",
        !d.own && !d.turn ? h("span", { class: "badge", "data-awaiting": String(d.awaiting), text: t("awaiting_level", { unit: (unitOf(d.awaiting) || { name: `#${d.awaiting}` }).name }) }) : "",
        filesBadge(rec),
        state !== "DA_DONG_BO" ? syncBadge(state) : "")));
  }

  /** "Thiếu tệp (2/3)" on a record the server holds only some declared files of; else nothing. */
  function filesBadge(rec) {
    const count = completeness(rec);
    if (!count.known || count.received >= count.declared) return "";
    return h("span", { class: "badge badge-missing", "data-files-missing": String(count.declared - count.received),
      text: t("queue_files_missing", { received: count.received, total: count.declared }) });
  }

  const bulk = h("div", { class: "bulk-bar", "data-testid": "bulk-bar", hidden: true });
  /** @type {{table: string, rec: any}[]} */
  let decidable = [];

  function drawBulk() {
    // Ticks of records that left the queue (decided elsewhere, synced) no longer count.
    const live = new Set(decidable.map(({ table, rec }) => `${table}:${rec.id}`));
    for (const key of [...picked]) if (!live.has(key)) picked.delete(key);
    const n = picked.size;
    const lang = getLang();
    bulk.hidden = decidable.length === 0;
    replace(bulk,
      h("label", { class: "check-label" },
        (() => {
          const all = /** @type {HTMLInputElement} */ (h("input", { type: "checkbox", class: "check", "data-action": "pick-all",
            checked: n > 0 && n === decidable.length }));
          all.addEventListener("change", () => {
            picked.clear();
            if (all.checked) for (const { table, rec } of decidable) picked.add(`${table}:${rec.id}`);
            draw();
          });
          return all;
        })(),
        t("pick_all", { n: formatNumber(decidable.length, lang) })),
      h("p", { class: "small", "aria-live": "polite", "data-testid": "picked", text: t("picked_n", { n: formatNumber(n, lang) }) }),
      h("div", { class: "actions" },
        h("button", { type: "button", class: "btn btn-primary", "data-action": "approve-picked", disabled: n === 0,
          onclick: () => decide("approve") }, t("approve_n", { n: formatNumber(n, lang) })),
        h("button", { type: "button", class: "btn", "data-action": "return-picked", disabled: n === 0,
          onclick: () => decide("return") }, t("return_n", { n: formatNumber(n, lang) }))));
  }

  async function decide(action) {
    const items = [...picked].map((key) => {
      const i = key.indexOf(":");
      return { table: key.slice(0, i), id: key.slice(i + 1) };
    });
    if (!items.length) return;
    let comment;
    const n = formatNumber(items.length, getLang());
    if (action === "return") {
      comment = await promptDialog({ title: t("return_n", { n }), label: t("return_reason"), required: true, ok: t("return") });
      if (comment === null) return;
    } else if (!(await confirmDialog(t("approve_confirm_n", { n }), { ok: t("approve") }))) {
      return;
    }
    const count = await reviewRecords(items, action, comment);
    picked.clear();
    ctx.toast(t("review_queued_n", { n: formatNumber(count, getLang()) }));
    draw();
  }

  function draw() {
    const table = filters.table || "";
    // A field belongs to models, a type to meetings: each shows once its table is chosen.
    controls.field.hidden = table !== "models";
    controls.type.hidden = table !== "meetings";
    const items = queue(entries(index), {
      table, field: table === "models" ? filters.field : "", type: table === "meetings" ? filters.type : "", age: filters.age,
      unit: filters.unit ? unitOf(Number(filters.unit)) || { id: Number(filters.unit) } : null, mine: filters.mine === "1",
    }, { user, unitOf });
    const lang = getLang();
    summary.textContent = items.length ? t(filters.mine ? "queue_mine_n" : "queue_n", { n: formatNumber(items.length, lang) }) : t("queue_empty");
    list.dataset.count = String(items.length);
    const counts = ageCounts(items);
    replace(ages, items.length ? AGE_BUCKETS.filter((b) => counts[b]).map((b) => h("span", { class: `badge age-${b}`, text: `${t(`age_${b}`)}: ${formatNumber(counts[b], lang)}` })) : []);
    source.textContent = t("queue_source", { sync: lastSyncText(ctx.engine.status.lastSyncAt) });
    decidable = items.filter(({ table: tb, rec }) => {
      const d = decision(rec, user);
      return d.approve && d.return && !(index.pending.get(`${tb}:${rec.id}`) || []).some((e) => e.op === "review");
    });
    replace(list, items.slice(0, shown).map(row));
    drawBulk();
    const left = items.length - shown;
    more.hidden = left <= 0;
    more.textContent = t("show_more", { n: Math.max(0, left) });
  }

  draw();
  queueHash = location.hash || "#/review";
  const node = h("section", { class: "screen screen-wide screen-queue" },
    subnav(ctx, "review"),
    h("h2", { class: "screen-title", text: t("review_queue") }),
    source,
    h("div", { class: "filters queue-filters" }, Object.values(controls)),
    h("label", { class: "check-label" }, mine, t("filter_mine")),
    summary, ages, bulk, list, more);
  const stops = [
    on(EV.INDEX_CHANGED, draw),
    on(EV.SYNC_STATE, () => { source.textContent = t("queue_source", { sync: lastSyncText(ctx.engine.status.lastSyncAt) }); }),
  ];
  return { node, dispose: () => stops.forEach((stop) => stop()) };
}
