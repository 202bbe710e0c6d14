// The sign-in screen: a password, an enrolment code or a reset code. Part of the first-load
// shell; the settings screen is in settings.js.

import { t } from "../i18n/labels.js";
import { resetPassword } from "../sync/http.js";
import { h } from "./dom-core.js";

// Sign-in screen.

// Automatic tries while the server answers SIGN_IN_BUSY, and the longest wait it may ask for.
const BUSY_TRIES = 5;
const BUSY_WAIT_MAX = 30;

/**
 * The sign-in screen: a password, an enrolment code (typed, scanned, or from the QR's link
 * #/enrol/<code>), or a password reset code.
 * @param {import("../app.js").Ctx} ctx
 * @param {{mode?: string, code?: string}} [options]
 */
export function renderSignIn(ctx, options = {}) {
  if (options.mode === "enrol") return screenOf(ctx, enrolForm(ctx, options.code || ""));
  if (options.mode === "reset") return screenOf(ctx, resetForm(ctx));
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
      for (let tries = 1; ; tries += 1) {
        try {
          await ctx.signIn(u, p);
          break;
        } catch (e) {
          // The server is busy hashing other sign-ins (SIGN_IN_BUSY, 429): wait as it asks, then
          // try again by ourselves a few times, saying so, rather than fail at once.
          const busy = /** @type {any} */ (e).code === "SIGN_IN_BUSY";
          if (!busy || tries >= BUSY_TRIES) throw e;
          const seconds = Math.min(BUSY_WAIT_MAX, /** @type {any} */ (e).retryAfter || 1);
          error.textContent = t("sign_in_busy_wait", { n: seconds });
          error.hidden = false;
          await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
        }
      }
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
  button,
  h("div", { class: "signin-other" },
    h("a", { href: "#/enrol", class: "btn btn-link", "data-action": "enrol-mode", text: t("enrol_with_code") }),
    h("a", { href: "#/reset", class: "btn btn-link", "data-action": "reset-mode", text: t("reset_with_code") })));
  // Signed out remotely (revoked, deactivated) with changes still here: they leave as a file.
  const pending = ctx.session && ctx.index ? ctx.index.pendingCount() + ctx.index.errors().length : 0;
  const exportButton = pending > 0 ? h("button", {
    type: "button", class: "btn btn-block", "data-action": "export", onclick: async () => {
      const { exportUnsynced } = await import("./settings.js");
      ctx.toast(t("export_done", { file: await exportUnsynced() }));
    } }, t("export_for_admin")) : "";

  return screenOf(ctx, form, exportButton);
}

function screenOf(ctx, form, exportButton = "") {
  return { node: h("section", { class: "screen screen-signin" },
    h("div", { class: "brand" }, h("img", { src: "/icons/icon.svg", alt: "", width: "72", height: "72" }),
      h("p", { class: "brand-name", text: t("app_name") })),
    form,
    exportButton,
    ctx.backToLock ? h("button", { type: "button", class: "btn btn-block", "data-action": "back-to-lock", onclick: ctx.backToLock }, t("back")) : "",
    h("div", { class: "lang-switch" }, ctx.langSwitch())) };
}

/** Tell a code from a scanned enrolment link or from typing: the part after #/enrol/. */
export function codeFrom(text) {
  const marker = "#/enrol/";
  const at = text.indexOf(marker);
  return (at >= 0 ? text.slice(at + marker.length) : text).trim();
}

