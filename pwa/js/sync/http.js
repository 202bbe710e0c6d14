// HTTP to the server: the JSON API and the sync round trip.

import { getLang } from "../i18n/labels.js";

// HTTP calls to the server's JSON API. Errors come back as ApiError with the server's code
// and message (Vietnamese by default, English when the app is in English).

export class ApiError extends Error {
  /**
   * @param {number} status  0 for a network failure
   * @param {string} code
   * @param {string} message
   * @param {any} [details]
   */
  constructor(status, code, message, details) {
    super(message || code);
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

/**
 * @param {string} path
 * @param {{method?: string, token?: string|null, body?: BodyInit|null, json?: unknown,
 *   headers?: Record<string, string>, signal?: AbortSignal}} [options]
 * @returns {Promise<{status: number, data: any, bytes: number}>}
 */
export async function request(path, options = {}) {
  const headers = { Accept: "application/json", "Accept-Language": getLang(), ...(options.headers || {}) };
  if (options.token) headers.Authorization = `Bearer ${options.token}`;
  let body = options.body ?? null;
  if (options.json !== undefined) {
    body = JSON.stringify(options.json);
    headers["Content-Type"] = "application/json";
  }
  let response;
  try {
    response = await fetch(path, {
      method: options.method || (body ? "POST" : "GET"),
      headers,
      body,
      cache: "no-store",
      credentials: "omit",
      signal: options.signal,
    });
  } catch (error) {
    throw new ApiError(0, "NETWORK", String(error && error.message || error));
  }
  const text = await response.text().catch(() => "");
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (!response.ok) {
    const err = (data && data.error) || {};
    throw new ApiError(response.status, err.code || `HTTP_${response.status}`, err.message || "", err.details);
  }
  return { status: response.status, data, bytes: Number(response.headers.get("Content-Length")) || text.length };
}

/**
 * Sign in and register this phone as a device.
 * @param {string} username
 * @param {string} password
 * @param {string} appVersion
 */
export async function login(username, password, appVersion) {
  const deviceName = `${navigator.platform || "Điện thoại"} — ${navigator.userAgent.slice(0, 60)}`;
  const { data } = await request("/api/v1/auth/login", {
    json: { username, password, device_name: deviceName.slice(0, 255), app_version: appVersion },
  });
  return data;
}

/** @param {string} token */
export function logout(token) {
  return request("/api/v1/auth/logout", { method: "POST", token });
}

/**
 * Units the user may pick in forms, before the first sync brings them.
 * @param {string} token
 * @param {number} unitId
 */
export async function unitsWithin(token, unitId) {
  const { data } = await request(`/api/v1/units?within=${unitId}&per_page=500`, { token });
  return (data && data.items) || [];
}

/**
 * @param {string} token
 * @param {"models"|"meetings"} table
 * @param {string} id
 */
export async function history(token, table, id) {
  const { data } = await request(`/api/v1/${table}/${encodeURIComponent(id)}/history`, { token });
  return data || [];
}

/**
 * @param {string} token
 * @param {"models"|"meetings"} table
 * @param {string} id
 */
export async function fetchRecord(token, table, id) {
  const { data } = await request(`/api/v1/${table}/${encodeURIComponent(id)}`, { token });
  return data;
}

// One sync round trip over HTTP: gzip the body when the browser can, report bytes both ways.

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
