// Upload progress (ATTACH.md §4): the line under the header ("Đang tải tệp lên 3/5"), the
// outbox's card with a bar per file, pause/resume, refused files with their coded message and a
// retry, and where one file stands on the phone that took it. Records never wait for files.

import { EV, on } from "../events.js";
import { formatBytes, getLang, t } from "../i18n/labels.js";
import { uploadPosition } from "../lib/attachments.js";
import * as files from "../store/files.js";
import * as uploads from "../sync/uploads.js";
import { h, replace } from "./dom.js";

/** What the uploader said last, and each file's bar and refusal this session. */
const progress = {
  /** @type {any} */
  last: uploads.uploadProgress(),
  /** @type {Map<string, {sent: number, size: number, error: {code: string, message: string}|null}>} */
  files: new Map(),
};
on(EV.UPLOADS, (detail) => {
  // Another tab's run counts too: only the tab holding the sync lock uploads.
  if (!detail) return;
  progress.last = detail;
  const file = detail.file;
  if (file && file.sha256) {
    const row = progress.files.get(file.sha256) || { sent: 0, size: file.size || 0, error: null };
    row.sent = file.sent ?? row.sent;
    row.size = file.size ?? row.size;
    // While the run goes on, an error names this file's refusal; after it, the run's failure.
    if (detail.running) row.error = detail.error || null;
    progress.files.set(file.sha256, row);
  }
  if (!detail.running) {
    for (const [sha, row] of progress.files) if (!row.error) progress.files.delete(sha);
  }
});

function running() {
  const last = progress.last;
  return Boolean(last && last.running && last.total > 0 && last.done < last.total);
}

/** "Đang tải tệp lên 3/5" or "Đã tạm dừng tải tệp (2/5)"; "" when nothing is moving or paused. */
export function uploadLine() {
  const last = progress.last;
  if (last && last.paused) return t("uploads_paused", { done: last.done || 0, total: last.total || 0 });
  if (!running()) return "";
  const { current, total } = uploadPosition(last);
  return t("uploads_running", { current, total });
}

function pauseButton() {
  return progress.last && progress.last.paused
    ? h("button", { type: "button", class: "btn btn-small", "data-action": "resume-uploads", onclick: () => uploads.resumeUploads() }, t("resume_uploads"))
    : h("button", { type: "button", class: "btn btn-small", "data-action": "pause-uploads", onclick: () => uploads.pauseUploads() }, t("pause_uploads"));
}

/**
 * The one-line upload state under the header, shown only while files move or are paused.
 * @returns {{node: HTMLElement, stop: () => void}}
 */
export function uploadStrip() {
  const node = h("div", { class: "upload-strip", role: "status", "data-testid": "upload-strip", hidden: true });
  const draw = () => {
    const line = uploadLine();
    node.hidden = !line;
    if (line) replace(node, h("span", { text: line }), pauseButton());
  };
  const stop = on(EV.UPLOADS, () => queueMicrotask(draw));
  draw();
  return { node, stop };
}

/** A file's bar: bytes the server holds of it. */
function bar(sha, row) {
  const text = t("upload_of", { sent: formatBytes(row.sent, getLang()), size: formatBytes(row.size, getLang()) });
  return h("li", { "data-sha": sha },
    h("progress", { max: String(row.size), value: String(row.sent), "aria-label": text }),
    h("span", { class: "small", text }));
}

/**
 * The outbox's files card: the overall line, a bar per file, pause/resume, the refused files
 * with their message and a retry, and why the last run stopped. Records' sync state is shown
 * apart: files never hold records back.
 * @returns {{node: HTMLElement, stop: () => void}}
 */
export function uploadPanel() {
  const node = h("div", { class: "card upload-card", "data-testid": "uploads", hidden: true });
  const draw = () => {
    const last = progress.last || {};
    const failed = [...progress.files.entries()].filter(([, row]) => row.error);
    const moving = [...progress.files.entries()].filter(([, row]) => !row.error && row.size && row.sent < row.size);
    const runError = !last.running && last.error && !last.paused ? last.error : null;
    const line = uploadLine();
    node.hidden = !line && !failed.length && !runError;
    if (node.hidden) return;
    replace(node,
      h("p", { class: "label", text: t("uploads_title") }),
      line ? h("div", { class: "upload-head" }, h("p", { class: "strong", "data-testid": "uploads-line", text: line }), pauseButton()) : "",
      moving.length ? h("ul", { class: "plain-list upload-bars" }, moving.map(([sha, row]) => bar(sha, row))) : "",
      runError ? h("p", { class: "small", "data-testid": "uploads-later", text: t("uploads_later", { message: runError.message || runError.code }) }) : "",
      failed.map(([sha, row]) => failedRow(sha, row.error, draw)));
  };
  const stop = on(EV.UPLOADS, () => queueMicrotask(draw));
  draw();
  return { node, stop };
}

/** A file the server refused: its coded message and a retry. */
function failedRow(sha, error, after) {
  return h("div", { class: "alert alert-error upload-failed", "data-testid": "upload-failed", "data-sha": sha, "data-code": error.code },
    h("p", { text: `${t("upload_failed")}: ${error.message || error.code}` }),
    h("button", { type: "button", class: "btn btn-small", "data-action": "retry-upload", onclick: async () => {
      const row = progress.files.get(sha);
      if (row) row.error = null;
      await uploads.retryUpload(sha);
      after();
    } }, t("retry_upload")));
}

/**
 * Where a declared file stands on this phone, for the officer's record: kept and waiting, being
 * sent, or refused (with a retry). "" once the server holds it or the phone has no word of it.
 * @param {string} sha256
 */
export function phoneState(sha256) {
  const node = h("div", { class: "file-state", "data-testid": "file-state" });
  files.fileInfo(sha256).then((info) => {
    if (!info || info.uploaded) return;
    const row = progress.files.get(sha256);
    if (info.failed) replace(node, failedRow(sha256, info.failed, () => replace(node, h("p", { class: "small", text: t("file_waiting") }))));
    else if (row && row.sent && row.sent < row.size) replace(node, h("ul", { class: "plain-list upload-bars" }, bar(sha256, row)));
    else replace(node, h("p", { class: "small", text: t("file_waiting") }));
  }, () => {});
  return node;
}
