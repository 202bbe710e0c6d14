// The phone's attachment bytes (PROTOCOL.md §12), kept under their SHA-256 in the `files`
// store until the server holds them complete and no unsynced record needs them. No DOM.

import { emit, EV } from "../events.js";
import {
  ATTACHMENT_TABLES, FILE_MIMES, heldFiles, MAX_FILE_BYTES, mayDropBytes, orphanFiles, planUploads, sha256Hex,
} from "../sync/upload-core.js";
import { currentVault, LockedError, META, req, STORE, withTx } from "./db.js";

/**
 * @typedef {import("../sync/upload-core.js").StoredFile} StoredFile
 * @typedef {import("../sync/upload-core.js").PendingUpload} PendingUpload
 * @typedef {{sha256: string, kind: string, mime: string, size: number, caption: string|null,
 *   file_name: string|null, captured_at: string|null}} AttachmentItem
 * @typedef {{kind: string, mime: string, caption?: string|null, file_name?: string|null,
 *   captured_at?: string|null}} AttachmentMeta
 */

// Messages for the capture form; the code is what a caller branches on.
const MESSAGES = {
  STORAGE_FULL: "Bộ nhớ của trình duyệt đã đầy: chưa lưu được tệp này. Hãy đồng bộ để giải phóng "
    + "chỗ, hoặc xoá bớt dữ liệu trình duyệt, rồi thử lại. Bản ghi không bị ảnh hưởng.",
  STORAGE_FAILED: "Không lưu được tệp vào máy. Bản ghi không bị ảnh hưởng; hãy thử lại.",
  FILE_TOO_LARGE: "Tệp lớn hơn 10 MB: hãy chọn ảnh nhỏ hơn hoặc chia tài liệu.",
  FILE_EMPTY: "Tệp rỗng: hãy chọn lại.",
  FILE_TYPE_MISMATCH: "Chỉ nhận ảnh JPEG, PNG, WebP hoặc tài liệu PDF.",
};

/** A file the phone refused to keep; `code` is one of MESSAGES' keys. */
export class FileStoreError extends Error {
  /** @param {keyof typeof MESSAGES} code @param {unknown} [cause] */
  constructor(code, cause) {
    super(MESSAGES[code]);
    this.name = "FileStoreError";
    this.code = code;
    this.cause = cause;
  }
}

let persistAsked = false;

/** Ask once per page load that the browser keep our data under storage pressure. */
function askPersistence() {
  if (persistAsked) return;
  persistAsked = true;
  const storage = typeof navigator !== "undefined" ? navigator.storage : undefined;
  if (storage && storage.persist) storage.persist().catch(() => false);
}

const isQuota = (error) => Boolean(error) && (error.name === "QuotaExceededError"
  || (error.inner && error.inner.name === "QuotaExceededError"));

/**
 * Keep a file's bytes and return the item to put in the record's `attachments`. The record
 * itself is not touched: on any failure (a FileStoreError) the caller's record is as it was.
 * @param {Blob} blob @param {AttachmentMeta} meta @returns {Promise<AttachmentItem>}
 */
export async function saveFile(blob, meta) {
  if (!FILE_MIMES.includes(meta.mime)) throw new FileStoreError("FILE_TYPE_MISMATCH");
  if (blob.size <= 0) throw new FileStoreError("FILE_EMPTY");
  if (blob.size > MAX_FILE_BYTES) throw new FileStoreError("FILE_TOO_LARGE");
  askPersistence();
  const sha256 = await sha256Hex(await blob.arrayBuffer());
  try {
    await withTx([STORE.FILES], "readwrite", async (tx) => {
      const store = tx.objectStore(STORE.FILES);
      /** @type {StoredFile|undefined} */
      const existing = await req(store.get(sha256));
      if (existing && existing.blob) return;
      // Already uploaded once (bytes dropped since): keep the server's word, take the bytes
      // back in case a new record needs them before its status answers.
      await req(store.put({
        sha256, blob, size: blob.size, mime: meta.mime,
        uploaded: Boolean(existing && existing.uploaded), received: (existing && existing.received) || [],
        failed: null, saved_at: Date.now(),
      }));
    });
  } catch (error) {
    throw new FileStoreError(isQuota(error) ? "STORAGE_FULL" : "STORAGE_FAILED", error);
  }
  emit(EV.DATA_CHANGED, { tables: [STORE.FILES], ids: [sha256] });
  return {
    sha256, kind: meta.kind, mime: meta.mime, size: blob.size,
    caption: meta.caption ?? null, file_name: meta.file_name ?? null, captured_at: meta.captured_at ?? null,
  };
}

