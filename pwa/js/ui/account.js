// Account screens: sign-in, settings (language, storage, export, sign-out).

import { enumLabel, formatBytes, getLang, t } from "../i18n/labels.js";
import { getSetting, setSetting, SETTING } from "../store/accounts.js";
import { sealForServer } from "../store/crypto.js";
import { getMeta, META, setMeta } from "../store/db.js";
import { unsyncedData } from "../store/records.js";
import { APP_VERSION, SCHEMA, toWireMutation } from "../sync/protocol.js";
import { ask, h, replace } from "./dom.js";

// Sign-in screen.

export function renderSignIn(ctx) {
  const error = h("p", { class: "form-error", role: "alert", hidden: true });
  const username = h("input", { id: "username", name: "username", class: "input", autocomplete: "username", autocapitalize: "none", required: true });
  const password = h("input", { id: "password", name: "password", type: "password", class: "input", autocomplete: "current-password", required: true });
  const button = h("button", { type: "submit", class: "btn btn-primary btn-block" }, t("sign_in"));
  const notice = ctx.signInNotice ? h("p", { class: "notice notice-warn", role: "status", text: ctx.signInNotice }) : "";
  const lastUser = ctx.session && ctx.session.user;
  if (lastUser) /** @type {HTMLInputElement} */ (username).value = lastUser.username;

  const form = h("form", { class: "card signin", novalidate: true, onsubmit: async (event) => {
    event.preventDefault();
    error.hidden = true;
    if (!navigator.onLine) {
      error.textContent = t("sign_in_offline");
      error.hidden = false;
      return;
    }
    const u = /** @type {HTMLInputElement} */ (username).value.trim();
    const p = /** @type {HTMLInputElement} */ (password).value;
    if (!u || !p) {
      error.textContent = t("required");
      error.hidden = false;
      return;
    }
    button.setAttribute("disabled", "");
    button.textContent = t("signing_in");
    try {
      await ctx.signIn(u, p);
    } catch (e) {
      error.textContent = /** @type {Error} */ (e).message || t("network_error");
      error.hidden = false;
    } finally {
      button.removeAttribute("disabled");
      button.textContent = t("sign_in");
    }
  } },
  h("h2", { text: t("sign_in") }),
  notice,
  h("div", { class: "field" }, h("label", { for: "username", text: t("username") }), username),
  h("div", { class: "field" }, h("label", { for: "password", text: t("password") }), password),
  error,
  button);
  // Signed out remotely (revoked, deactivated) with changes still here: they leave as a file.
  const pending = ctx.session && ctx.index ? ctx.index.pendingCount() + ctx.index.errors().length : 0;
  const exportButton = pending > 0 ? h("button", {
    type: "button", class: "btn btn-block", "data-action": "export", onclick: async () => {
      ctx.toast(t("export_done", { file: await exportUnsynced() }));
    } }, t("export_for_admin")) : "";

  return { node: h("section", { class: "screen screen-signin" },
    h("div", { class: "brand" }, h("img", { src: "/icons/icon.svg", alt: "", width: "72", height: "72" }),
      h("p", { class: "brand-name", text: t("app_name") })),
    form,
    exportButton,
    ctx.backToLock ? h("button", { type: "button", class: "btn btn-block", "data-action": "back-to-lock", onclick: ctx.backToLock }, t("back")) : "",
    h("div", { class: "lang-switch" }, ctx.langSwitch())) };
}

// Settings: language, storage use, account, app version, export, sign out.

/** @param {import("../app.js").Ctx} ctx */
export function renderSettings(ctx) {
  const storage = h("div", { "data-testid": "storage" }, h("p", { class: "small", text: "…" }));
  showStorage(storage);
  const user = ctx.user;
  const node = h("section", { class: "screen screen-settings" },
    h("h2", { class: "screen-title", text: t("settings_title") }),
    h("div", { class: "card" }, h("p", { class: "label", text: t("language") }), ctx.langSwitch()),
    h("div", { class: "card" }, h("p", { class: "label", text: t("storage") }), storage),
    h("div", { class: "card" },
      h("p", { class: "label", text: t("account") }),
      h("p", { class: "strong", text: user.full_name }),
      h("p", { class: "small", text: [user.position, user.unit.name].filter(Boolean).join(" · ") }),
      h("p", { class: "small", text: user.roles.map((r) => enumLabel("role", r)).join(", ") })),
    h("div", { class: "card" },
      h("p", { class: "label", text: t("app_version") }),
      h("p", { class: "small", "data-testid": "app-version", text: APP_VERSION })),
    h("div", { class: "card" }, h("label", { class: "label", for: "idle", text: t("lock_after") }), idleSelect()),
    h("button", { type: "button", class: "btn btn-block", "data-action": "lock", onclick: () => ctx.lock && ctx.lock() }, t("lock_now")),
    h("button", { type: "button", class: "btn btn-block", "data-action": "export", onclick: async () => {
      ctx.toast(t("export_done", { file: await exportUnsynced() }));
    } }, t("export_data")),
    h("button", { type: "button", class: "btn btn-danger btn-block", "data-action": "sign-out", onclick: () => signOut(ctx) }, t("sign_out")));
  return { node };
}

