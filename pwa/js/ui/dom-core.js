// DOM from data without parsing HTML (createElement, textContent, attributes) and modal dialogs
// on <dialog>: what the sign-in and lock screens need (the first-load shell). How records,
// badges and sync states read on screen is in dom.js, which passes these on.

import { t } from "../i18n/labels.js";

const PROPS = new Set(["value", "checked", "selected", "disabled", "hidden", "open", "indeterminate"]);

/**
 * Create an element. props: class, text, on<event> handlers, DOM properties (value, checked…),
 * anything else as an attribute. Children: nodes or strings (strings become text nodes).
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

export function append(parent, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return parent;
}

// What the server refuses in text (server/schemas.py): control characters, and direction
// embeddings, overrides and isolates. Pasted text brings them (Word's line break is U+000B).
const REFUSED = /[\u0000-\u0008\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Typed or pasted text as the server accepts it: the refused characters dropped, a vertical tab
 * or form feed made a line break, and in a one-line field every tab and line break a space.
 */
export function cleanText(text, multiline) {
  const kept = text.replace(/[\u000b\u000c]/g, "\n").replace(REFUSED, "");
  return multiline ? kept : kept.replace(/[\t\r\n]+/g, " ");
}

/**
 * Parts of a line joined by a separator, each part isolated in a <bdi>: a direction control in
 * one person's text (U+202E reverses what follows it) cannot reorder its neighbours on screen.
 * Elements holding a single user text get dir="auto" instead, which isolates them the same way.
 */
export function joined(parts, separator = " · ") {
  return parts.filter(Boolean).flatMap((part, i) => [i ? separator : "", h("bdi", null, String(part))]);
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

// --- modal questions on <dialog> (never window.confirm/alert/prompt) ---

/** Ask a question with buttons; resolves with the chosen button's value (null if dismissed). */
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

/** Yes/no question. */
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

/** Ask for a text (e.g. the reason for returning a record). */
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
