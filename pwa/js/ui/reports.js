// "Báo cáo": choose a report (R1–R7), a period, a unit, approved records only or all,
// old or new administrative boundaries, models by managing unit or by commune (R1, R3); see
// its table (the server's JSON: unit column frozen, all-zero rows hidden on request) and export
// it as Excel or CSV or print it; or download the periodic report (.docx) of the unit and period. Files are fetched with the bearer token and saved through a Blob
// link; "In" opens the server's print page the same way, or prints the table shown here.

import { enumOptions, formatDate, formatNumber, getLang, t } from "../i18n/labels.js";
import { allZero, cellText, GROUPED, periodicQuery, reportQuery, REPORTS } from "../lib/report-args.js";
import { ApiError, request } from "../sync/http.js";
import { h, replace } from "./dom.js";
import { periodSelect, subnav, unitSelect } from "./staff-nav.js";

// Phones see a long list of communes, most of them empty: hide all-zero rows unless asked.
const NARROW = "(max-width: 600px)";
// The column a reader follows across a wide table, frozen at the left edge when it scrolls.
const STICKY = new Set(["unit_name", "ten", "buoc"]);

export function render(ctx, { query }) {
  const state = {
    code: REPORTS.includes(query.code) ? query.code : "r1", period: query.period || "", from: query.from || "", to: query.to || "",
    unit: query.unit || "", approved: query.approved !== "0", boundaries: query.boundaries || "", field: query.field || "",
    type: query.type || "", page: Number(query.page) || 1, by: query.by === "commune" ? "commune" : "owner",
    zeros: query.zeros ? query.zeros === "1" : !window.matchMedia(NARROW).matches,
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
  const boundaries = choose("boundaries", [["", t("boundaries_auto")], ["old", t("boundaries_old_short")], ["new", t("boundaries_new_short")]], "boundaries");
  const by = choose("by", [["owner", t("by_owner")], ["commune", t("by_commune")]], "grouped_by");
  const labelled = (label, control) => h("label", { class: "field report-field" }, h("span", { class: "field-label", text: t(label) }), control);
  const boundariesField = labelled("boundaries", boundaries);
  const byField = labelled("grouped_by", by);
  const hideZeros = /** @type {HTMLInputElement} */ (h("input", { type: "checkbox", class: "check", "data-control": "hide-zeros", checked: !state.zeros }));
  const hideZerosLabel = h("label", { class: "check-label" }, hideZeros, t("hide_zero_rows"));
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
      by: by.value, zeros: !hideZeros.checked,
    });
    dates.hidden = state.period !== "dates";
    byField.hidden = !GROUPED.includes(state.code);
    field.hidden = state.code !== "r3";
    type.hidden = state.code !== "r4/list";
    approvedLabel.hidden = state.code === "r7";
  }

  function remember() {
    const keep = { ...state, approved: state.approved ? "1" : "0", zeros: state.zeros ? "1" : "0", page: String(state.page) };
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
      replace(out, ...drawReport(data, show, { unit, reload: () => show(1), showZeros: () => !hideZeros.checked }));
    } catch (err) {
      replace(out);
      fail(err);
    }
  }

  /** Fetch the report as a file, with the bearer token (a plain link could not send it). */
  async function fetchFile(format) {
    // "docx" is the periodic report of the chosen unit and period, whichever table is chosen.
    const path = format === "docx" ? `periodic?${periodicQuery(state)}` : `${state.code}?${reportQuery(state, format)}`;
    const response = await fetch(`/api/v1/reports/${path}`, {
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

  for (const el of [code, period, unit, boundaries, by, field, type, approved, from, to, hideZeros]) el.addEventListener("change", () => {
    read();
    remember();
  });
  // Hiding zero rows needs no new request: the rows are there, marked.
  hideZeros.addEventListener("change", () => applyZeros(out, !hideZeros.checked));
  // A new grouping changes the numbers: show them at once if a report is on screen.
  by.addEventListener("change", () => {
    if (out.querySelector("[data-testid=report-table]")) show(1);
  });
  read();
  const node = h("section", { class: "screen screen-wide screen-reports" },
    subnav(ctx, "reports"),
    h("h2", { class: "screen-title", text: t("reports_tab") }),
    h("div", { class: "filters report-controls" }, code, period, unit, field, type),
    h("div", { class: "filters report-controls" }, boundariesField, byField),
    dates, approvedLabel, hideZerosLabel,
    h("div", { class: "actions report-actions" },
      button("show_report", "show", () => show(1), true),
      button("export_xlsx", "xlsx", () => download("xlsx")),
      button("export_csv", "csv", () => download("csv")),
      button("print", "print", print),
      button("periodic_report", "periodic", () => download("docx"))),
    status, out);
  if (query.code && navigator.onLine) show(state.page);
  return { node };
}

/** Show or hide the rows whose counts are all zero, and say how many are hidden. */
function applyZeros(root, show) {
  const table = root.querySelector("[data-testid=report-table]");
  const note = root.querySelector("[data-testid=zero-rows]");
  if (!table || !note) return;
  table.classList.toggle("hide-zero", !show);
  const n = table.querySelectorAll("tbody tr[data-zero]").length;
  note.textContent = !show && n ? t("zero_rows_hidden", { n }) : "";
  note.hidden = show || !n;
}

/**
 * Why a table is empty (or all zeros): an ended unit on new boundaries, whose records count for
 * its successors, names them; null for any other unit.
 */
function endedUnit(data, { unit, reload }) {
  const info = data.unit || {};
  if (!info.valid_to || data.boundaries !== "new") return null;
  const successors = info.successors || [];
  // Only a successor the unit picker offers (within the viewer's scope) is a link.
  const known = new Set([...unit.options].map((o) => Number(o.value)));
  return h("div", { class: "card notice notice-warn", "data-testid": "unit-ended" },
    h("p", { text: t("unit_ended", { date: formatDate(info.valid_to) }) + (successors.length ? ` — ${t("see_successors")}` : "") }),
    successors.length ? h("ul", { class: "plain-list" }, successors.map((s) => h("li", null, known.has(s.id)
      ? h("button", { type: "button", class: "btn", "data-successor": s.id, onclick: () => {
        unit.value = String(s.id);
        reload();
      } }, s.name)
      : h("span", { text: s.name })))) : "");
}

/** The report as the paper form reads: header, table with its total row, notes, pages. */
function drawReport(data, goTo, options) {
  const columns = data.columns || [];
  const lang = getLang();
  const noPrevious = (key, value) => key === "tang_giam" && (value === null || value === undefined);
  const cells = (row) => columns.map((c) => (noPrevious(c.key, row[c.key]) ? "—" : cellText(c.kind, row[c.key], lang)));
  const pages = data.per_page ? Math.max(1, Math.ceil((data.total || 0) / data.per_page)) : 1;
  const numeric = new Set(columns.filter((c) => ["int", "signed", "stt"].includes(c.kind)).map((c) => c.key));
  const cellClass = (key) => [numeric.has(key) ? "num" : "", STICKY.has(key) ? "col-sticky" : ""].filter(Boolean).join(" ") || null;
  const summary = Boolean(data.totals);
  const rows = data.rows || [];
  const missing = rows.some((row) => noPrevious("tang_giam", row.tang_giam) && "tang_giam" in row)
    || (data.totals && "tang_giam" in data.totals && data.totals.tang_giam === null);
  const tableEl = h("div", { class: "table-wrap", tabindex: "0", role: "region", "aria-label": data.title || t("report") },
    h("table", { class: "data-table report-table", "data-testid": "report-table", "data-code": data.code },
      h("thead", null, h("tr", null, columns.map((c) => h("th", { scope: "col", class: [`col-${c.kind}`, STICKY.has(c.key) ? "col-sticky" : ""].join(" ").trim(), "data-key": c.key, text: c.label })))),
      h("tbody", null, rows.map((row) => h("tr", { "data-id": row.id || row.unit_id || null, "data-zero": summary && allZero(columns, row) ? "" : null },
        cells(row).map((text, i) => h("td", { class: cellClass(columns[i].key), "data-key": columns[i].key, text,
          title: text === "—" ? t("no_previous") : null }))))),
      data.totals ? h("tfoot", null, h("tr", null, cells(data.totals).map((text, i) => h("td", {
        class: cellClass(columns[i].key), "data-key": columns[i].key, text: i === 0 && !text ? "" : text,
      })))) : ""));
  const zeroNote = h("p", { class: "small", "data-testid": "zero-rows", hidden: true });
  const ended = endedUnit(data, options);
  const parts = [
    h("header", { class: "report-head" },
      h("p", { class: "report-title", text: data.title || "" }),
      h("p", { class: "small", text: t("report_unit", { unit: (data.unit && data.unit.name) || "" }) }),
      h("p", { class: "small", text: t("report_period", { period: (data.period && data.period.label) || "" }) }),
      h("p", { class: "small", text: t("as_of", { date: formatDate(data.as_of) }) }),
      data.grouped_by ? h("p", { class: "report-basis", "data-testid": "grouped-by", "data-by": data.grouped_by, text: t(`grouped_${data.grouped_by}`) }) : "",
      data.scope_line ? h("p", { class: "small", text: data.scope_line }) : ""),
    ended || "",
    rows.length ? tableEl : ended ? "" : h("p", { class: "card notice", "data-testid": "report-empty", text: t("no_data") }),
    zeroNote,
    missing ? h("p", { class: "small", "data-testid": "no-previous", text: `— ${t("no_previous")}` }) : "",
    (data.notes || []).length ? h("ul", { class: "plain-list small" }, data.notes.map((note) => h("li", { text: note }))) : "",
    data.per_page ? h("div", { class: "pager" },
      h("button", { type: "button", class: "btn btn-small", disabled: data.page <= 1, onclick: () => goTo(data.page - 1) }, t("prev_page")),
      h("span", { class: "small", "data-testid": "page", text: t("page_of", { page: data.page, pages, n: formatNumber(data.total || 0, lang) }) }),
      h("button", { type: "button", class: "btn btn-small", disabled: data.page >= pages, onclick: () => goTo(data.page + 1) }, t("next_page"))) : "",
  ];
  // Applied before the table reaches the page, so no all-zero row flashes on a phone.
  applyZeros(h("div", null, tableEl, zeroNote), options.showZeros());
  return parts;
}
