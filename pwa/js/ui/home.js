// Home: greeting, sync card, what needs attention (returned, conflicts, errors), counts.

import { EV, on } from "../events.js";
import { formatBytes, formatNumber, getLang, t } from "../i18n/labels.js";
import { isOverdue } from "../lib/recognition.js";
import { keepDataCard } from "./keep-data.js";
import { h, lastSyncText, pendingText, recordTitle, replace, reworkFlag, statusText, syncErrorLines } from "./dom.js";

/** @param {import("../app.js").Ctx} ctx */
export function render(ctx) {
  const { index, engine } = ctx;
  const node = h("section", { class: "screen screen-home" });

  function draw() {
    const status = statusText(engine.status, index.pendingRecords());
    const p = engine.status.progress;
    // Only those who can edit records rework them; reviewers and viewers are not told to.
    const returned = ctx.canWrite ? index.returned() : [];
    const conflicts = index.openConflicts();
    const errors = index.errors();
    const today = new Date(Date.now() + 7 * 3600e3).toISOString().slice(0, 10);
    const overdue = index.tables.inspections.all().filter((item) => isOverdue(item.rec, today)).length;
    const count = (table) => h("a", { class: "card count", href: `#/${table}`, "data-testid": `count-${table}` },
      h("span", { class: "count-n", text: formatNumber(index.count(table), getLang()) }),
      h("span", { class: "count-label", text: t(`count_${table}`) }));
    replace(node,
      h("p", { class: "greeting", text: t("hello", { name: ctx.user.full_name }) }),
      h("p", { class: "unit-name", text: ctx.user.unit.name }),
      h("div", { class: `card sync-card tone-${status.tone}`, "data-testid": "sync-card" },
        h("p", { class: "sync-state", "data-testid": "sync-state", text: status.text }),
        syncErrorLines(engine.status).map((line) => h("p", { class: "small", "data-testid": "sync-error", text: line })),
        // Offline or failing, the state line does not say how much is waiting: this line does.
        status.tone !== "pending" && pendingText(index)
          ? h("p", { class: "small", "data-testid": "pending-records", text: pendingText(index) }) : "",
        h("p", { class: "small", "data-testid": "last-sync", text: lastSyncText(engine.status.lastSyncAt) }),
        engine.status.phase === "syncing" && p
          ? h("p", { class: "small", text: t("sync_progress", { sent: p.sent, received: p.received, bytes: formatBytes(p.bytesUp + p.bytesDown, getLang()) }) })
          : "",
        h("button", { type: "button", class: "btn btn-primary btn-block", "data-action": "sync-now", onclick: () => ctx.syncNow() }, t("sync_now"))),
      keepDataCard(index),
      returned.length ? h("div", { class: "card alert alert-rework", "data-testid": "returned" },
        h("p", { class: "alert-title" }, reworkFlag(), " ", t("returned_n", { n: returned.length })),
        h("ul", { class: "plain-list" }, returned.slice(0, 5).map(({ table, rec }) =>
          h("li", null, h("a", { href: `#/${table}/${rec.id}`, dir: "auto", text: recordTitle(table, rec) }))))) : "",
      conflicts.length ? h("a", { class: "card alert alert-conflict", href: "#/conflicts", "data-testid": "conflicts-alert" },
        t("conflicts_n", { n: conflicts.length })) : "",
      errors.length ? h("a", { class: "card alert alert-error", href: "#/outbox" }, t("errors_n", { n: errors.length })) : "",
      overdue ? h("a", { class: "card alert alert-rework", href: "#/inspections?overdue=1", "data-testid": "overdue-alert" },
        t("overdue_n", { n: overdue })) : "",
      h("div", { class: "counts" },
        h("a", { class: "card count", href: "#/models", "data-testid": "count-models" },
          h("span", { class: "count-n", text: formatNumber(index.count("models"), getLang()) }),
          h("span", { class: "count-label", text: t("count_models") })),
        h("a", { class: "card count", href: "#/meetings", "data-testid": "count-meetings" },
          h("span", { class: "count-n", text: formatNumber(index.count("meetings"), getLang()) }),
          h("span", { class: "count-label", text: t("count_meetings") })),
        count("recognitions"), count("inspections"),
        h("a", { class: "card count count-wide", href: "#/evaluations", "data-testid": "count-evaluations" },
          h("span", { class: "count-n", text: formatNumber(index.count("evaluations"), getLang()) }),
          h("span", { class: "count-label", text: t("nav_evaluations") }))),
      ctx.canWrite ? h("div", { class: "quick" },
        h("a", { class: "btn btn-block", href: "#/models/new" }, `+ ${t("add_model")}`),
        h("a", { class: "btn btn-block", href: "#/meetings/new" }, `+ ${t("add_meeting")}`),
        h("a", { class: "btn btn-block", href: "#/recognitions/new" }, `+ ${t("add_recognition")}`),
        h("a", { class: "btn btn-block", href: "#/inspections/new" }, `+ ${t("add_inspection")}`)) : "");
  }

  draw();
  const stops = [on(EV.INDEX_CHANGED, draw), on(EV.SYNC_STATE, draw), on(EV.CONNECTIVITY, draw), on(EV.STORAGE_STATE, draw)];
  return { node, dispose: () => stops.forEach((stop) => stop()) };
}
