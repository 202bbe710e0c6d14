// Modal questions built on <dialog>: never window.confirm/alert/prompt.

import { t } from "../i18n/labels.js";
import { h } from "./dom.js";

/**
 * Ask a question with buttons; resolves with the chosen button's value (null if dismissed).
 * @param {{title?: string, message?: string|Node, buttons: {label: string, value: any,
 *   kind?: "primary"|"danger"|"plain"}[], body?: Node, validate?: () => boolean}} spec
 * @returns {Promise<any>}
 */
export function ask(spec) {
  return new Promise((resolve) => {
    const dialog = /** @type {HTMLDialogElement} */ (h("dialog", { class: "dialog" }));
    let settled = false;
    const finish = (value) => {
      if (settled) return;
      settled = true;
      dialog.close();
      dialog.remove();
      resolve(value);
    };
    const buttons = spec.buttons.map((b) =>
      h("button", {
        type: "button",
        class: `btn ${b.kind === "primary" ? "btn-primary" : b.kind === "danger" ? "btn-danger" : ""}`,
        onclick: () => {
          if (b.value !== null && spec.validate && !spec.validate()) return;
          finish(b.value);
        },
      }, b.label));
    dialog.append(
      spec.title ? h("h2", { class: "dialog-title", text: spec.title }) : "",
      spec.message ? h("div", { class: "dialog-message" }, spec.message) : "",
      spec.body || "",
      h("div", { class: "dialog-actions" }, buttons),
    );
    dialog.addEventListener("cancel", (event) => {
      event.preventDefault();
      finish(null);
    });
    document.body.append(dialog);
    dialog.showModal();
  });
}

/**
 * Yes/no question.
 * @param {string} message
 * @param {{ok?: string, cancel?: string, danger?: boolean, title?: string}} [options]
 */
export async function confirmDialog(message, options = {}) {
  const value = await ask({
    title: options.title,
    message,
    buttons: [
      { label: options.cancel || t("back"), value: false },
      { label: options.ok || t("agree"), value: true, kind: options.danger ? "danger" : "primary" },
    ],
  });
  return value === true;
}

/**
 * Ask for a text (e.g. the reason for returning a record).
 * @param {{title: string, label: string, required?: boolean, ok?: string}} options
 * @returns {Promise<string|null>}
 */
export async function promptDialog(options) {
  const id = `prompt-${Date.now()}`;
  const input = /** @type {HTMLTextAreaElement} */ (h("textarea", { id, rows: "4", class: "input" }));
  const error = h("p", { class: "field-error", hidden: true, role: "alert" });
  const value = await ask({
    title: options.title,
    body: h("div", { class: "field" }, h("label", { for: id, text: options.label }), input, error),
    buttons: [
      { label: t("back"), value: null },
      { label: options.ok || t("confirm"), value: "ok", kind: "primary" },
    ],
    validate: () => {
      const ok = !options.required || input.value.trim() !== "";
      error.textContent = ok ? "" : t("required");
      error.hidden = ok;
      return ok;
    },
  });
  return value === null ? null : input.value.trim();
}
