// "Báo cáo": choose a report (R1, R3, R4, R7), a period, a unit, approved records only or all,
// old or new administrative boundaries; see its table (the server's JSON) and export it as
// Excel or CSV or print it. Files are fetched with the bearer token and saved through a Blob
// link; "In" opens the server's print page the same way, or prints the table shown here.

import { enumOptions, formatDate, formatNumber, getLang, t } from "../i18n/labels.js";
import { cellText, reportQuery, REPORTS } from "../lib/report-args.js";
import { ApiError, request } from "../sync/http.js";
import { h, replace } from "./dom.js";
import { periodSelect, subnav, unitSelect } from "./staff-nav.js";

export function render(ctx, { query }) {
  const state = {
    code: REPORTS.includes(query.code) ? query.code : "r1", period: query.period || "", from: query.from || "", to: query.to || "",
    unit: query.unit || "", approved: query.approved !== "0", boundaries: query.boundaries || "", field: query.field || "",
    type: query.type || "", page: Number(query.page) || 1,
  };
  const choose = (name, options, label) => {
    const el = /** @type {HTMLSelectElement} */ (h("select", { class: "input", "data-control": name, "aria-label": t(label) },
      options.map(([value, text]) => h("option", { value, text }))));
    el.value = state[name];
    return el;
  };
  const code = choose("code", REPORTS.map((c) => [c, t(`report_${c}`)]), "report");
  const period = periodSelect(state.period, { dates: true });
  const from = /** @type {HTMLInputElement} */ (h("input", { type: "date", class: "input", "data-control": "from", "aria-label": t("date_from"), value: state.from }));
  const to = /** @type {HTMLInputElement} */ (h("input", { type: "date", class: "input", "data-control": "to", "aria-label": t("date_to"), value: state.to }));
  const dates = h("div", { class: "filters" }, h("label", { class: "field" }, t("date_from"), from), h("label", { class: "field" }, t("date_to"), to));
  const unit = unitSelect(ctx, state.unit);
  const boundaries = choose("boundaries", [["", t("boundaries_auto")], ["new", t("boundaries_new")], ["old", t("boundaries_old")]], "boundaries");
  const field = choose("field", [["", `${t("filter_field")}: ${t("all")}`], ...enumOptions("field")], "filter_field");
  const type = choose("type", [["", `${t("filter_type")}: ${t("all")}`], ...enumOptions("meeting_type")], "filter_type");
  const approved = /** @type {HTMLInputElement} */ (h("input", { type: "checkbox", class: "check", "data-control": "approved", checked: state.approved }));
  const approvedLabel = h("label", { class: "check-label" }, approved, t("approved_only"));
  const status = h("div", { class: "report-status", "aria-live": "polite" });
  const out = h("div", { class: "report-out", "data-testid": "report" });
  const button = (label, action, onclick, primary = false) => h("button", {
    type: "button", class: `btn${primary ? " btn-primary" : ""}`, "data-action": action, onclick,
  }, t(label));

  function read() {
    Object.assign(state, {
      code: code.value, period: period.value, from: from.value, to: to.value, unit: unit.value,
      approved: approved.checked, boundaries: boundaries.value, field: field.value, type: type.value,
    });
    dates.hidden = state.period !== "dates";
    field.hidden = state.code !== "r3";
    type.hidden = state.code !== "r4/list";
    approvedLabel.hidden = state.code === "r7";
  }

  function remember() {
    const keep = { ...state, approved: state.approved ? "1" : "0", page: String(state.page) };
    const params = new URLSearchParams(Object.entries(keep).filter(([, v]) => v !== ""));
    history.replaceState(null, "", `#/reports?${params}`);
  }

  function ready() {
    if (!navigator.onLine) {
      replace(status, h("p", { class: "card notice notice-warn", "data-testid": "online-only", text: t("online_only") }));
      return false;
    }
    if (state.period === "dates" && (!state.from || !state.to)) {
      replace(status, h("p", { class: "form-error", text: t("required") }));
      return false;
    }
    replace(status);
    return true;
  }

  const fail = (err) => replace(status, h("p", { class: "form-error", role: "alert", "data-testid": "report-error",
    text: err instanceof ApiError && err.status === 0 ? t("online_only") : /** @type {Error} */ (err).message || t("network_error") }));

  async function show(page = 1) {
    read();
    state.page = page;
    remember();
    if (!ready()) return;
    replace(out, h("p", { class: "small", text: t("loading") }));
    try {
      const { data } = await request(`/api/v1/reports/${state.code}?${reportQuery(state)}`, { token: ctx.session.token });
      replace(out, ...drawReport(data, show));
    } catch (err) {
      replace(out);
      fail(err);
    }
  }

  /** Fetch the report as a file, with the bearer token (a plain link could not send it). */
  async function fetchFile(format) {
    const response = await fetch(`/api/v1/reports/${state.code}?${reportQuery(state, format)}`, {
      headers: { Authorization: `Bearer ${ctx.session.token}`, "Accept-Language": getLang() }, cache: "no-store", credentials: "omit",
    }).catch((error) => {
      throw new ApiError(0, "NETWORK", String(error));
    });
    if (!response.ok) {
      const body = await response.json().catch(() => null);
      const error = (body && body.error) || {};
      throw new ApiError(response.status, error.code, error.message || `HTTP ${response.status}`, error.details);
    }
    const name = /filename="([^"]+)"/.exec(response.headers.get("Content-Disposition") || "");
    return { blob: await response.blob(), name: name ? name[1] : `bao-cao.${format}` };
  }

  async function download(format) {
    read();
    if (!ready()) return;
    try {
      const { blob, name } = await fetchFile(format);
      const url = URL.createObjectURL(blob);
      const link = h("a", { href: url, download: name, hidden: true });
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60000);
      ctx.toast(t("downloaded", { file: name }));
    } catch (err) {
      fail(err);
    }
  }

  async function print() {
    read();
    if (!ready()) return;
    try {
      const { blob } = await fetchFile("html");
      // The page links its stylesheet from the site's root; a blob: page has no root to resolve
      // it against, so the link is made absolute with this app's own origin.
      const html = (await blob.text()).replace('href="/', `href="${location.origin}/`);
      const url = URL.createObjectURL(new Blob([html], { type: "text/html" }));
      const win = window.open(url, "_blank");
      if (win) {
        win.addEventListener("load", () => win.print());
        setTimeout(() => URL.revokeObjectURL(url), 60000);
      } else {
        // A blocked pop-up: print the table on this page (css/staff.css has the print styles).
        URL.revokeObjectURL(url);
        if (!out.querySelector("table")) await show(state.page);
        window.print();
      }
    } catch (err) {
      fail(err);
    }
  }

  for (const el of [code, period, unit, boundaries, field, type, approved, from, to]) el.addEventListener("change", () => {
    read();
    remember();
  });
  read();
  const node = h("section", { class: "screen screen-wide screen-reports" },
    subnav(ctx, "reports"),
    h("h2", { class: "screen-title", text: t("reports_tab") }),
    h("div", { class: "filters report-controls" }, code, period, unit, boundaries, field, type),
    dates, approvedLabel,
    h("div", { class: "actions report-actions" },
      button("show_report", "show", () => show(1), true),
      button("export_xlsx", "xlsx", () => download("xlsx")),
      button("export_csv", "csv", () => download("csv")),
      button("print", "print", print)),
    status, out);
  if (query.code && navigator.onLine) show(state.page);
  return { node };
}

