// Photos, documents and the place on a record's form, and how its files show on the record and
// to the reviewer: thumbnail first, full file only when opened, "2/3 tệp đã nhận" (ATTACH.md §4).
// Upload progress is in upload-progress.js.

import { enumLabel, formatBytes, formatNumber, getLang, t } from "../i18n/labels.js";
import {
  completeness, DOCUMENT_KINDS, fitWithin, JPEG_QUALITY, LONG_EDGE, MAX_ATTACHMENTS, MAX_FILE_BYTES, placeOf, refusal,
} from "../lib/attachments.js";
import * as files from "../store/files.js";
import { download } from "../sync/download.js";
import { ask, cleanText, h, joined, replace } from "./dom.js";
import { phoneState } from "./upload-progress.js";


/**
 * @typedef {Object} AttachmentItem
 * @property {string} sha256
 * @property {string} kind
 * @property {string} mime
 * @property {number} size
 * @property {string|null} [caption]
 * @property {string|null} [file_name]
 * @property {string|null} [captured_at]
 */

/** A kind's label (DOMAIN.md §2.9). @param {string} kind */
export function kindLabel(kind) {
  return enumLabel("attachment_kind", kind);
}

/** Wall-clock minutes like every datetime on a record ("2026-11-30T16:05"). */
function localMinutes(date = new Date()) {
  const pad = (n) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/**
 * Redraw an image at most LONG_EDGE on its long side as JPEG: drawing keeps only the pixels,
 * so the camera's EXIF (place, phone, time) stays behind.
 * @param {Blob} blob
 * @param {number} [longEdge]
 * @param {number} [quality]
 * @returns {Promise<Blob>}
 */
export async function resizeImage(blob, longEdge = LONG_EDGE, quality = JPEG_QUALITY) {
  const bitmap = await createImageBitmap(blob, { imageOrientation: "from-image" });
  const { width, height } = fitWithin(bitmap.width, bitmap.height, longEdge);
  try {
    if (typeof OffscreenCanvas === "function") {
      const canvas = new OffscreenCanvas(width, height);
      paint(canvas.getContext("2d"), bitmap, width, height);
      return await canvas.convertToBlob({ type: "image/jpeg", quality });
    }
    const canvas = /** @type {HTMLCanvasElement} */ (document.createElement("canvas"));
    canvas.width = width;
    canvas.height = height;
    paint(canvas.getContext("2d"), bitmap, width, height);
    return await new Promise((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error("toBlob"))), "image/jpeg", quality));
  } finally {
    bitmap.close();
  }
}

function paint(context, bitmap, width, height) {
  // A transparent PNG would turn black in a JPEG: paper white behind it.
  context.fillStyle = "#fff";
  context.fillRect(0, 0, width, height);
  context.drawImage(bitmap, 0, 0, width, height);
}

/**
 * Turn a picked file into what the record declares: images redrawn, PDFs as they are; the
 * bytes kept on the phone until the server has them.
 * @param {File} file
 * @param {{kind: string, purpose: "photo"|"document"}} options
 * @returns {Promise<AttachmentItem>} rejects with Error(label key) when refused
 */
export async function takeFile(file, { kind, purpose }) {
  const why = refusal(file, purpose);
  if (why) throw new Error(why);
  let blob = /** @type {Blob} */ (file);
  if (file.type !== "application/pdf") {
    try {
      blob = await resizeImage(file);
    } catch {
      throw new Error("file_unreadable");
    }
  }
  if (blob.size > MAX_FILE_BYTES) throw new Error("file_too_large");
  const mime = blob.type || file.type;
  const name = file.name ? (mime === "image/jpeg" ? file.name.replace(/\.[^.]*$/, "") + ".jpg" : file.name) : null;
  try {
    return await files.saveFile(blob, { kind, mime, caption: null, file_name: name ? name.slice(0, 255) : null, captured_at: localMinutes() });
  } catch (error) {
    // The store says why (STORAGE_FULL, …); the record in the form is untouched either way.
    const code = error && /** @type {any} */ (error).code;
    throw new Error(code === "STORAGE_FULL" ? "file_quota" : code === "FILE_TOO_LARGE" ? "file_too_large" : "file_not_saved");
  }
}

