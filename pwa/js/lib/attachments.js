// Photos and documents without the DOM: what may be taken, how big an image is redrawn, how
// complete a record's files are on the server (ATTACH.md §1, §3). Pure.

/** The largest file a record may declare (the server's MAX_FILE_BYTES). */
export const MAX_FILE_BYTES = 10 * 1024 * 1024;
/** Photos are redrawn to this long edge: 150–400 KB at the quality below. */
export const LONG_EDGE = 1600;
export const JPEG_QUALITY = 0.7;
/** An original past this is refused before decoding: a phone runs out of memory first. */
export const MAX_ORIGINAL_BYTES = 4 * MAX_FILE_BYTES;
/** Declared files per record (the registry's max_items). */
export const MAX_ATTACHMENTS = 20;

/** The types the server keeps; any image a phone can decode is redrawn as JPEG. */
export const ALLOWED_MIME = ["image/jpeg", "image/png", "image/webp", "application/pdf"];
/** Kinds of document (DOMAIN.md §2.9); photos are ANH. */
export const DOCUMENT_KINDS = ["BIEN_BAN", "QUYET_DINH", "DANH_SACH", "BAO_CAO", "KHAC"];

/**
 * The size that fits a picture within a long edge, never enlarged.
 * @param {number} width
 * @param {number} height
 * @param {number} [longEdge]
 * @returns {{width: number, height: number}}
 */
export function fitWithin(width, height, longEdge = LONG_EDGE) {
  const scale = Math.min(1, longEdge / Math.max(width, height, 1));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/**
 * Why a picked file cannot be taken, as a label key, or null when it can.
 * @param {{type: string, size: number}} file
 * @param {"photo"|"document"} purpose
 * @returns {string|null}
 */
export function refusal(file, purpose) {
  const isImage = /^image\//.test(file.type || "");
  const isPdf = file.type === "application/pdf";
  if (!isImage && !(isPdf && purpose === "document")) return purpose === "photo" ? "file_not_image" : "file_not_allowed";
  if (!file.size) return "file_empty";
  if (isPdf && file.size > MAX_FILE_BYTES) return "file_too_large";
  if (isImage && file.size > MAX_ORIGINAL_BYTES) return "file_too_large";
  return null;
}

/**
 * Whether the bytes carry an EXIF block (JPEG APP1 "Exif\0\0"): what a camera writes, with the
 * place and the phone's model; a redrawn image must not.
 * @param {Uint8Array} bytes
 */
export function hasExif(bytes) {
  if (bytes[0] !== 0xff || bytes[1] !== 0xd8) return false;
  let i = 2;
  while (i + 4 <= bytes.length && bytes[i] === 0xff) {
    const marker = bytes[i + 1];
    if (marker === 0xda || marker === 0xd9) return false; // image data: no more headers
    const length = (bytes[i + 2] << 8) | bytes[i + 3];
    if (marker === 0xe1 && String.fromCharCode(...bytes.subarray(i + 4, i + 8)) === "Exif") return true;
    i += 2 + length;
  }
  return false;
}

/**
 * How many of a record's declared files the server holds, and which are missing.
 * @param {{attachments?: Array<{sha256: string}>, files_received?: string[]}} rec
 * @returns {{declared: number, received: number, missing: Set<string>, known: boolean}}
 */
export function completeness(rec) {
  const declared = Array.isArray(rec.attachments) ? rec.attachments : [];
  const held = new Set(Array.isArray(rec.files_received) ? rec.files_received : []);
  const missing = new Set(declared.map((a) => a.sha256).filter((sha) => !held.has(sha)));
  return {
    declared: declared.length,
    received: declared.length - missing.size,
    missing,
    // files_received comes from the server: a record never synced has no count to show yet.
    known: Array.isArray(rec.files_received),
  };
}

/**
 * "21.02851, 105.85422" and the accuracy in whole metres, or null when no place is recorded.
 * @param {{geo_lat?: number|null, geo_lon?: number|null, geo_accuracy?: number|null}} rec
 * @returns {{coords: string, accuracy: number|null}|null}
 */
export function placeOf(rec) {
  if (typeof rec.geo_lat !== "number" || typeof rec.geo_lon !== "number") return null;
  const accuracy = typeof rec.geo_accuracy === "number" ? Math.max(1, Math.round(rec.geo_accuracy)) : null;
  return { coords: `${rec.geo_lat.toFixed(5)}, ${rec.geo_lon.toFixed(5)}`, accuracy };
}

/**
 * The overall upload line's numbers: the file being sent counts as the next one.
 * @param {{done: number, total: number}} progress
 */
export function uploadPosition(progress) {
  const total = Math.max(0, progress.total || 0);
  return { current: Math.min(total, (progress.done || 0) + 1), total };
}
