// Administration, online only: the unit tree (browse, search, add, edit, move with a preview of
// what changes for whom), users (create, change, deactivate, reset, enrol a phone by QR) and
// devices (last sync, changes still on the phone, revoke). The server scopes every call to the
// administrator's subtree and audits it; a reviewer sees the users and makes enrolment codes.

import { enumLabel, enumOptions, formatInstant, formatNumber, getLang, t } from "../i18n/labels.js";
import "../i18n/admin-labels.js";
import { unitLabels } from "../lib/unit-groups.js";
import { request } from "../sync/http.js";
import { ask, confirmDialog, h, joined, replace } from "./dom.js";
import { subnav } from "./staff-nav.js";

const ADMIN = "QUAN_TRI";
const REVIEWER = "LANH_DAO_DUYET";
// The kinds of unit an administrator adds; the official provinces and communes are imported.
const KINDS = [
  ["TRUNG_GIAN", "admin_kind_office"],
  ["THON", "admin_kind_hamlet"],
  ["HUYEN", "admin_kind_legacy"],
  ["XA", "admin_kind_commune"],
];

/** Tell whether the user administers (every screen) or reviews (users and enrolment only). */
export function adminRole(user) {
  const roles = (user && user.roles) || [];
  if (roles.includes(ADMIN)) return "admin";
  return roles.includes(REVIEWER) ? "reviewer" : null;
}

/** The screen for #/admin/<tab>. */
export function render(ctx, { parts }) {
  const role = adminRole(ctx.user);
  const node = h("section", { class: "screen screen-wide screen-admin" });
  if (!role) {
    replace(node, h("p", { class: "empty", text: t("admin_only") }));
    return { node };
  }
  const tabs = role === "admin" ? ["units", "users", "devices"] : ["users"];
  const tab = tabs.includes(parts[1]) ? parts[1] : tabs[0];
  const api = (path, options = {}) => request(`/api/v1${path}`, { token: ctx.session.token, ...options }).then((r) => r.data);
  const body = h("div", { class: "admin-body" });
  replace(node,
    subnav(ctx, "admin"),
    h("h2", { class: "screen-title", text: t("admin_title") }),
    tabs.length > 1 ? h("nav", { class: "segmented subnav", "aria-label": t("admin_title") },
      tabs.map((key) => h("a", { href: `#/admin/${key}`, class: `seg${key === tab ? " is-on" : ""}`,
        "aria-current": key === tab ? "page" : null, text: t(`admin_${key}`) }))) : "",
    body);
  const screen = { ctx, api, body, role };
  if (!navigator.onLine) replace(body, h("p", { class: "empty", text: t("online_only") }));
  else if (tab === "units") unitsTab(screen, Number(parts[2]) || ctx.user.unit.id);
  else if (tab === "users") usersTab(screen);
  else devicesTab(screen);
  return { node };
}

// --- shared pieces ----------------------------------------------------------------------------

/** An error of the server as lines: its message, then each field at fault. */
function errorLines(error) {
  const fields = (error && error.details && error.details.fields) || {};
  const lines = Object.entries(fields).map(([name, messages]) => `${name}: ${[messages].flat(3).filter((m) => typeof m === "string").join("; ")}`);
  return [error.message || String(error), ...lines];
}

function showError(box, error) {
  replace(box, errorLines(error).map((line) => h("span", { class: "block", text: line })));
  box.hidden = false;
}

let uid = 0;
function field(label, control, hint) {
  const id = control.id || `adm-${(uid += 1)}`;
  control.id = id;
  return h("div", { class: "field" }, h("label", { for: id, text: label }), control, hint || "");
}

function input(props) {
  return /** @type {HTMLInputElement} */ (h("input", { class: "input", ...props }));
}

/** A unit's line in a list: "(cũ)" when ended, its parent when asked. */
function unitLine(unit, withParent) {
  const old = unit.valid_to ? ` ${t("unit_old")}` : "";
  return `${unit.name}${old}${withParent && unit.parent_name ? ` — ${unit.parent_name}` : ""}`;
}