/**
 * The bytes of a file kept on this phone, or null: read from disk and opened for this call only
 * (the vault's in-memory copy never holds photo bytes). @returns {Promise<Blob|null>}
 */
export async function getFile(sha256) {
  const vault = currentVault();
  if (!vault) throw new LockedError();
  return vault.readBytes(STORE.FILES, sha256);
}

/**
 * What this phone knows of a file (upload state, failure), or null; `blob` is only a mark that
 * the bytes are here (getFile reads them). @returns {Promise<StoredFile|null>}
 */
export async function fileInfo(sha256) {
  const file = await withTx([STORE.FILES], "readonly", (tx) => req(tx.objectStore(STORE.FILES).get(sha256)));
  if (!file) return null;
  return { ...file, blob: file.blob || null };
}

// Most phones (reviewers') never hold a file: they skip reading every record after each sync.
async function holdsBytes() {
  /** @type {StoredFile[]} */
  const files = await withTx([STORE.FILES], "readonly", (tx) => req(tx.objectStore(STORE.FILES).getAll()));
  return files.some((f) => f.blob);
}

const READ_STORES = [STORE.FILES, STORE.OUTBOX, ...ATTACHMENT_TABLES];

async function readState(tx) {
  const records = [];
  for (const table of ATTACHMENT_TABLES) {
    for (const record of await req(tx.objectStore(table).getAll())) records.push({ table, record });
  }
  const outbox = await req(tx.objectStore(STORE.OUTBOX).getAll());
  /** @type {StoredFile[]} */
  const files = await req(tx.objectStore(STORE.FILES).getAll());
  return { records, outbox, files };
}

/**
 * Files to upload now, one entry per file, with a record that declares it on the server.
 * Files a pulled record reports complete are marked uploaded on the way.
 * @returns {Promise<PendingUpload[]>}
 */
export async function pendingUploads() {
  if (!(await holdsBytes())) return [];
  const { records, outbox, files } = await withTx(READ_STORES, "readonly", readState);
  const plan = planUploads(records, outbox, files);
  for (const sha256 of plan.complete) await markUploaded(sha256);
  return plan.pending;
}

async function update(sha256, change) {
  const done = await withTx([STORE.FILES], "readwrite", async (tx) => {
    const store = tx.objectStore(STORE.FILES);
    const file = await req(store.get(sha256));
    if (!file) return false;
    await req(store.put(change(file)));
    return true;
  });
  if (done) emit(EV.DATA_CHANGED, { tables: [STORE.FILES], ids: [sha256] });
}

/** Remember the chunks the server holds, so a reload shows the progress made. */
export function setReceived(sha256, received) {
  return update(sha256, (file) => ({ ...file, received: [...received] }));
}

/** The server refused the file for good: keep its message for the UI; others go on. */
export function markFailed(sha256, { code, message }) {
  return update(sha256, (file) => ({ ...file, failed: { code, message, at: Date.now() } }));
}

/** Let a refused file try again (after the user fixed the record, or on request). */
export function clearFailed(sha256) {
  return update(sha256, (file) => ({ ...file, failed: null }));
}

/** The server holds the file complete: drop its bytes unless an unsynced record needs them. */
export async function markUploaded(sha256) {
  await update(sha256, (file) => ({ ...file, uploaded: true, failed: null }));
  await pruneFiles();
}

/** Drop the bytes of every uploaded file no unsynced record references, and of week-old
 * captures no record or form draft declares; returns how many. */
export async function pruneFiles(now = Date.now()) {
  if (!(await holdsBytes())) return 0;
  const dropped = await withTx([...READ_STORES, STORE.META], "readwrite", async (tx) => {
    const { records, outbox, files } = await readState(tx);
    const draft = await req(tx.objectStore(STORE.META).get(META.FORM_DRAFT));
    const { held } = heldFiles(records, outbox);
    const orphans = new Set(orphanFiles(records, files, draft ? JSON.stringify(draft) : "", now));
    const store = tx.objectStore(STORE.FILES);
    let count = 0;
    for (const file of files) {
      if (orphans.has(file.sha256) && !held.has(file.sha256)) {
        await req(store.delete(file.sha256));
      } else if (mayDropBytes(file, held)) {
        await req(store.put({ ...file, blob: null }));
      } else {
        continue;
      }
      count += 1;
    }
    return count;
  });
  if (dropped) emit(EV.DATA_CHANGED, { tables: [STORE.FILES] });
  return dropped;
}
