// Sync screens: the outbox ("Chờ đồng bộ") and the conflicts ("Xung đột dữ liệu").

import { EV, on } from "../events.js";
import { formatBytes, formatInstant, getLang, t } from "../i18n/labels.js";
import { dismissError, resolveConflict, storeServerCopy } from "../store/records.js";
import { fetchRecord } from "../sync/http.js";
import { exportUnsynced } from "./settings.js";
import {
  confirmDialog, displayValue, h, lastSyncText, pendingText, recordTitle, replace, statusText, syncBadge, syncErrorLines,
} from "./dom.js";
import { uploadPanel } from "./upload-progress.js";

// "Chờ đồng bộ": every queued change with its state, refused changes with the server's message,
// sync now, export.

/** @param {import("../app.js").Ctx} ctx */
export function renderOutbox(ctx) {
  const node = h("section", { class: "screen screen-outbox" });
  // Files have their own card: a file waiting never makes a record look unsynced.
  const uploads = uploadPanel();

  function opLabel(entry, first) {
    // Only the first put of a record new on this phone creates it; later ones edit it.
    if (entry.op === "put") {
      if (entry.base !== 0 || !first) return t("op_put");
      return t(entry.edited ? "op_create_edited" : "op_create");
    }
    if (entry.op === "review") return `${t("op_review")}: ${t(entry.data.action === "cancel" ? "cancel_record" : entry.data.action)}`;
    return t(`op_${entry.op}`);
  }

  function draw() {
    const { index, engine } = ctx;
    const groups = [...index.pending.entries()].sort((a, b) => a[1][0].seq - b[1][0].seq);
    const status = statusText(engine.status, index.pendingRecords());
    const errors = index.errors();
    const p = engine.status.progress;
    replace(node,
      h("h2", { class: "screen-title", text: t("outbox_title") }),
      h("div", { class: `card sync-card tone-${status.tone}` },
        h("p", { class: "sync-state", "data-testid": "outbox-state", text: status.text }),
        syncErrorLines(engine.status).map((line) => h("p", { class: "small", "data-testid": "sync-error", text: line })),
        // Offline or failing, the state line does not say how much is waiting: this line does.
        status.tone !== "pending" && pendingText(index)
          ? h("p", { class: "small", "data-testid": "pending-records", text: pendingText(index) }) : "",
        h("p", { class: "small", text: lastSyncText(engine.status.lastSyncAt) }),
        p && (p.sent || p.received) ? h("p", { class: "small", "data-testid": "progress", text: t("sync_progress", { sent: p.sent, received: p.received, bytes: formatBytes(p.bytesUp + p.bytesDown, getLang()) }) }) : "",
        h("button", { type: "button", class: "btn btn-primary btn-block", "data-action": "sync-now", onclick: () => ctx.syncNow() }, t("sync_now"))),
      uploads.node,
      groups.length === 0 && errors.length === 0 ? h("p", { class: "empty", "data-testid": "outbox-empty", text: t("outbox_empty") }) : "",
      h("ul", { class: "record-list outbox-list", "data-testid": "outbox-list", "data-count": String(index.pendingCount()) },
        groups.map(([key, entries]) => {
          const [table, id] = [key.slice(0, key.indexOf(":")), key.slice(key.indexOf(":") + 1)];
          const rec = index.get(/** @type {any} */ (table), id);
          const state = rec ? index.stateOf(table, rec) : "CHO_DONG_BO";
          return h("li", { class: "outbox-item", "data-record": key },
            h("a", { class: "record-row", href: rec ? `#/${table}/${id}` : "#/outbox" },
              h("span", { class: "row-title", text: rec ? recordTitle(table, rec) : key }),
              h("span", { class: "row-sub", text: entries.map((e, i) => `#${e.seq} ${opLabel(e, i === 0 && !rec?.version)}`).join(" · ") }),
              h("span", { class: "row-badges" }, syncBadge(state),
                h("span", { class: "small", text: formatInstant(entries[entries.length - 1].at) }))));
        })),
      errors.length ? h("h3", { class: "section-title", text: t("st_LOI") }) : "",
      h("ul", { class: "record-list" }, errors.map(({ table, rec }) => h("li", { class: "card alert alert-error", "data-testid": "error-item" },
        h("a", { class: "row-title", href: `#/${table}/${rec.id}`, text: recordTitle(table, rec) }),
        h("p", { text: `${t("st_LOI")}: ${rec._local.error.message || rec._local.error.code}` }),
        h("div", { class: "actions" },
          rec._local.rejected ? h("a", { class: "btn btn-primary", href: `#/${table}/${rec.id}/edit` }, t("edit")) : "",
          h("button", { type: "button", class: "btn", onclick: () => discard(table, rec) },
            t(rec._local.rejected ? "keep_theirs" : "close")))))),
      h("button", { type: "button", class: "btn btn-block", "data-action": "export", onclick: async () => {
        const file = await exportUnsynced();
        ctx.toast(t("export_done", { file }));
      } }, t("export_data")));
  }

  async function discard(table, rec) {
    const rejected = Boolean(rec._local.rejected);
    if (rejected && !(await confirmDialog(t("keep_theirs"), { danger: true }))) return;
    await dismissError(table, rec.id, rejected);
    if (rejected && navigator.onLine && ctx.session.token) {
      try {
        await storeServerCopy(table, await fetchRecord(ctx.session.token, table, rec.id));
      } catch {
        // The next sync that touches the record brings the server's copy.
      }
    }
  }

  draw();
  const stops = [on(EV.INDEX_CHANGED, draw), on(EV.SYNC_STATE, draw), on(EV.SYNC_PROGRESS, draw), uploads.stop];
  return { node, dispose: () => stops.forEach((s) => s()) };
}

// "Xung đột dữ liệu": for each open conflict, the value kept on the server and the value that
// lost, side by side; keep mine, use theirs, or edit. Nothing is lost until the user decides.

/** @param {import("../app.js").Ctx} ctx */
export function renderConflicts(ctx) {
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
