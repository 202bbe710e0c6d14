// Shared-phone screens: choose who you are and unlock with your PIN; set a PIN (first sign-in
// on this phone, or the upgrade from an unencrypted version).

import { t } from "../i18n/labels.js";
import { checkPin, listAccounts, pinState, PinError, unlock } from "../store/accounts.js";
import { h, replace } from "./dom-core.js";

const pinInput = (id, label, autocomplete = "off") => {
  const input = /** @type {HTMLInputElement} */ (h("input", {
    id, name: id, type: "password", class: "input input-pin", inputmode: "numeric", pattern: "[0-9]*",
    maxlength: "8", autocomplete, required: true,
  }));
  return { input, field: h("div", { class: "field" }, h("label", { for: id, text: label }), input) };
};

/** The message for a coded PIN refusal. @param {unknown} error */
export function pinMessage(error) {
  if (error instanceof PinError) {
    if (error.code === "PIN_WAIT" || (error.code === "PIN_WRONG" && Number(error.details.waitMs) > 0)) {
      return t("PIN_WAIT", { s: Math.ceil(Number(error.details.waitMs) / 1000) });
    }
    return t(error.code);
  }
  return String((error && /** @type {Error} */ (error).message) || error);
}

/**
 * The lock screen: the phone's officers, and a PIN for the one chosen.
 * @param {{onUnlocked: (userId: number, pin: string) => Promise<void>, onSignIn: (username?: string) => void,
 *   lastUser?: number|null, langSwitch: () => HTMLElement, extra?: HTMLElement|null}} options
 */
export function renderUnlock(options) {
  const list = h("div", { class: "who-list", role: "radiogroup", "aria-label": t("pin_who") });
  const { input, field } = pinInput("pin", t("pin_label"), "current-password");
  const error = h("p", { class: "form-error", role: "alert", "data-testid": "pin-error", hidden: true });
  const button = h("button", { type: "submit", class: "btn btn-primary btn-block" }, t("pin_unlock"));
  const online = h("button", {
    type: "button", class: "btn btn-block", hidden: true, "data-action": "password-sign-in",
    onclick: () => options.onSignIn(chosen && chosen.username),
  }, t("pin_password_sign_in"));
  /** @type {import("../store/phone.js").Account|null} */
  let chosen = null;
  let countdown = 0;

  const show = (text) => {
    error.textContent = text;
    error.hidden = !text;
  };
  const reflect = () => {
    clearInterval(countdown);
    if (!chosen) return;
    const tick = () => {
      if (!chosen) return;
      const state = pinState(chosen);
      online.hidden = !state.needsOnline;
      input.disabled = state.needsOnline || state.waitMs > 0;
      button.toggleAttribute("disabled", input.disabled);
      if (state.needsOnline) show(t("PIN_NEEDS_ONLINE"));
      else if (state.waitMs > 0) show(t("PIN_WAIT", { s: Math.ceil(state.waitMs / 1000) }));
      else {
        if (error.dataset.waiting) show("");
        clearInterval(countdown);
      }
      error.dataset.waiting = state.waitMs > 0 ? "1" : "";
    };
    tick();
    countdown = setInterval(tick, 250);
  };

  const choose = (account, buttons) => {
    chosen = account;
    for (const b of buttons) b.setAttribute("aria-checked", String(b.dataset.user === String(account.user_id)));
    show("");
    reflect();
    input.value = "";
    if (!input.disabled) input.focus();
  };

  listAccounts().then((accounts) => {
    accounts.sort((a, b) => a.full_name.localeCompare(b.full_name, "vi"));
    const buttons = accounts.map((account) => h("button", {
      type: "button", class: "who", role: "radio", "data-user": String(account.user_id), "aria-checked": "false",
      onclick: () => choose(account, buttons),
    }, h("span", { class: "who-name", text: account.full_name }), h("span", { class: "who-user small", text: account.username })));
    replace(list, buttons);
    const first = accounts.find((a) => a.user_id === options.lastUser) || accounts[0];
    if (first) choose(first, buttons);
  });

  const form = h("form", { class: "card signin", novalidate: true, onsubmit: async (event) => {
    event.preventDefault();
    if (!chosen) return;
    show("");
    button.setAttribute("disabled", "");
    button.textContent = t("pin_working");
    const pin = input.value;
    try {
      await unlock(chosen.user_id, pin);
      clearInterval(countdown);
      await options.onUnlocked(chosen.user_id, pin);
    } catch (e) {
      input.value = "";
      const accounts = await listAccounts();
      chosen = accounts.find((a) => a.user_id === (chosen && chosen.user_id)) || chosen;
      show(pinMessage(e));
      reflect();
    } finally {
      button.textContent = t("pin_unlock");
      if (!input.disabled) button.removeAttribute("disabled");
    }
  } },
  h("h2", { text: t("pin_title") }),
  h("p", { class: "label", text: t("pin_who") }),
  list, field, error, button, online);

  return {
    node: h("section", { class: "screen screen-signin screen-unlock" },
      h("div", { class: "brand" }, h("img", { src: "/icons/icon.svg", alt: "", width: "56", height: "56" }),
        h("p", { class: "brand-name", text: t("app_name") })),
      form,
      h("button", { type: "button", class: "btn btn-block", "data-action": "other-user", onclick: () => options.onSignIn() }, t("pin_other_user")),
      options.extra || "",
      h("div", { class: "lang-switch" }, options.langSwitch())),
    dispose: () => clearInterval(countdown),
  };
}

/**
 * Ask for a new PIN twice; resolves through onPin, which may throw a PinError to show.
 * @param {{name: string, title?: string, onPin: (pin: string) => Promise<void>, onCancel?: () => void}} options
 */
export function renderSetPin(options) {
  const first = pinInput("pin-new", t("pin_new"), "new-password");
  const second = pinInput("pin-again", t("pin_again"), "new-password");
  const error = h("p", { class: "form-error", role: "alert", "data-testid": "pin-error", hidden: true });
  const button = h("button", { type: "submit", class: "btn btn-primary btn-block" }, t("pin_save"));
  const form = h("form", { class: "card signin", novalidate: true, onsubmit: async (event) => {
    event.preventDefault();
    error.hidden = true;
    try {
      checkPin(first.input.value);
      if (first.input.value !== second.input.value) throw new PinError("PIN_MISMATCH");
      button.setAttribute("disabled", "");
      button.textContent = t("pin_working");
      await options.onPin(first.input.value);
    } catch (e) {
      error.textContent = pinMessage(e);
      error.hidden = false;
    } finally {
      button.removeAttribute("disabled");
      button.textContent = t("pin_save");
    }
  } },
  h("h2", { text: options.title || t("pin_set_title") }),
  h("p", { class: "small", text: t("pin_set_intro", { name: options.name }) }),
  first.field, second.field,
  h("p", { class: "small", text: t("pin_hint") }),
  error, button,
  options.onCancel ? h("button", { type: "button", class: "btn btn-block", onclick: options.onCancel }, t("pin_cancel")) : "");
  return { node: h("section", { class: "screen screen-signin screen-set-pin" }, form) };
}