// --- blobs on screen -----------------------------------------------------------------------

/**
 * A file's bytes from the server, with the bearer token (an <img src> cannot send it), resumed
 * after a cut; a whole file is checked against its sha256.
 */
function serverBlob(token, path, sha256 = null) {
  return download(path, { token, sha256 });
}

function fileUrl(table, id, sha256, thumb) {
  const query = `table=${encodeURIComponent(table)}&record_id=${encodeURIComponent(id)}`;
  return `/api/v1/files/${sha256}${thumb ? "/thumb" : ""}?${query}`;
}

/** Show a blob in an <img>, the object URL revoked once drawn. */
function showBlob(img, blob) {
  const url = URL.createObjectURL(blob);
  const done = () => URL.revokeObjectURL(url);
  img.addEventListener("load", done, { once: true });
  img.addEventListener("error", done, { once: true });
  img.src = url;
}

async function localBlob(sha256) {
  try {
    return await files.getFile(sha256);
  } catch {
    return null;
  }
}

/**
 * A thumbnail: the phone's own copy when it has one, else the server's small JPEG when online.
 * @param {{token?: string|null, table: string, id: string, held: boolean}} where
 * @param {AttachmentItem} item
 */
function thumbnail(where, item) {
  const img = /** @type {HTMLImageElement} */ (h("img", { class: "thumb-img", alt: item.caption || kindLabel(item.kind), decoding: "async" }));
  const box = h("span", { class: "thumb-box" }, img);
  if (!item.mime.startsWith("image/")) {
    img.remove();
    box.append(h("span", { class: "thumb-doc", "aria-hidden": "true", text: "PDF" }));
    return box;
  }
  localBlob(item.sha256).then(async (blob) => {
    if (blob) return showBlob(img, blob);
    if (!where.held || !where.token || !navigator.onLine) return markUnavailable(box, item);
    try {
      showBlob(img, await serverBlob(where.token, fileUrl(where.table, where.id, item.sha256, true)));
    } catch {
      markUnavailable(box, item);
    }
  });
  return box;
}

/** No picture to show (not received, or offline): the kind in its place. */
function markUnavailable(box, item) {
  box.classList.add("thumb-none");
  box.append(h("span", { class: "thumb-kind", "aria-hidden": "true", text: kindLabel(item.kind) }));
}

/**
 * Open a file: an image full size in a dialog, a document in a new tab (or saved).
 * @param {{token?: string|null, table: string, id: string, held: boolean}} where
 * @param {AttachmentItem} item
 */