/**
 * A search over the units in scope: typed words (folded on the server) list matching units,
 * each a button that picks it.
 * @param {any} screen
 * @param {string} label
 * @param {(unit: any) => void} onPick
 */
function unitSearch(screen, label, onPick) {
  const box = input({ type: "search", autocomplete: "off" });
  const results = h("ul", { class: "plain-list admin-picks", "aria-live": "polite" });
  let turn = 0;
  box.addEventListener("input", async () => {
    const mine = ++turn;
    const q = box.value.trim();
    if (q.length < 2) {
      replace(results);
      return;
    }
    const page = await screen.api(`/units?q=${encodeURIComponent(q)}&per_page=8`).catch(() => ({ items: [] }));
    if (mine !== turn) return;
    replace(results, page.items.map((u) => h("li", null, h("button", {
      type: "button", class: "btn btn-small btn-pick", "data-unit": String(u.id),
      "aria-label": t("admin_pick", { name: unitLine(u, true) }),
      onclick: () => {
        onPick(u);
        box.value = "";
        replace(results);
      },
    }, unitLine(u, true)))));
  });
  box.addEventListener("keydown", (event) => { if (event.key === "Enter") event.preventDefault(); });
  return h("div", { class: "unit-search" }, field(label, box), results);
}

/** A list of chosen units with a remove button each; returns the node and the current ids. */
function unitChips(screen, label, chosen) {
  const list = h("ul", { class: "plain-list admin-chips", "data-testid": "successors" });
  const draw = () => replace(list, chosen.map((u) => h("li", { class: "chip-row", "data-unit": String(u.id) },
    h("span", { text: unitLine(u, true) }),
    h("button", { type: "button", class: "btn btn-small", "aria-label": t("admin_remove", { name: u.name }),
      onclick: () => {
        chosen.splice(chosen.indexOf(u), 1);
        draw();
      } }, "×"))));
  draw();
  const search = unitSearch(screen, t("admin_add_successor"), (u) => {
    if (!chosen.some((c) => c.id === u.id)) chosen.push(u);
    draw();
  });
  return {
    node: h("fieldset", { class: "field" }, h("legend", { text: label }), list, search),
    ids: () => chosen.map((u) => u.id),
    add: (units) => {
      chosen.push(...units);
      draw();
    },
  };
}

// --- units --------------------------------------------------------------------------------------

async function unitsTab(screen, unitId) {
  const { api, body, ctx } = screen;
  const q = input({ type: "search", autocomplete: "off", "data-control": "unit-q" });
  const listBox = h("div", { class: "admin-list", "data-testid": "unit-list" });
  const formBox = h("div", { class: "admin-form" });
  const error = h("p", { class: "form-error", role: "alert", hidden: true });
  replace(body, h("div", { class: "admin-controls" }, field(t("admin_search_units"), q)), error, listBox, formBox);
  let current;
  try {
    current = await api(`/units/${unitId}`);
  } catch (e) {
    current = await api(`/units/${ctx.user.unit.id}`);
  }

  async function browse() {
    const children = await api(`/units?parent_id=${current.id}&per_page=500`);
    const labels = unitLabels(children.items, [current, ...children.items], t("unit_old"));
    const up = current.id !== ctx.user.unit.id && current.parent_id
      ? h("a", { class: "btn btn-small", href: `#/admin/units/${current.parent_id}`, text: t("admin_up") }) : "";
    replace(listBox,
      h("div", { class: "admin-head" },
        h("h3", { class: "section-title", text: t("admin_children", { unit: unitLine(current, true) }) }),
        h("div", { class: "actions" }, up,
          h("button", { type: "button", class: "btn btn-small", "data-action": "edit-unit", onclick: () => unitForm(screen, formBox, current, browse) }, `${t("admin_edit")}: ${current.name}`),
          h("button", { type: "button", class: "btn btn-small btn-primary", "data-action": "add-unit", onclick: () => unitForm(screen, formBox, null, browse, current) }, t("admin_add_unit")))),
      children.items.length
        ? h("ul", { class: "plain-list admin-rows" }, children.items.map((u) => unitRow(u, labels.get(u.id))))
        : h("p", { class: "empty", text: t("admin_none") }));
  }

  function unitRow(u, label) {
    return h("li", { class: "admin-row", "data-unit": String(u.id) },
      h("div", { class: "admin-row-text" },
        h("span", { class: "strong", text: label }),
        h("span", { class: "small" }, joined([enumLabel("unit_level", u.level), u.code, u.approves_records ? t("admin_approves") : ""]))),
      h("div", { class: "actions" },
        h("a", { class: "btn btn-small", href: `#/admin/units/${u.id}`, "aria-label": `${t("admin_open")}: ${u.name}`, text: t("admin_open") }),
        h("button", { type: "button", class: "btn btn-small", "data-action": "edit-unit", "aria-label": `${t("admin_edit")}: ${u.name}`,
          onclick: () => unitForm(screen, formBox, u, browse) }, t("admin_edit"))));
  }

  let turn = 0;
  q.addEventListener("input", async () => {
    const mine = ++turn;
    const words = q.value.trim();
    if (!words) return browse();
    const found = await api(`/units?q=${encodeURIComponent(words)}&per_page=50`).catch((e) => showError(error, e));
    if (mine !== turn || !found) return;
    replace(listBox, h("h3", { class: "section-title", text: t("admin_results") }),
      found.items.length ? h("ul", { class: "plain-list admin-rows" }, found.items.map((u) => unitRow(u, unitLine(u, true))))
        : h("p", { class: "empty", text: t("admin_none") }));
  });
  await browse().catch((e) => showError(error, e));
}

