// "Xung đột dữ liệu": for each open conflict, the value kept on the server and the value that
// lost, side by side; keep mine, use theirs, or edit. Nothing is lost until the user decides.

import { EV, on } from "../events.js";
import { t } from "../i18n/labels.js";
import { resolveConflict } from "../store/records.js";
import { h, replace } from "./dom.js";
import { displayValue, recordTitle } from "./present.js";

/** @param {import("../app.js").Ctx} ctx */
export function render(ctx) {
  const node = h("section", { class: "screen screen-conflicts" });
  const unit = (id) => ctx.index.unit(id);

  function draw() {
    const conflicts = ctx.index.openConflicts();
    replace(node,
      h("h2", { class: "screen-title", text: t("conflict_title") }),
      conflicts.length === 0 ? h("p", { class: "empty", text: t("conflict_none") }) : "",
      h("ul", { class: "record-list" }, conflicts.map((c) => {
        const rec = ctx.index.get(c.table, c.record_id);
        const field = t(`f_${c.field}`);
        const reason = c.reason === "DELETED" ? t("conflict_deleted") : c.reason === "LOCKED" ? t("conflict_locked") : "";
        return h("li", { class: "card conflict", "data-conflict": c.id, "data-field": c.field },
          h("a", { class: "row-title", href: `#/${c.table}/${c.record_id}`, text: rec ? recordTitle(c.table, rec) : c.record_id }),
          h("p", { class: "small", text: t("conflict_explain", { field }) }),
          reason ? h("p", { class: "small strong", text: reason }) : "",
          h("div", { class: "versus" },
            h("div", { class: "side side-theirs" },
              h("p", { class: "label", text: t("server_value") }),
              h("p", { class: "value", "data-testid": "kept-value", text: displayValue(c.field, c.kept_value, { unit }) })),
            h("div", { class: "side side-mine" },
              h("p", { class: "label", text: t("my_value") }),
              h("p", { class: "value", "data-testid": "lost-value", text: displayValue(c.field, c.lost_value, { unit }) }))),
          h("div", { class: "actions" },
            c.reason === "SAME_FIELD" ? h("button", { type: "button", class: "btn btn-primary", "data-action": "keep-mine",
              onclick: () => resolveConflict(c.id, "RESTORE_LOST") }, t("keep_mine")) : "",
            h("button", { type: "button", class: "btn", "data-action": "keep-theirs",
              onclick: () => resolveConflict(c.id, "KEEP_KEPT") }, t("keep_theirs")),
            rec && c.reason === "SAME_FIELD" ? h("a", { class: "btn", "data-action": "edit",
              href: `#/${c.table}/${c.record_id}/edit?resolve=${encodeURIComponent(c.id)}` }, t("edit_value")) : ""));
      })));
  }

  draw();
  const stop = on(EV.INDEX_CHANGED, draw);
  return { node, dispose: stop };
}
