// One sync round trip over HTTP: gzip the body when the browser can, report bytes both ways.

import { request } from "./api.js";

// Bodies smaller than this grow when gzipped (header and trailer); PROTOCOL.md §2 says 1 KB.
const GZIP_MIN_BYTES = 1024;

/**
 * @param {string} text
 * @returns {Promise<Blob|null>} gzip bytes, or null when CompressionStream is missing
 */
export async function gzip(text) {
  if (typeof CompressionStream !== "function") return null;
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Response(stream).blob();
}

/**
 * POST one sync request.
 * @param {any} body
 * @param {{token: string, plain?: boolean, signal?: AbortSignal}} options
 * @returns {Promise<{data: any, bytesUp: number, bytesDown: number}>}
 */
export async function postSync(body, { token, plain = false, signal }) {
  const text = JSON.stringify(body);
  // The browser itself asks for gzip (Accept-Encoding is not ours to set) and inflates the answer.
  const headers = { "Content-Type": "application/json" };
  let payload = /** @type {BodyInit} */ (text);
  let bytesUp = new TextEncoder().encode(text).length;
  if (!plain && bytesUp >= GZIP_MIN_BYTES) {
    const packed = await gzip(text);
    if (packed) {
      payload = packed;
      bytesUp = packed.size;
      headers["Content-Encoding"] = "gzip";
    }
  }
  const { data, bytes } = await request("/api/v1/sync", { method: "POST", token, body: payload, headers, signal });
  return { data, bytesUp, bytesDown: bytes };
}