const IDLE_CHOICES = [1, 5, 15, 30];

function idleSelect() {
  const select = /** @type {HTMLSelectElement} */ (h("select", { id: "idle", class: "input", onchange: () => {
    setSetting(SETTING.IDLE_MS, Number(select.value) * 60000);
  } }, IDLE_CHOICES.map((n) => h("option", { value: String(n), text: t("lock_minutes", { n }) }))));
  select.value = "5";
  getSetting(SETTING.IDLE_MS).then((ms) => {
    if (ms && IDLE_CHOICES.includes(ms / 60000)) select.value = String(ms / 60000);
  });
  return select;
}

async function showStorage(box) {
  const lines = [];
  if (navigator.storage && navigator.storage.estimate) {
    const { usage = 0, quota = 0 } = await navigator.storage.estimate();
    lines.push(t("storage_use", { used: formatBytes(usage, getLang()), free: formatBytes(Math.max(0, quota - usage), getLang()) }));
  }
  if (navigator.storage && navigator.storage.persisted) {
    lines.push(t((await navigator.storage.persisted()) ? "storage_persisted" : "storage_not_persisted"));
  }
  replace(box, lines.map((text) => h("p", { class: "small", text })));
}

/** Sign out. With unsynced changes: export first, then a second, explicit confirmation. */
async function signOut(ctx) {
  const pending = ctx.index.pendingCount() + ctx.index.errors().length;
  if (pending === 0) {
    const ok = await ask({ message: t("signout_plain"), buttons: [
      { label: t("back"), value: false }, { label: t("sign_out"), value: true, kind: "danger" }] });
    if (ok) await ctx.signOut();
    return;
  }
  let exported = false;
  const first = await ask({
    title: t("sign_out"),
    message: t("signout_pending", { n: pending }),
    buttons: [
      { label: t("back"), value: null },
      { label: t("export_data"), value: "export", kind: "primary" },
    ],
  });
  if (first !== "export") return;
  ctx.toast(t("export_done", { file: await exportUnsynced() }));
  exported = true;
  const second = await ask({
    title: t("sign_out"),
    message: t("signout_confirm_again", { n: pending }),
    buttons: [
      { label: t("back"), value: false },
      { label: t("signout_anyway"), value: true, kind: "danger" },
    ],
  });
  if (second === true && exported) await ctx.signOut();
}

// Export everything not yet on the server to a JSON file, for when no connection comes.

/**
 * Build the file and start its download. Returns the file name. Sealed for the server when its
 * key is known (PROTOCOL.md §12: an admin imports it); otherwise readable, as before.
 */
export async function exportUnsynced() {
  const [data, session, serverKey] = await Promise.all([unsyncedData(), getMeta(META.SESSION), getSetting(SETTING.SERVER_KEY)]);
  const now = new Date();
  const stamp = now.toISOString().slice(0, 16).replace(/[-:]/g, "").replace("T", "-");
  const user = session && session.user ? { id: session.user.id, username: session.user.username, full_name: session.user.full_name } : null;
  const deviceId = session && session.device ? session.device.id : null;
  let body;
  let fileName = `sotay-chua-dong-bo-${stamp}.json`;
  if (serverKey && user && deviceId) {
    const header = { user_id: user.id, device_id: deviceId, exported_at: now.toISOString(), app_version: APP_VERSION };
    body = await sealForServer(serverKey, header, {
      ...header, schema: SCHEMA, mutations: data.outbox.map(toWireMutation), records: data.records, conflicts: data.conflicts,
    });
    fileName = `sotay-chua-dong-bo-${user.username}-${stamp}.sotay.json`;
  } else {
    body = {
      format: "sotay-unsynced/1",
      exported_at: now.toISOString(),
      app_version: APP_VERSION,
      user,
      device_id: deviceId,
      ...data,
    };
  }
  const blob = new Blob([JSON.stringify(body, null, 1)], { type: "application/json" });
  const url = URL.createObjectURL(blob);
  const link = h("a", { href: url, download: fileName, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
  await setMeta(META.LAST_EXPORT_AT, now.getTime());
  return fileName;
}
