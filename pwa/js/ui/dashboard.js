// "Tổng quan": the dashboard of a unit's subtree for a period, from GET /api/v1/dashboard
// (server/reports/dashboard.py): models by field per unit (stacked bars), meetings by type
// (bars), the review backlog by waiting time and the devices' sync, each with its table.
// Online only: the figures are the server's; offline the screen says so and waits.

import { EV, on } from "../events.js";
import { enumLabel, enumOptions, formatInstant, formatNumber, getLang, t } from "../i18n/labels.js";
import { dashboardQuery, periodLabel } from "../lib/report-args.js";
import { AGE_BUCKETS } from "../lib/review-rules.js";
import { request } from "../sync/http.js";
import { barChart } from "./charts.js";
import { h, replace } from "./dom.js";
import { periodSelect, subnav, unitSelect } from "./staff-nav.js";

const FIELDS = ["KINH_TE", "VAN_HOA_XA_HOI", "QP_AN", "XD_HTCT"];

export function render(ctx, { query }) {
  const state = { unit: query.unit || "", period: query.period || "", approved: query.approved !== "0" };
  const period = periodSelect(state.period);
  const unit = unitSelect(ctx, state.unit);
  const approved = /** @type {HTMLInputElement} */ (h("input", { type: "checkbox", class: "check", "data-control": "approved", checked: state.approved }));
  const body = h("div", { class: "dash-body", "data-testid": "dashboard" });
  let seq = 0;

  for (const el of [period, unit, approved]) el.addEventListener("change", () => {
    Object.assign(state, { unit: unit.value, period: period.value, approved: approved.checked });
    history.replaceState(null, "", `#/dashboard?${new URLSearchParams({ unit: state.unit, period: state.period, approved: state.approved ? "1" : "0" })}`);
    load();
  });

  async function load() {
    const mine = ++seq;
    if (!navigator.onLine) {
      replace(body, h("p", { class: "card notice notice-warn", "data-testid": "online-only", text: t("online_only") }));
      return;
    }
    replace(body, h("p", { class: "small", text: t("loading") }));
    try {
      const { data } = await request(`/api/v1/dashboard?${dashboardQuery({ unit: unit.value, period: period.value, approved: approved.checked })}`, { token: ctx.session.token });
      if (mine === seq) replace(body, ...draw(data));
    } catch (err) {
      if (mine !== seq) return;
      const offline = /** @type {any} */ (err).status === 0;
      replace(body, h("div", { class: "card notice notice-warn", "data-testid": offline ? "online-only" : "load-error" },
        h("p", { text: offline ? t("online_only") : /** @type {Error} */ (err).message }),
        h("button", { type: "button", class: "btn btn-small", onclick: load }, t("retry"))));
    }
  }

  load();
  const node = h("section", { class: "screen screen-wide screen-dashboard" },
    subnav(ctx, "dashboard"),
    h("h2", { class: "screen-title", text: t("overview") }),
    h("div", { class: "filters report-controls" }, period, unit),
    h("label", { class: "check-label" }, approved, t("approved_only")),
    body);
  // Back online after an offline notice: fetch at once. Figures already shown stay when offline.
  const stop = on(EV.CONNECTIVITY, ({ online }) => {
    if (online && body.querySelector("[data-testid=online-only]")) load();
  });
  return { node, dispose: stop };
}