/** The form adding a unit under `parent`, or editing `unit` (and moving it). */
function unitForm(screen, box, unit, done, parent = null) {
  const { api, ctx } = screen;
  const editing = Boolean(unit);
  const kind = /** @type {HTMLSelectElement} */ (h("select", { class: "input", "data-control": "kind" },
    KINDS.map(([level, key]) => h("option", { value: level, text: t(key) }))));
  const code = input({ "data-control": "code", autocomplete: "off", maxlength: "32" });
  const name = input({ "data-control": "name", autocomplete: "off", maxlength: "255", value: unit ? unit.name : "" });
  const validTo = input({ type: "date", "data-control": "valid_to", value: unit && unit.valid_to ? unit.valid_to : "" });
  const approves = input({ type: "checkbox", class: "check", "data-control": "approves", checked: Boolean(unit && unit.approves_records) });
  const chosen = [];
  const successors = unitChips(screen, t("admin_successors"), chosen);
  /** @type {any} */
  let newParent = null;
  const parentShown = h("p", { class: "small", "data-testid": "new-parent" });
  const error = h("p", { class: "form-error", role: "alert", hidden: true });
  if (unit) {
    // Name the successors the unit already has.
    Promise.all((unit.successor_ids || []).map((id) => api(`/units/${id}`).catch(() => ({ id, name: `#${id}` }))))
      .then((units) => successors.add(units));
  }
  const move = editing && unit.id !== ctx.user.unit.id ? unitSearch(screen, t("admin_move_to"), (u) => {
    newParent = u;
    parentShown.textContent = `${t("admin_parent")}: ${unitLine(u, true)}`;
  }) : "";

  const form = h("form", { class: "card admin-card", "data-testid": "unit-form", novalidate: true, onsubmit: async (event) => {
    event.preventDefault();
    error.hidden = true;
    const data = {
      name: name.value.trim(),
      valid_to: validTo.value || null,
      approves_records: approves.checked,
      successor_ids: successors.ids(),
    };
    try {
      if (!editing) {
        Object.assign(data, { code: code.value.trim(), level: kind.value, parent_id: parent.id });
        await api("/units", { json: data });
      } else {
        if (newParent && newParent.id !== unit.parent_id) {
          if (!(await confirmMove(screen, unit, newParent))) return;
          data.parent_id = newParent.id;
        }
        await api(`/units/${unit.id}`, { method: "PATCH", json: data });
      }
      ctx.toast(data.parent_id && editing ? t("admin_moved") : t("admin_saved"));
      replace(box);
      await done();
    } catch (e) {
      showError(error, e);
    }
  } },
  h("h3", { class: "section-title", text: editing ? `${t("admin_edit")}: ${unit.name}` : `${t("admin_add_unit")} — ${unitLine(parent, true)}` }),
  editing ? "" : field(t("admin_kind"), kind),
  editing ? "" : field(t("admin_code"), code),
  field(t("admin_name"), name),
  field(t("admin_valid_to"), validTo),
  successors.node,
  h("label", { class: "check-label" }, approves, t("admin_approves")),
  move ? h("fieldset", { class: "field" }, h("legend", { text: t("admin_move") }), move, parentShown) : "",
  error,
  h("div", { class: "actions" },
    h("button", { type: "button", class: "btn", onclick: () => replace(box) }, t("back")),
    h("button", { type: "submit", class: "btn btn-primary", "data-action": "save-unit" }, t("admin_save"))));
  replace(box, form);
  (editing ? name : kind).focus();
}

