// Sign-in screen.

import { t } from "../i18n/labels.js";
import { h } from "./dom.js";

/**
 * @param {import("../app.js").Ctx} ctx
 */
export function render(ctx) {
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

  return { node: h("section", { class: "screen screen-signin" },
    h("div", { class: "brand" }, h("img", { src: "/icons/icon.svg", alt: "", width: "72", height: "72" }),
      h("p", { class: "brand-name", text: t("app_name") })),
    form,
    h("div", { class: "lang-switch" }, ctx.langSwitch())) };
}