/** The dashboard's sections from the server's answer. */
function draw(data) {
  const lang = getLang();
  const n = (v) => formatNumber(v || 0, lang);
  const names = new Map((data.rows || []).map((r) => [r.unit_id, r.unit_name]));
  const nameOf = (id) => names.get(id) || `#${id}`;
  const models = data.models || { by_row: [], by_field: {}, total: 0 };
  const meetings = data.meetings || { by_row: [], by_type: {}, total: 0, attendance: 0 };
  const backlog = data.backlog || { by_row: [], ages: {}, total: 0 };
  const devices = data.devices || { by_row: [], devices: 0, pending: 0 };
  const label = periodLabel(data.period && data.period.code);
  // The types in the enum's order (a JSON object's keys may come sorted), those held only.
  const types = enumOptions("meeting_type").map(([k]) => k).filter((k) => (meetings.by_type || {})[k] > 0);
  const modelRows = models.by_row.filter((r) => r.total > 0);
  const meetingRows = meetings.by_row.filter((r) => r.total > 0);

  return [
    h("p", { class: "small", "data-testid": "dash-head", text: [
      data.unit && data.unit.name,
      label ? t(label.key, label.values) : data.period && data.period.label,
      t("figures_at", { at: formatInstant(data.generated_at) }),
    ].filter(Boolean).join(" · ") }),
    h("div", { class: "counts dash-counts" },
      count(n(models.total), t("count_models"), "total-models"),
      count(n(meetings.total), t("count_meetings"), "total-meetings"),
      count(n(meetings.attendance), t("col_attendance"), "total-attendance"),
      count(n(backlog.total), t("backlog_title"), "total-backlog")),
    h("section", { class: "card dash-section" },
      modelRows.length ? barChart({
        title: t("models_by_field"), testid: "chart-models", keys: FIELDS, keyLabel: (k) => enumLabel("field", k),
        rows: modelRows.map((r) => ({ id: r.unit_id, label: nameOf(r.unit_id), values: r.by_field })),
      }) : h("p", { class: "label", text: t("models_by_field") }),
      table("table-models", [t("col_unit"), ...FIELDS.map((f) => enumLabel("field", f)), t("col_total")],
        models.by_row.map((r) => [nameOf(r.unit_id), ...FIELDS.map((f) => n(r.by_field[f])), n(r.total)]),
        [t("grand_total"), ...FIELDS.map((f) => n((models.by_field || {})[f])), n(models.total)], t("models_by_field"))),
    h("section", { class: "card dash-section" },
      types.length ? barChart({
        title: t("meetings_by_type"), testid: "chart-meetings", keys: ["n"], keyLabel: () => t("col_total"),
        rows: types.map((k) => ({ id: k, label: enumLabel("meeting_type", k), values: { n: meetings.by_type[k] } })),
      }) : h("p", { class: "label", text: t("meetings_by_type") }),
      table("table-meetings", [t("col_unit"), ...types.map((k) => enumLabel("meeting_type", k)), t("col_total"), t("col_attendance")],
        meetings.by_row.map((r) => [nameOf(r.unit_id), ...types.map((k) => n(r.by_type[k])), n(r.total), n(r.attendance)]),
        [t("grand_total"), ...types.map((k) => n(meetings.by_type[k])), n(meetings.total), n(meetings.attendance)], t("meetings_by_type")),
      meetingRows.length || types.length ? "" : h("p", { class: "small", text: t("no_data") })),
    h("section", { class: "card dash-section" },
      h("p", { class: "label", text: t("backlog_title") }),
      table("table-backlog", [t("col_unit"), ...AGE_BUCKETS.map((b) => t(`age_${b}`)), t("col_total")],
        backlog.by_row.filter((r) => r.total > 0).map((r) => [nameOf(r.unit_id), ...AGE_BUCKETS.map((b) => n((r.ages || {})[b])), n(r.total)]),
        [t("grand_total"), ...AGE_BUCKETS.map((b) => n((backlog.ages || {})[b])), n(backlog.total)], t("backlog_title"))),
    h("section", { class: "card dash-section" },
      h("p", { class: "label", text: t("devices_title") }),
      table("table-devices", [t("col_unit"), t("col_devices"), t("col_pending"), t("col_last_sync"), t("col_versions")],
        devices.by_row.filter((r) => r.devices > 0).map((r) => [nameOf(r.unit_id), n(r.devices), n(r.pending), formatInstant(r.last_sync_at), versions(r.app_versions)]),
        [t("grand_total"), n(devices.devices), n(devices.pending), formatInstant(devices.last_sync_at), versions(devices.app_versions)], t("devices_title"))),
  ];
}

function versions(list) {
  return (list || []).map((v) => `${v.version || "—"} (${formatNumber(v.devices, getLang())})`).join(", ");
}

function count(value, label, testid) {
  return h("div", { class: "card count", "data-testid": testid },
    h("span", { class: "count-n", text: value }), h("span", { class: "count-label", text: label }));
}

/**
 * A table that scrolls sideways on a phone; numbers right-aligned. The scrolling box takes the
 * keyboard focus (so arrow keys scroll it) and is named for a screen reader by `label`.
 */
export function table(testid, head, rows, total, label = "") {
  return h("div", { class: "table-wrap", tabindex: "0", role: "region", "aria-label": label || head[0] },
    h("table", { class: "data-table", "data-testid": testid },
    h("thead", null, h("tr", null, head.map((text, i) => h("th", { scope: "col", class: i ? null : "col-name", text })))),
    h("tbody", null, rows.map((cells) => h("tr", null, cells.map((text, i) => (i ? h("td", { class: "num", text }) : h("th", { scope: "row", text })))))),
    total ? h("tfoot", null, h("tr", null, total.map((text, i) => (i ? h("td", { class: "num", text }) : h("th", { scope: "row", text }))))) : ""));
}
