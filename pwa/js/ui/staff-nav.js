// The reviewers' and viewers' part of the app, loaded after sign-in for every role but the
// field officer's: a tab ("Chờ duyệt" with its count, or "Báo cáo, thống kê"), the routes of
// the queue, dashboard and reports (each module loaded when first opened), their stylesheet,
// and a request that the service worker keep them all for offline use (sw.js STAFF).

import { EV, on } from "../events.js";
import { t } from "../i18n/labels.js";
import "../i18n/staff-labels.js";
import { currentYear, periodChoices, periodLabel } from "../lib/report-args.js";
import { isReviewer, queue, within } from "../lib/review-rules.js";
import { unitLabels } from "../lib/unit-groups.js";
import { RECORD_TABLES } from "../store/db.js";
import { h } from "./dom.js";

const SVG = "http://www.w3.org/2000/svg";
const ICONS = {
  review: "M9 2h6v2h4v18H5V4h4zm0 4H7v14h10V6h-2v2H9zm7.2 4.6-5.2 5.2-3.2-3.2 1.4-1.4 1.8 1.8 3.8-3.8z",
  reports: "M4 20h16v2H4zM5 10h3v8H5zm5.5-6h3v14h-3zM16 13h3v5h-3z",
};

let started = false;

/** Every record of the phone as {table, rec}. */
export function entries(index) {
  return RECORD_TABLES.flatMap((table) => index.tables[table].all().map((item) => ({ table, rec: item.rec })));
}

/** Add the staff screens to the app (once per page). */
export function start(ctx) {
  if (started) return;
  started = true;
  // A module neither cached nor reachable (offline before the worker kept it) says so.
  const load = (name) => (parts, query) => import(`./${name}.js`).then(
    (m) => m.render(ctx, { parts, query }),
    () => ({ node: h("p", { class: "empty", text: t("online_only") }) }));
  Object.assign(ctx.routes, { review: load("review-queue"), dashboard: load("dashboard"), reports: load("reports"), criteria: load("criteria-sets") });
  if (managesUsers(ctx.user)) ctx.routes.admin = load("admin");
  document.head.append(h("link", { rel: "stylesheet", href: "/css/staff.css" }));

  const reviewer = isReviewer(ctx.user);
  const kind = reviewer ? "review" : "reports";
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  const path = document.createElementNS(SVG, "path");
  path.setAttribute("d", ICONS[kind]);
  svg.append(path);
  const badge = h("b", { class: "tab-badge", "data-testid": "review-badge", hidden: true });
  const tab = h("a", { href: reviewer ? "#/review" : "#/dashboard", "data-tab": "staff" },
    svg, h("span", { "data-label": `nav_${kind}`, text: t(`nav_${kind}`) }), badge);
  const tabbar = /** @type {HTMLElement} */ (document.getElementById("tabbar"));
  tabbar.insertBefore(tab, tabbar.querySelector('[data-tab="outbox"]'));

  if (reviewer) {
    const count = () => {
      const n = queue(entries(ctx.index), { mine: true }, { user: ctx.user }).length;
      badge.textContent = n ? String(n) : "";
      badge.hidden = !n;
    };
    count();
    on(EV.INDEX_CHANGED, count);
  }
  // Keep the staff screens for offline use; a worker not yet active is asked once it is.
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.ready.then((reg) => reg.active && reg.active.postMessage({ type: "CACHE_STAFF" }), () => {});
  }
}

/** Tell whether the user opens the administration (admins; reviewers for enrolment codes). */
export function managesUsers(user) {
  return Boolean(user && (user.roles || []).some((r) => r === "QUAN_TRI" || r === "LANH_DAO_DUYET"));
}

/** The switch between the staff screens, at the top of each. */
export function subnav(ctx, active) {
  const items = [["overview", "#/dashboard", "dashboard"], ["reports_tab", "#/reports", "reports"], ["criteria_tab", "#/criteria", "criteria"]];
  if (isReviewer(ctx.user)) items.unshift(["review_queue", "#/review", "review"]);
  if (managesUsers(ctx.user)) items.push(["nav_admin", "#/admin", "admin"]);
  return h("nav", { class: "segmented subnav", "aria-label": t("nav_reports") },
    items.map(([label, href, key]) => h("a", {
      href, class: `seg${key === active ? " is-on" : ""}`, "aria-current": key === active ? "page" : null, text: t(label),
    })));
}

/** A select of report periods (lib/report-args.js), with the dates option when asked for. */
export function periodSelect(value, { dates = false } = {}) {
  const select = /** @type {HTMLSelectElement} */ (h("select", { class: "input", "data-control": "period", "aria-label": t("period") },
    periodChoices().map((code) => {
      const label = periodLabel(code);
      return h("option", { value: code, text: label ? t(label.key, label.values) : code });
    }),
    dates ? h("option", { value: "dates", text: t("period_dates") }) : ""));
  select.value = value || currentYear();
  return select;
}

/** The units a staff member reports on: their own, then their subtree, indented by depth. */
export function unitSelect(ctx, value) {
  const own = ctx.user.unit;
  const depth = (u) => (u.path || "").split("/").length;
  const units = [own, ...ctx.index.units.filter((u) => u.id !== own.id && within(u, own))];
  const labels = unitLabels(units, ctx.index.units, t("unit_old"));
  const select = /** @type {HTMLSelectElement} */ (h("select", { class: "input", "data-control": "unit", "aria-label": t("filter_unit") },
    units.map((u) => h("option", { value: String(u.id),
      text: `${"· ".repeat(Math.max(0, depth(u) - depth(own)))}${labels.get(u.id)}` }))));
  select.value = String(value || own.id);
  return select;
}
