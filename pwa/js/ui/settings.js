// The settings screen: language, storage use, account, app version, export, sign out.

import { enumLabel, formatBytes, getLang, t } from "../i18n/labels.js";
import { getSetting, setSetting, SETTING } from "../store/accounts.js";
import { sealForServer } from "../store/crypto.js";
import { getMeta, META, setMeta } from "../store/db.js";
import { unsyncedData } from "../store/records.js";
import { changePassword } from "../sync/http.js";
import { APP_VERSION, SCHEMA, toWireMutation } from "../sync/protocol.js";
import { ask, h, replace } from "./dom.js";

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
      h("p", { class: "small", text: user.roles.map((r) => enumLabel("role", r)).join(", ") }),
      h("button", { type: "button", class: "btn btn-block", "data-action": "change-password", onclick: () => askNewPassword(ctx) }, t("change_password"))),
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
 * key is known (PROTOCOL.md §13: an admin imports it); otherwise readable, as before.
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

/** Change the user's own password: the current one, then the new one twice. */
async function askNewPassword(ctx) {
  const make = (id, label, autocomplete) => {
    const input = /** @type {HTMLInputElement} */ (h("input", { id, type: "password", class: "input", autocomplete }));
    return { input, node: h("div", { class: "field" }, h("label", { for: id, text: label }), input) };
  };
  const current = make("pw-current", t("current_password"), "current-password");
  const next = make("pw-new", t("new_password"), "new-password");
  const again = make("pw-again", t("new_password_again"), "new-password");
  const error = h("p", { class: "field-error", role: "alert", hidden: true });
  const fail = (key) => {
    error.textContent = t(key);
    error.hidden = false;
    return false;
  };
  const ok = await ask({
    title: t("change_password"),
    body: h("div", { class: "stack" }, current.node, next.node, again.node, error),
    buttons: [{ label: t("back"), value: false }, { label: t("change_password"), value: true, kind: "primary" }],
    validate: () => {
      if (!navigator.onLine) return fail("online_only_action");
      if (next.input.value.length < 8) return fail("password_short");
      if (next.input.value !== again.input.value) return fail("password_mismatch");
      return true;
    },
  });
  if (!ok) return;
  try {
    await changePassword(ctx.session.token, current.input.value, next.input.value);
    ctx.toast(t("password_changed"));
  } catch (e) {
    ctx.toast(/** @type {Error} */ (e).message || t("network_error"));
  }
}