/** Say what a move changes, for whom, and ask to confirm. */
async function confirmMove(screen, unit, parent) {
  const p = await screen.api(`/units/${unit.id}/move-preview?parent_id=${parent.id}`);
  const lang = getLang();
  const n = (v) => formatNumber(v, lang);
  const records = Object.values(p.records).reduce((a, b) => a + b, 0);
  const from = p.old_parent ? p.old_parent.name : "—";
  const lines = [
    t("admin_move_summary", { unit: unit.name, from, to: p.new_parent.name, units: n(p.units), users: n(p.users), records: n(records) }),
    p.users_losing ? t("admin_move_losing", { n: n(p.users_losing), from }) : "",
    p.users_gaining ? t("admin_move_gaining", { n: n(p.users_gaining), to: p.new_parent.name }) : "",
    t("admin_move_phones"),
  ].filter(Boolean);
  return confirmDialog(h("div", { "data-testid": "move-preview" }, lines.map((line) => h("p", { text: line }))),
    { title: t("admin_move_title", { unit: unit.name }), ok: t("admin_move_confirm") });
}

// --- users --------------------------------------------------------------------------------------

async function usersTab(screen) {
  const { api, body, role } = screen;
  const q = input({ type: "search", autocomplete: "off", "data-control": "user-q" });
  const inactive = input({ type: "checkbox", class: "check", "data-control": "inactive" });
  const listBox = h("div", { class: "admin-list", "data-testid": "user-list" });
  const formBox = h("div", { class: "admin-form" });
  const error = h("p", { class: "form-error", role: "alert", hidden: true });
  replace(body,
    h("div", { class: "admin-controls" }, field(t("admin_search_users"), q),
      h("label", { class: "check-label" }, inactive, t("admin_show_inactive")),
      role === "admin" ? h("button", { type: "button", class: "btn btn-primary", "data-action": "add-user",
        onclick: () => userForm(screen, formBox, null, load) }, t("admin_add_user")) : ""),
    error, formBox, listBox);
  let turn = 0;
  async function load() {
    const mine = ++turn;
    const params = new URLSearchParams({ per_page: "100" });
    if (q.value.trim()) params.set("q", q.value.trim());
    if (!inactive.checked) params.set("active", "true");
    const page = await api(`/users?${params}`).catch((e) => showError(error, e));
    if (mine !== turn || !page) return;
    replace(listBox, page.items.length
      ? h("ul", { class: "plain-list admin-rows" }, page.items.map((u) => userRow(u)))
      : h("p", { class: "empty", text: t("admin_no_users") }));
  }

  function userRow(u) {
    const admin = role === "admin";
    const mayEnrol = admin || !u.roles.some((r) => r === ADMIN || r === REVIEWER);
    return h("li", { class: `admin-row${u.active ? "" : " is-inactive"}`, "data-user": u.username },
      h("div", { class: "admin-row-text" },
        h("span", { class: "strong", dir: "auto", text: u.full_name }),
        h("span", { class: "small" }, joined([u.username, u.unit.name, u.position])),
        h("span", { class: "small" }, joined([u.roles.map((r) => enumLabel("role", r)).join(", "), u.active ? "" : t("admin_inactive")]))),
      h("div", { class: "actions" },
        admin ? h("button", { type: "button", class: "btn btn-small", "data-action": "edit-user", "aria-label": `${t("admin_edit")}: ${u.full_name}`,
          onclick: () => userForm(screen, formBox, u, load) }, t("admin_edit")) : "",
        mayEnrol && u.active ? h("button", { type: "button", class: "btn btn-small", "data-action": "enrol", "aria-label": `${t("admin_enrol")}: ${u.full_name}`,
          onclick: () => showCode(screen, u, "enrolment").catch((e) => showError(error, e)) }, t("admin_enrol")) : "",
        admin && u.active ? h("button", { type: "button", class: "btn btn-small", "data-action": "reset", "aria-label": `${t("admin_reset")}: ${u.full_name}`,
          onclick: () => showCode(screen, u, "password-reset").catch((e) => showError(error, e)) }, t("admin_reset")) : "",
        admin ? h("button", { type: "button", class: `btn btn-small${u.active ? " btn-danger" : ""}`, "data-action": u.active ? "deactivate" : "reactivate",
          "aria-label": `${t(u.active ? "admin_deactivate" : "admin_reactivate")}: ${u.full_name}`,
          onclick: async () => {
            if (u.active && !(await confirmDialog(t("admin_deactivate_confirm", { name: u.full_name }), { ok: t("admin_deactivate"), danger: true }))) return;
            try {
              await api(`/users/${u.id}`, { method: "PATCH", json: { active: !u.active } });
              screen.ctx.toast(t("admin_saved"));
              await load();
            } catch (e) {
              showError(error, e);
            }
          } }, t(u.active ? "admin_deactivate" : "admin_reactivate")) : ""));
  }

  q.addEventListener("input", load);
  inactive.addEventListener("change", load);
  await load();
}