async function openFile(ctx, where, item) {
  let blob = await localBlob(item.sha256);
  if (!blob && where.held && where.token && navigator.onLine) {
    try {
      blob = await serverBlob(where.token, fileUrl(where.table, where.id, item.sha256, false), item.sha256);
    } catch {
      blob = null;
    }
  }
  if (!blob) {
    ctx.toast(t(navigator.onLine ? "file_not_here" : "file_offline"));
    return;
  }
  const url = URL.createObjectURL(blob);
  if (item.mime.startsWith("image/")) {
    await ask({
      title: item.caption || kindLabel(item.kind),
      body: h("img", { class: "full-img", src: url, alt: item.caption || kindLabel(item.kind) }),
      buttons: [{ label: t("close"), value: null }],
    });
    URL.revokeObjectURL(url);
    return;
  }
  const link = h("a", { href: url, download: item.file_name || `${item.sha256.slice(0, 12)}.pdf`, target: "_blank", rel: "noopener" });
  document.body.append(link);
  link.click();
  link.remove();
  // The new tab reads the URL after this returns.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

// --- the form: photos and documents --------------------------------------------------------

/**
 * The "attachments" field of a model or meeting form: take photos (camera or gallery) and
 * documents, caption them, remove them.
 * @param {any} ctx
 * @param {{table: string, recordId: () => string|undefined}} options
 */
export function attachmentsEditor(ctx, options) {
  /** @type {AttachmentItem[]} */
  let items = [];
  const list = h("ul", { class: "attach-list", "data-testid": "attach-list" });
  const error = h("p", { class: "field-error", role: "alert", "data-testid": "attach-error", hidden: true });
  const busy = h("p", { class: "small", role: "status", hidden: true, text: t("file_preparing") });
  const kindId = `attach-kind-${Math.random().toString(36).slice(2, 8)}`;
  const kindSelect = /** @type {HTMLSelectElement} */ (h("select", { id: kindId, class: "input" },
    DOCUMENT_KINDS.map((kind) => h("option", { value: kind, text: kindLabel(kind) }))));

  const picker = (props, purpose, kind) => {
    const input = /** @type {HTMLInputElement} */ (h("input", { type: "file", hidden: true, tabindex: "-1", ...props }));
    input.addEventListener("change", async () => {
      const picked = [...(input.files || [])];
      input.value = "";
      await add(picked, purpose, kind());
    });
    return input;
  };
  const camera = picker({ accept: "image/*", capture: "environment", "data-input": "camera" }, "photo", () => "ANH");
  const gallery = picker({ accept: "image/*", multiple: true, "data-input": "gallery" }, "photo", () => "ANH");
  const docInput = picker({ accept: "image/*,application/pdf", "data-input": "document" }, "document", () => kindSelect.value);

  const node = h("fieldset", { class: "field attach-editor" },
    h("legend", { text: t("f_attachments") }),
    h("p", { class: "small", text: t("attach_hint") }),
    error, busy, list,
    h("div", { class: "attach-actions" },
      h("button", { type: "button", class: "btn", "data-action": "take-photo", onclick: () => camera.click() }, t("take_photo")),
      h("button", { type: "button", class: "btn", "data-action": "pick-photo", onclick: () => gallery.click() }, t("pick_photo"))),
    h("div", { class: "attach-doc" },
      h("div", { class: "field" }, h("label", { for: kindId, text: t("document_kind") }), kindSelect),
      h("button", { type: "button", class: "btn", "data-action": "add-document", onclick: () => docInput.click() }, t("add_document"))),
    camera, gallery, docInput);

  function say(key, values) {
    error.textContent = key ? t(key, values) : "";
    error.hidden = !key;
  }

  async function add(picked, purpose, kind) {
    say(null);
    busy.hidden = false;
    try {
      for (const file of picked) {
        if (items.length >= MAX_ATTACHMENTS) {
          say("file_too_many", { n: MAX_ATTACHMENTS });
          break;
        }
        let item;
        try {
          item = await takeFile(file, { kind, purpose });
        } catch (err) {
          say(/** @type {Error} */ (err).message, { max: formatBytes(MAX_FILE_BYTES, getLang()), name: file.name });
          continue;
        }
        if (items.some((i) => i.sha256 === item.sha256)) {
          say("file_twice");
          continue;
        }
        items.push(item);
        draw();
      }
    } finally {
      busy.hidden = true;
      // The form saves its draft on change: the new list is in it.
      node.dispatchEvent(new Event("change", { bubbles: true }));
    }
  }

  function draw() {
    replace(list, items.map((item, i) => {
      const captionId = `${kindId}-cap-${i}`;
      const caption = /** @type {HTMLInputElement} */ (h("input", {
        id: captionId, class: "input", type: "text", maxlength: "500", autocomplete: "off", "data-field": "caption",
        value: item.caption || "", placeholder: t("caption_placeholder"),
      }));
      caption.addEventListener("input", () => {
        const text = cleanText(caption.value, false).trim();
        item.caption = text ? text.slice(0, 500) : null;
      });
      // A file already on the server (its bytes dropped from this phone) shows the server's thumbnail.
      const id = options.recordId();
      const saved = id ? ctx.index.get(options.table, id) : null;
      const held = Boolean(saved && Array.isArray(saved.files_received) && saved.files_received.includes(item.sha256));
      const where = { table: options.table, id: id || "", held, token: ctx.session && ctx.session.token };
      return h("li", { class: "attach-item", "data-sha": item.sha256 },
        h("button", { type: "button", class: "thumb", "aria-label": t("open_file"), onclick: () => openFile(ctx, where, item) }, thumbnail(where, item)),
        h("div", { class: "attach-body" },
          h("p", { class: "small" }, joined([kindLabel(item.kind), formatBytes(item.size, getLang())])),
          h("label", { for: captionId, class: "small", text: t("caption") }),
          caption,
          h("button", { type: "button", class: "btn btn-small btn-remove", "data-action": "remove-file", onclick: () => {
            items = items.filter((x) => x !== item);
            draw();
            node.dispatchEvent(new Event("change", { bubbles: true }));
          } }, t("remove"))));
    }));
  }

  return {
    node,
    getValue: () => items.map((item) => ({ ...item })),
    setValue: (value) => {
      items = Array.isArray(value) ? value.map((item) => ({ ...item })) : [];
      draw();
    },
    /** @param {Record<string, string>} errors */
    showErrors: (errors) => {
      const messages = Object.values(errors);
      error.textContent = messages.join(" ");
      error.hidden = !messages.length;
    },
  };
}

// --- the form: the place, only when the officer asks -----------------------------------------

/**
 * The place of a record (geo_lat, geo_lon, geo_accuracy), taken only on the officer's press of
 * "Ghi vị trí", and cleared as easily. A widget over several fields.
 */
export function placeEditor() {
  /** @type {{geo_lat: number|null, geo_lon: number|null, geo_accuracy: number|null}} */
  let value = { geo_lat: null, geo_lon: null, geo_accuracy: null };
  const line = h("p", { class: "place-line", "data-testid": "place", role: "status" });
  const error = h("p", { class: "field-error", role: "alert", hidden: true });
  const take = h("button", { type: "button", class: "btn", "data-action": "take-place", onclick: () => locate() }, t("take_place"));
  const clearButton = h("button", { type: "button", class: "btn btn-small btn-remove", "data-action": "clear-place", onclick: () => {
    value = { geo_lat: null, geo_lon: null, geo_accuracy: null };
    draw();
    changed();
  } }, t("clear_place"));
  const node = h("fieldset", { class: "field place-editor" },
    h("legend", { text: t("f_place") }),
    h("p", { class: "small", text: t("place_hint") }),
    line, error, h("div", { class: "attach-actions" }, take, clearButton));

  function changed() {
    node.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function draw() {
    const place = placeOf(value);
    line.textContent = place ? placeText(place) : t("place_none");
    clearButton.hidden = !place;
  }

  function locate() {
    error.hidden = true;
    if (!("geolocation" in navigator)) {
      showError("place_unsupported");
      return;
    }
    take.setAttribute("disabled", "");
    line.textContent = t("place_locating");
    navigator.geolocation.getCurrentPosition((position) => {
      take.removeAttribute("disabled");
      const { latitude, longitude, accuracy } = position.coords;
      value = {
        geo_lat: Math.round(latitude * 1e6) / 1e6,
        geo_lon: Math.round(longitude * 1e6) / 1e6,
        geo_accuracy: Number.isFinite(accuracy) ? Math.min(1e6, Math.round(accuracy * 10) / 10) : null,
      };
      draw();
      changed();
    }, (err) => {
      take.removeAttribute("disabled");
      draw();
      showError(err.code === 1 ? "place_denied" : err.code === 3 ? "place_timeout" : "place_unavailable");
    }, { enableHighAccuracy: true, timeout: 30_000, maximumAge: 60_000 });
  }

  function showError(key) {
    error.textContent = t(key);
    error.hidden = false;
  }

  draw();
  return {
    node,
    fields: ["geo_lat", "geo_lon", "geo_accuracy"],
    getValue: () => ({ ...value }),
    setValue: (values) => {
      value = { geo_lat: values.geo_lat ?? null, geo_lon: values.geo_lon ?? null, geo_accuracy: values.geo_accuracy ?? null };
      draw();
    },
    /** @param {Record<string, string>} errors */
    showErrors: (errors) => {
      const messages = Object.values(errors);
      if (messages.length) showError(messages[0]);
      else error.hidden = true;
    },
  };
}

/** "21.02851, 105.85422 (±12 m)". @param {{coords: string, accuracy: number|null}} place */
function placeText(place) {
  return place.accuracy === null ? place.coords : `${place.coords} (${t("accuracy_m", { n: formatNumber(place.accuracy, getLang()) })})`;
}

// --- a record's files and place, for the officer and the reviewer ----------------------------

/**
 * The place recorded on a record, with a map link; "" when none.
 * @param {Record<string, any>} rec
 */
export function placeView(rec) {
  const place = placeOf(rec);
  if (!place) return "";
  const map = `https://www.openstreetmap.org/?mlat=${rec.geo_lat}&mlon=${rec.geo_lon}#map=17/${rec.geo_lat}/${rec.geo_lon}`;
  return h("div", { class: "card place-card", "data-testid": "place-view" },
    h("p", { class: "label", text: t("f_place") }),
    h("p", { text: placeText(place) }),
    h("a", { href: map, target: "_blank", rel: "noopener", class: "inline-link" }, t("open_map")));
}

/**
 * A record's photos and documents: thumbnails, captions, what the server has received
 * ("2/3 tệp đã nhận"), the missing ones marked; a tap opens the full file.
 * @param {any} ctx
 * @param {string} table
 * @param {Record<string, any>} rec
 * @param {{own?: boolean}} [options] own: the phone that took the files (its upload state shows)
 */
export function attachmentsView(ctx, table, rec, options = {}) {
  const items = /** @type {AttachmentItem[]} */ (Array.isArray(rec.attachments) ? rec.attachments : []);
  if (!items.length) return "";
  const count = completeness(rec);
  const token = ctx.session && ctx.session.token;
  return h("div", { class: "card attach-card", "data-testid": "attachments" },
    h("p", { class: "label", text: t("f_attachments") }),
    h("p", {
      class: `attach-count ${count.received < count.declared ? "is-missing" : "is-complete"}`, "data-testid": "files-received",
      text: t("files_received", { received: count.received, total: count.declared }),
    }),
    h("ul", { class: "attach-list attach-view" }, items.map((item) => {
      const held = count.known && !count.missing.has(item.sha256);
      const where = { token, table, id: rec.id, held };
      return h("li", { class: `attach-item${held ? "" : " is-missing"}`, "data-sha": item.sha256, "data-received": String(held) },
        h("button", { type: "button", class: "thumb", "aria-label": `${t("open_file")}: ${item.caption || kindLabel(item.kind)}`,
          onclick: () => openFile(ctx, where, item) }, thumbnail(where, item)),
        h("div", { class: "attach-body" },
          item.caption ? h("p", { class: "attach-caption", dir: "auto", text: item.caption }) : "",
          h("p", { class: "small" }, joined([kindLabel(item.kind), item.file_name, formatBytes(item.size, getLang())])),
          held ? "" : h("p", { class: "badge badge-missing", "data-testid": "file-missing", text: t("file_missing") }),
          held || !options.own ? "" : phoneState(item.sha256),
          item.mime.startsWith("image/") ? "" : h("button", { type: "button", class: "btn btn-small", "data-action": "open-document",
            onclick: () => openFile(ctx, where, item) }, t("open_document"))));
    })));
}