function enrolForm(ctx, code) {
  const error = h("p", { class: "form-error", role: "alert", hidden: true });
  const input = /** @type {HTMLInputElement} */ (h("input", { id: "enrol-code", class: "input input-code", autocomplete: "one-time-code",
    autocapitalize: "characters", spellcheck: "false", placeholder: "ABCD-EFGH-JKMN", value: code }));
  const button = h("button", { type: "submit", class: "btn btn-primary btn-block", "data-action": "enrol" }, t("enrol"));
  const video = /** @type {HTMLVideoElement} */ (h("video", { class: "scan-video", muted: true, playsinline: true, hidden: true }));
  let scanning = false;
  async function scan() {
    // The browser's own QR reader (Chrome on Android); no third-party code reads the camera.
    const Detector = /** @type {any} */ (window).BarcodeDetector;
    let stream = null;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
      video.srcObject = stream;
      video.hidden = false;
      await video.play();
      const detector = new Detector({ formats: ["qr_code"] });
      scanning = true;
      while (scanning && document.body.contains(video)) {
        const found = await detector.detect(video).catch(() => []);
        if (found.length) {
          input.value = codeFrom(found[0].rawValue || "");
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    } catch {
      error.textContent = t("scan_failed");
      error.hidden = false;
    } finally {
      scanning = false;
      video.hidden = true;
      if (stream) stream.getTracks().forEach((track) => track.stop());
    }
  }
  const canScan = "BarcodeDetector" in window && Boolean(navigator.mediaDevices);
  return h("form", { class: "card signin", novalidate: true, "data-testid": "enrol-form", onsubmit: async (event) => {
    event.preventDefault();
    error.hidden = true;
    scanning = false;
    const value = codeFrom(input.value);
    if (!navigator.onLine || !value) {
      error.textContent = t(navigator.onLine ? "required" : "sign_in_offline");
      error.hidden = false;
      return;
    }
    button.setAttribute("disabled", "");
    try {
      await ctx.enrol(value);
    } catch (e) {
      error.textContent = /** @type {Error} */ (e).message || t("network_error");
      error.hidden = false;
    } finally {
      button.removeAttribute("disabled");
    }
  } },
  h("h2", { text: t("enrol_with_code") }),
  h("p", { class: "small", text: t("enrol_help") }),
  h("div", { class: "field" }, h("label", { for: "enrol-code", text: t("enrol_code") }), input),
  canScan ? h("button", { type: "button", class: "btn btn-block", "data-action": "scan", onclick: scan }, t("scan_qr")) : "",
  video,
  error,
  button,
  h("div", { class: "signin-other" }, h("a", { href: "#/signin", class: "btn btn-link", text: t("sign_in_password") })));
}

function resetForm(ctx) {
  const error = h("p", { class: "form-error", role: "alert", hidden: true });
  const done = h("p", { class: "notice", role: "status", hidden: true, text: t("reset_done") });
  const code = /** @type {HTMLInputElement} */ (h("input", { id: "reset-code", class: "input input-code", autocomplete: "one-time-code",
    autocapitalize: "characters", spellcheck: "false" }));
  const password = /** @type {HTMLInputElement} */ (h("input", { id: "reset-password", type: "password", class: "input", autocomplete: "new-password", minlength: "8" }));
  const button = h("button", { type: "submit", class: "btn btn-primary btn-block", "data-action": "reset" }, t("reset_password"));
  return h("form", { class: "card signin", novalidate: true, "data-testid": "reset-form", onsubmit: async (event) => {
    event.preventDefault();
    error.hidden = true;
    if (password.value.length < 8) {
      error.textContent = t("password_short");
      error.hidden = false;
      return;
    }
    button.setAttribute("disabled", "");
    try {
      await resetPassword(code.value.trim(), password.value);
      done.hidden = false;
      ctx.toast(t("reset_done"));
      ctx.navigate("#/signin", { replace: true });
    } catch (e) {
      error.textContent = /** @type {Error} */ (e).message || t("network_error");
      error.hidden = false;
    } finally {
      button.removeAttribute("disabled");
    }
  } },
  h("h2", { text: t("reset_with_code") }),
  h("div", { class: "field" }, h("label", { for: "reset-code", text: t("reset_code") }), code),
  h("div", { class: "field" }, h("label", { for: "reset-password", text: t("new_password") }), password),
  error, done, button,
  h("div", { class: "signin-other" }, h("a", { href: "#/signin", class: "btn btn-link", text: t("sign_in_password") })));
}