/** The form creating a user, or changing one's details, unit and roles. */
function userForm(screen, box, user, done) {
  const { api, ctx } = screen;
  const username = input({ "data-control": "username", autocomplete: "off", autocapitalize: "none", maxlength: "64" });
  const fullName = input({ "data-control": "full_name", autocomplete: "off", maxlength: "255", value: user ? user.full_name : "" });
  const position = input({ "data-control": "position", autocomplete: "off", maxlength: "255", value: user && user.position ? user.position : "" });
  const password = input({ type: "password", "data-control": "password", autocomplete: "new-password" });
  let unit = user ? user.unit : ctx.user.unit;
  const unitShown = h("p", { class: "strong", "data-testid": "user-unit", text: unit.name });
  const roles = enumOptions("role").map(([code, label]) => {
    const box = input({ type: "checkbox", class: "check", value: code, "data-role": code, checked: Boolean(user && user.roles.includes(code)) });
    return { code, node: h("label", { class: "check-label" }, box, label), box };
  });
  const error = h("p", { class: "form-error", role: "alert", hidden: true });
  const form = h("form", { class: "card admin-card", "data-testid": "user-form", novalidate: true, onsubmit: async (event) => {
    event.preventDefault();
    error.hidden = true;
    const data = {
      full_name: fullName.value.trim(),
      position: position.value.trim() || null,
      unit_id: unit.id,
      roles: roles.filter((r) => r.box.checked).map((r) => r.code),
    };
    try {
      if (user) await api(`/users/${user.id}`, { method: "PATCH", json: data });
      else {
        const extra = { username: username.value.trim() };
        if (password.value) extra.password = password.value;
        await api("/users", { json: { ...data, ...extra } });
      }
      ctx.toast(t("admin_saved"));
      replace(box);
      await done();
    } catch (e) {
      showError(error, e);
    }
  } },
  h("h3", { class: "section-title", text: user ? `${t("admin_edit")}: ${user.full_name}` : t("admin_add_user") }),
  user ? "" : field(t("admin_username"), username),
  field(t("admin_full_name"), fullName),
  field(t("admin_position"), position),
  h("fieldset", { class: "field" }, h("legend", { text: t("admin_unit") }), unitShown,
    unitSearch(screen, t("admin_search_units"), (u) => {
      unit = u;
      unitShown.textContent = unitLine(u, true);
    })),
  h("fieldset", { class: "field" }, h("legend", { text: t("admin_roles") }), roles.map((r) => r.node)),
  user ? "" : field(t("admin_first_password"), password),
  error,
  h("div", { class: "actions" },
    h("button", { type: "button", class: "btn", onclick: () => replace(box) }, t("back")),
    h("button", { type: "submit", class: "btn btn-primary", "data-action": "save-user" }, t("admin_save"))));
  replace(box, form);
  (user ? fullName : username).focus();
}

