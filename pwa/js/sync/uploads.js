// Attachment uploads (PROTOCOL.md §12): after each record sync, one file at a time, only the
// chunks the server lacks, in order. Announces progress through events; never touches the DOM.

import { emit, EV } from "../events.js";
import {
  clearFailed, getFile, markFailed, markUploaded, pendingUploads, pruneFiles, setReceived,
} from "../store/files.js";
import { ApiError, request } from "./http.js";
import {
  chunkCount, chunkRange, classifyFileError, DEFAULT_CHUNK_BYTES, STATUS_MAX_ITEMS, uploadOne, UploadError,
} from "./upload-core.js";

/**
 * @typedef {import("./upload-core.js").PendingUpload} PendingUpload
 * @typedef {{sha256: string, state: "complete"|"partial"|"absent", received: number[],
 *   error: {code: string, message: string}|null}} FileStatus
 * @typedef {Object} UploadProgress  the detail of EV.UPLOADS
 * @property {number} done      files finished this run (uploaded, refused or left for later)
 * @property {number} total     files this run set out to upload
 * @property {{sha256: string, sent: number, size: number}|null} file  the file on the wire
 * @property {boolean} paused
 * @property {boolean} running
 * @property {{code: string, message: string}|null} error  why `file` was refused, or the run stopped
 * @property {number} bytesSent   bytes the server holds of this run's files
 * @property {number} bytesTotal  their total size
 * @property {number} [retryAt]   ms when the next attempt is due after a failed run
 * @typedef {{fetchImpl?: typeof fetch, token: string, signal?: AbortSignal,
 *   shouldYield?: () => (boolean|Promise<boolean>), base?: string}} RunOptions
 */

let paused = false;
/** @type {AbortController|null} aborts the chunk on the wire when the user pauses */
let wire = null;
/** @type {(() => void)|null} */
let onResume = null;
/** @type {UploadProgress} */
let last = {
  done: 0, total: 0, file: null, paused: false, running: false, error: null, bytesSent: 0, bytesTotal: 0,
};

/** @param {Partial<UploadProgress>} patch */
function announce(patch) {
  last = { ...last, ...patch, paused };
  emit(EV.UPLOADS, last);
}

/** The last progress announced (a view that opens late draws from it). @returns {UploadProgress} */
export function uploadProgress() {
  return last;
}

/** Who starts a run when the user resumes (the sync engine, so the Web Lock is held). */
export function setResumeHandler(handler) {
  onResume = handler;
}

/** Stop uploading: the chunk on the wire is dropped (resent later, at most one chunk). */
export function pauseUploads() {
  paused = true;
  if (wire) wire.abort();
  announce({});
}

/** Go on uploading where the server's chunks end. */
export function resumeUploads() {
  paused = false;
  announce({});
  if (onResume) onResume();
}

/** Whether the user paused uploads. */
export function uploadsPaused() {
  return paused;
}

/** Try a refused file again, e.g. after the record was corrected. */
export async function retryUpload(sha256) {
  await clearFailed(sha256);
  resumeUploads();
}

/**
 * One upload request through the app's one HTTP path; its errors as UploadError, which the
 * uploader's rules (upload-core.js) classify, and a pause's abort as the AbortError itself.
 * @param {typeof fetch} fetchImpl @param {string} url
 * @param {{method: string, token: string, headers?: Record<string, string>, json?: any, body?: BodyInit, signal?: AbortSignal}} options
 * @returns {Promise<any>}
 */
async function call(fetchImpl, url, options) {
  try {
    const { data } = await request(url, { ...options, fetchImpl, rethrowAbort: true });
    return data;
  } catch (error) {
    if (error instanceof ApiError) throw new UploadError(error.status, error.code, error.message);
    throw error;
  }
}

/**
 * Ask which chunks the server holds, at most STATUS_MAX_ITEMS files a request.
 * @param {PendingUpload[]} items
 * @returns {Promise<{chunkSize: number, byHash: Map<string, FileStatus>}>}
 */
async function status(items, { fetchImpl, token, base, signal }) {
  let chunkSize = DEFAULT_CHUNK_BYTES;
  /** @type {Map<string, FileStatus>} */
  const byHash = new Map();
  for (let i = 0; i < items.length; i += STATUS_MAX_ITEMS) {
    const files = items.slice(i, i + STATUS_MAX_ITEMS)
      .map(({ table, record_id, sha256 }) => ({ table, record_id, sha256 }));
    const data = await call(fetchImpl, `${base}/api/v1/files/status`, { method: "POST", token, json: { files }, signal });
    if (data && data.chunk_size > 0) chunkSize = data.chunk_size;
    for (const file of (data && data.files) || []) byHash.set(file.sha256, file);
  }
  return { chunkSize, byHash };
}

