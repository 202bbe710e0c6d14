// The pure half of attachment uploads (PROTOCOL.md §12): which files may go, which chunks are
// missing, what an error means, and one file's chunk loop over an injected transport.
// No IndexedDB, no DOM, no fetch: the node tests drive it directly.

// What the phone accepts at capture (the server checks again).
export const MAX_FILE_BYTES = 10 * 1024 * 1024;
export const FILE_MIMES = Object.freeze(["image/jpeg", "image/png", "image/webp", "application/pdf"]);
export const ATTACHMENT_TABLES = Object.freeze(["models", "meetings"]);
// Until the server answers a status request, the contract's default.
export const DEFAULT_CHUNK_BYTES = 256 * 1024;
// A status request names at most this many files.
export const STATUS_MAX_ITEMS = 100;

/**
 * @typedef {{table: string, record_id: string, sha256: string, size: number}} PendingUpload
 * @typedef {{sha256: string, blob?: Blob|string|null, size: number, mime: string, uploaded: boolean,
 *   received: number[], failed?: {code: string, message: string, at: number}|null,
 *   saved_at?: number}} StoredFile
 * @typedef {{table: string, record: Record<string, any>}} LocalRecord
 * @typedef {{record: string, op: string, data: Record<string, any>}} OutboxLike
 */

/** Number of chunks of a file of `size` bytes. */
export function chunkCount(size, chunkSize) {
  if (!(chunkSize > 0)) throw new RangeError("chunk size must be positive");
  return Math.max(1, Math.ceil(size / chunkSize));
}

/** Byte range [start, end) of chunk `index` (§12: the last chunk is the short one). */
export function chunkRange(index, size, chunkSize) {
  const start = index * chunkSize;
  return [start, Math.min(size, start + chunkSize)];
}

/** Chunk indexes the server still lacks, in order. @returns {number[]} */
export function missingChunks(size, chunkSize, received) {
  const held = new Set(received || []);
  const missing = [];
  for (let i = 0; i < chunkCount(size, chunkSize); i += 1) if (!held.has(i)) missing.push(i);
  return missing;
}

const declared = (record) => (Array.isArray(record && record.attachments) ? record.attachments : []);

/**
 * Records with unsent work and the files their pending values declare: the server does not
 * know these declarations yet, so their files neither upload nor leave the phone.
 * @param {LocalRecord[]} records @param {OutboxLike[]} outbox
 */
export function heldFiles(records, outbox) {
  const unsynced = new Set(outbox.map((e) => e.record));
  /** @type {Set<string>} files an unsynced record references */
  const held = new Set();
  /** @type {Set<string>} "<table>:<id>:<sha>" whose declaration has not reached the server */
  const undeclared = new Set();
  for (const { table, record } of records) {
    const key = `${table}:${record.id}`;
    const rejected = record._local && record._local.rejected;
    if (!unsynced.has(key) && !rejected) continue;
    for (const item of declared(record)) held.add(item.sha256);
    const sendsList = outbox.some((e) => e.record === key && e.data && "attachments" in e.data)
      || Boolean(rejected && rejected.data && "attachments" in rejected.data)
      || !record.version;
    if (sendsList) for (const item of declared(record)) undeclared.add(`${key}:${item.sha256}`);
  }
  return { held, undeclared };
}

/**
 * What to upload now: one entry per file (the first record that declares it on the server),
 * skipping files already complete, failed, without bytes here, or declared only by changes
 * the server has not seen. Also lists files a pulled record says the server holds.
 * @param {LocalRecord[]} records @param {OutboxLike[]} outbox @param {StoredFile[]} files
 * @returns {{pending: PendingUpload[], complete: string[]}}
 */
export function planUploads(records, outbox, files) {
  const byHash = new Map(files.map((f) => [f.sha256, f]));
  const { undeclared } = heldFiles(records, outbox);
  /** @type {Map<string, PendingUpload>} */
  const pending = new Map();
  const complete = new Set();
  for (const { table, record } of records) {
    if (record.deleted) continue;
    const received = new Set(Array.isArray(record.files_received) ? record.files_received : []);
    for (const item of declared(record)) {
      const file = byHash.get(item.sha256);
      if (!file || file.uploaded) continue;
      if (received.has(item.sha256)) {
        complete.add(item.sha256);
        continue;
      }
      if (file.failed || !file.blob || pending.has(item.sha256)) continue;
      if (undeclared.has(`${table}:${record.id}:${item.sha256}`)) continue;
      pending.set(item.sha256, { table, record_id: record.id, sha256: item.sha256, size: file.size });
    }
  }
  for (const sha of complete) pending.delete(sha);
  return { pending: [...pending.values()], complete: [...complete] };
}

/**
 * Whether a file's bytes may leave the phone: the server has it complete and no unsynced
 * record references it. @param {StoredFile} file @param {Set<string>} held
 */
