// Building DOM from data without ever parsing HTML: createElement, textContent, attributes.

import { t } from "../i18n/labels.js";

const PROPS = new Set(["value", "checked", "selected", "disabled", "hidden", "open", "indeterminate"]);

/**
 * Create an element. props: class, text, on<event> handlers, DOM properties (value, checked…),
 * anything else as an attribute. Children: nodes or strings (strings become text nodes).
 * @param {string} tag
 * @param {Record<string, any>|null} [props]
 * @param {...(Node|string|number|null|undefined|false|Array<any>)} children
 * @returns {HTMLElement}
 */
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  if (props) {
    for (const [key, value] of Object.entries(props)) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "class") el.className = value;
      else if (key === "text") el.textContent = String(value);
      else if (key.startsWith("on") && typeof value === "function") {
        el.addEventListener(key.slice(2).toLowerCase(), value);
      } else if (PROPS.has(key)) el[key] = value;
      else el.setAttribute(key, value === true ? "" : String(value));
    }
  }
  append(el, children);
  return el;
}

/**
 * @param {Node} parent
 * @param {Array<any>} children
 */
export function append(parent, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return parent;
}

/** Remove every child of a node. @param {Node} node */
export function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
  return node;
}

/** Replace a node's children. */
export function replace(node, ...children) {
  clear(node);
  return append(node, children);
}

// Modal questions built on <dialog>: never window.confirm/alert/prompt.

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