/**
 * Upload every pending file, records having synced first. Resolves "done", "paused" or
 * "stopped" (shouldYield asked for the lock back); throws UploadError when the network or the
 * server failed the run (the caller retries with its backoff), or on sign-out/update answers.
 * @param {RunOptions} options
 * @returns {Promise<"done"|"paused"|"stopped">}
 */
export async function runUploads({ fetchImpl, token, signal, shouldYield, base = "" }) {
  const doFetch = fetchImpl || ((input, init) => fetch(input, init));
  if (paused) {
    announce({ running: false });
    return "paused";
  }
  const pending = await pendingUploads();
  if (!pending.length) {
    await pruneFiles();
    if (last.running || last.total) announce({ running: false, file: null, done: last.total });
    return "done";
  }
  wire = new AbortController();
  const onAbort = () => wire && wire.abort();
  if (signal) signal.addEventListener("abort", onAbort);
  const bytesTotal = pending.reduce((sum, f) => sum + f.size, 0);
  let done = 0;
  let bytesDone = 0;
  announce({ done, total: pending.length, file: null, running: true, error: null, bytesSent: 0, bytesTotal, retryAt: undefined });
  const stop = async () => paused || Boolean(signal && signal.aborted) || Boolean(shouldYield && (await shouldYield()));
  try {
    const { chunkSize, byHash } = await status(pending, { fetchImpl: doFetch, token, base, signal: wire.signal });
    for (const item of pending) {
      if (await stop()) return paused ? "paused" : "stopped";
      const file = { sha256: item.sha256, sent: 0, size: item.size };
      const state = byHash.get(item.sha256);
      // A refusal fails the file for good; "not declared yet" leaves it for a later run.
      const refused = async (code, message, fail = classifyFileError(400, code) === "failed") => {
        done += 1;
        if (fail) {
          await markFailed(item.sha256, { code, message });
          announce({ done, file, error: { code, message } });
        } else {
          announce({ done, file });
        }
      };
      if (!state) {
        await refused("FILE_RECORD_UNKNOWN", "");
        continue;
      }
      if (state.error) {
        await refused(state.error.code, state.error.message);
        continue;
      }
      if (state.state === "complete") {
        await markUploaded(item.sha256);
        done += 1;
        bytesDone += item.size;
        announce({ done, file: { ...file, sent: item.size }, bytesSent: bytesDone });
        continue;
      }
      const blob = await getFile(item.sha256);
      if (!blob) {
        done += 1;
        continue;
      }
      const start = (state.received || []).reduce((sum, i) => {
        const [a, b] = chunkRange(i, item.size, chunkSize);
        return sum + (i < chunkCount(item.size, chunkSize) ? b - a : 0);
      }, 0);
      announce({ file: { ...file, sent: start }, bytesSent: bytesDone + start, error: null });
      const query = `table=${encodeURIComponent(item.table)}&record_id=${encodeURIComponent(item.record_id)}`;
      let result;
      try {
        result = await uploadOne({
          blob, size: item.size, chunkSize, received: state.received || [], shouldStop: stop,
          put: (index, bytes, hash) => call(doFetch, `${base}/api/v1/files/${item.sha256}/chunks/${index}?${query}`, {
            method: "PUT", token, headers: { "Content-Type": "application/octet-stream", "X-Chunk-SHA256": hash },
            body: bytes, signal: wire.signal,
          }),
          onChunk: async (sent, received) => {
            await setReceived(item.sha256, received);
            announce({ file: { ...file, sent }, bytesSent: bytesDone + sent });
          },
        });
      } catch (error) {
        if (!(error instanceof UploadError)) throw error;
        const kind = classifyFileError(error.status, error.code);
        if (kind === "failed" || kind === "wait" || kind === "chunk") {
          await refused(error.code, error.message, kind !== "wait");
          continue;
        }
        throw error;
      }
      if (result.state === "stopped") return paused ? "paused" : "stopped";
      done += 1;
      if (result.state === "complete") {
        await markUploaded(item.sha256);
        bytesDone += item.size;
      }
      announce({ done, file: { ...file, sent: item.size }, bytesSent: bytesDone, error: null });
    }
    announce({ running: false, file: null });
    return "done";
  } catch (error) {
    if (error && error.name === "AbortError") return paused ? "paused" : "stopped";
    const message = error instanceof UploadError ? error.message : String((error && error.message) || error);
    const code = error instanceof UploadError ? error.code : "CLIENT";
    announce({ running: false, error: { code, message } });
    throw error;
  } finally {
    if (signal) signal.removeEventListener("abort", onAbort);
    wire = null;
    if (paused) announce({ running: false });
  }
}

/** Mark the time the failed run will be tried again. @param {number} retryAt */
export function announceRetry(retryAt) {
  announce({ retryAt });
}