export function mayDropBytes(file, held) {
  return Boolean(file.uploaded && file.blob && !held.has(file.sha256));
}

// A captured file no record declares yet belongs to a form being filled in: kept this long.
export const ORPHAN_GRACE_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * Files no record declares (their record was deleted, or the form was abandoned), saved long
 * enough ago, and not in the saved form draft: their bytes may go.
 * @param {LocalRecord[]} records @param {StoredFile[]} files @param {string} draftText the
 * form draft as JSON ("" when none) @param {number} now ms
 * @returns {string[]}
 */
export function orphanFiles(records, files, draftText, now) {
  const live = new Set();
  for (const { record } of records) {
    if (record.deleted) continue;
    for (const item of declared(record)) live.add(item.sha256);
    const rejected = record._local && record._local.rejected;
    if (rejected && rejected.data) for (const item of declared(rejected.data)) live.add(item.sha256);
  }
  return files
    .filter((f) => f.blob && !live.has(f.sha256) && !draftText.includes(f.sha256))
    .filter((f) => now - (f.saved_at || 0) > ORPHAN_GRACE_MS)
    .map((f) => f.sha256);
}

// Codes that mean "this record's declaration has not reached the server yet": wait for the
// next record sync, never fail the file for it.
const WAIT_CODES = new Set(["FILE_RECORD_UNKNOWN", "FILE_NOT_DECLARED"]);

/**
 * What an error answer means for one file.
 * @param {number} status HTTP status; 0 when no answer came
 * @param {string} [code] the server's error code
 * @returns {"retry"|"wait"|"failed"|"auth"|"update"|"chunk"}
 */
export function classifyFileError(status, code) {
  if (code === "PROTOCOL_UNSUPPORTED") return "update";
  if (status === 401) return "auth";
  if (status === 0 || status === 408 || status === 429 || status >= 500) return "retry";
  if (code && WAIT_CODES.has(code)) return "wait";
  // The chunk was damaged on the way: send it again (once; the second time the file fails).
  if (code === "FILE_CHUNK_HASH") return "chunk";
  return "failed";
}

/** Lowercase hex SHA-256 of some bytes. @param {BufferSource} bytes */
export async function sha256Hex(bytes) {
  const digest = await crypto.subtle.digest("SHA-256", bytes);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export class UploadError extends Error {
  /** @param {number} status @param {string} code @param {string} message */
  constructor(status, code, message) {
    super(message || code);
    this.status = status;
    this.code = code;
  }
}

/**
 * @typedef {Object} ChunkAnswer
 * @property {"partial"|"complete"} state
 * @property {number[]} received
 *
 * @typedef {Object} UploadOneOptions
 * @property {Blob} blob
 * @property {number} size
 * @property {number} chunkSize
 * @property {number[]} received   chunks the server already holds (its status answer)
 * @property {(index: number, bytes: ArrayBuffer, hash: string) => Promise<ChunkAnswer>} put
 * @property {(sent: number, received: number[]) => (void|Promise<void>)} [onChunk]
 * @property {() => (boolean|Promise<boolean>)} [shouldStop]  checked before each chunk
 */

/**
 * Send the chunks the server lacks, in order, one at a time; stop early when asked.
 * A chunk answered FILE_CHUNK_HASH is sent once more; other errors are thrown as UploadError.
 * @param {UploadOneOptions} options
 * @returns {Promise<{state: "complete"|"partial"|"stopped", received: number[], chunksSent: number}>}
 */
export async function uploadOne({ blob, size, chunkSize, received, put, onChunk, shouldStop }) {
  let held = [...(received || [])];
  let chunksSent = 0;
  const bytesHeld = () => held.reduce((sum, i) => {
    const [start, end] = chunkRange(i, size, chunkSize);
    return sum + Math.max(0, end - start);
  }, 0);
  for (const index of missingChunks(size, chunkSize, held)) {
    if (held.includes(index)) continue;
    if (shouldStop && (await shouldStop())) return { state: "stopped", received: held, chunksSent };
    const [start, end] = chunkRange(index, size, chunkSize);
    const bytes = await blob.slice(start, end).arrayBuffer();
    const hash = await sha256Hex(bytes);
    let answer;
    for (let attempt = 0; ; attempt += 1) {
      try {
        chunksSent += 1;
        answer = await put(index, bytes, hash);
        break;
      } catch (error) {
        const kind = error instanceof UploadError ? classifyFileError(error.status, error.code) : "retry";
        if (kind === "chunk" && attempt === 0) continue;
        throw error;
      }
    }
    held = Array.isArray(answer.received) ? answer.received : [...held, index];
    if (onChunk) await onChunk(bytesHeld(), held);
    if (answer.state === "complete") return { state: "complete", received: held, chunksSent };
  }
  // Every chunk is held but the server did not say complete: a status request will tell.
  return { state: "partial", received: held, chunksSent };
}