/** Make a one-time code for a user and show it once: a QR for enrolment, grouped characters. */
async function showCode(screen, user, kind) {
  const code = await screen.api(`/users/${user.id}/${kind}`, { method: "POST" });
  const at = formatInstant(code.expires_at);
  let url = "";
  if (code.qr_svg) url = URL.createObjectURL(new Blob([code.qr_svg], { type: "image/svg+xml" }));
  await ask({
    title: t("admin_code_for", { name: user.full_name }),
    body: h("div", { class: "code-box", "data-testid": "one-time-code" },
      url ? h("img", { class: "qr", src: url, width: "240", height: "240", alt: t("admin_qr_alt", { name: user.full_name }) }) : "",
      h("p", { class: "code-text", "data-testid": "code-text", text: code.display }),
      h("p", { class: "small", text: t(kind === "enrolment" ? "admin_enrol_help" : "admin_reset_help", { at, name: user.full_name }) })),
    buttons: [{ label: t("admin_close"), value: true, kind: "primary" }],
  });
  if (url) URL.revokeObjectURL(url);
}

// --- devices ------------------------------------------------------------------------------------

async function devicesTab(screen) {
  const { api, body, ctx } = screen;
  const error = h("p", { class: "form-error", role: "alert", hidden: true });
  const listBox = h("div", { class: "admin-list", "data-testid": "device-list" });
  replace(body, error, listBox);
  const lang = getLang();
  async function load() {
    const devices = await api("/devices").catch((e) => showError(error, e));
    if (!devices) return;
    replace(listBox, devices.length ? h("ul", { class: "plain-list admin-rows" }, devices.map((d) => {
      const who = d.user || { full_name: `#${d.user_id}`, unit_name: "" };
      const live = !d.revoked_at;
      return h("li", { class: `admin-row${live ? "" : " is-inactive"}`, "data-device": d.id },
        h("div", { class: "admin-row-text" },
          h("span", { class: "strong" }, joined([who.full_name, d.name])),
          h("span", { class: "small" }, joined([who.unit_name, d.app_version ? t("admin_version", { v: d.app_version }) : ""])),
          h("span", { class: "small" }, joined([
            d.last_sync_at ? t("admin_last_sync", { at: formatInstant(d.last_sync_at) }) : t("admin_never_synced"),
            t("admin_pending", { n: formatNumber(d.pending_count || 0, lang) }),
            live ? "" : t("admin_revoked"),
            who.active === false ? t("admin_user_inactive") : "",
          ]))),
        live ? h("div", { class: "actions" }, h("button", { type: "button", class: "btn btn-small btn-danger", "data-action": "revoke",
          "aria-label": `${t("admin_revoke")}: ${d.name}`,
          onclick: async () => {
            const warn = d.pending_count ? ` ${t("admin_revoke_pending", { n: formatNumber(d.pending_count, lang) })}` : "";
            if (!(await confirmDialog(t("admin_revoke_confirm", { device: d.name, name: who.full_name }) + warn, { ok: t("admin_revoke"), danger: true }))) return;
            try {
              await api(`/devices/${d.id}/revoke`, { method: "POST" });
              ctx.toast(t("admin_saved"));
              await load();
            } catch (e) {
              showError(error, e);
            }
          } }, t("admin_revoke"))) : "");
    })) : h("p", { class: "empty", text: t("admin_no_devices") }));
  }
  await load();
}