/** The report as the paper form reads: header, table with its total row, notes, pages. */
function drawReport(data, goTo) {
  const columns = data.columns || [];
  const lang = getLang();
  const cells = (row) => columns.map((c) => cellText(c.kind, row[c.key], lang));
  const pages = data.per_page ? Math.max(1, Math.ceil((data.total || 0) / data.per_page)) : 1;
  const numeric = new Set(columns.filter((c) => ["int", "signed", "stt"].includes(c.kind)).map((c) => c.key));
  const tableEl = h("div", { class: "table-wrap" }, h("table", { class: "data-table report-table", "data-testid": "report-table", "data-code": data.code },
    h("thead", null, h("tr", null, columns.map((c) => h("th", { scope: "col", class: `col-${c.kind}`, text: c.label })))),
    h("tbody", null, (data.rows || []).map((row) => h("tr", { "data-id": row.id || row.unit_id || null },
      cells(row).map((text, i) => h("td", { class: numeric.has(columns[i].key) ? "num" : "", "data-key": columns[i].key, text }))))),
    data.totals ? h("tfoot", null, h("tr", null, cells(data.totals).map((text, i) => h("td", {
      class: numeric.has(columns[i].key) ? "num" : "", "data-key": columns[i].key, text: i === 0 && !text ? "" : text,
    })))) : ""));
  return [
    h("header", { class: "report-head" },
      h("p", { class: "report-title", text: data.title || "" }),
      h("p", { class: "small", text: t("report_unit", { unit: (data.unit && data.unit.name) || "" }) }),
      h("p", { class: "small", text: t("report_period", { period: (data.period && data.period.label) || "" }) }),
      h("p", { class: "small", text: t("as_of", { date: formatDate(data.as_of) }) }),
      data.scope_line ? h("p", { class: "small", text: data.scope_line }) : ""),
    tableEl,
    (data.notes || []).length ? h("ul", { class: "plain-list small" }, data.notes.map((note) => h("li", { text: note }))) : "",
    data.per_page ? h("div", { class: "pager" },
      h("button", { type: "button", class: "btn btn-small", disabled: data.page <= 1, onclick: () => goTo(data.page - 1) }, t("prev_page")),
      h("span", { class: "small", "data-testid": "page", text: t("page_of", { page: data.page, pages, n: formatNumber(data.total || 0, lang) }) }),
      h("button", { type: "button", class: "btn btn-small", disabled: data.page >= pages, onclick: () => goTo(data.page + 1) }, t("next_page"))) : "",
  ];
}
