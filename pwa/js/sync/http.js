// HTTP to the server: the JSON API and the sync round trip.

import { getLang } from "../i18n/labels.js";

// Errors are ApiError with the server's code and message (in the app's language).

export class ApiError extends Error {
  constructor(status, code, message, details, retryAfter = null) {
    super(message || code);
    this.status = status;
    this.code = code;
    this.details = details;
    /** seconds the server asked to wait (Retry-After), or null */
    this.retryAfter = retryAfter;
  }
}

/**
 * One request to the server; the answer's JSON, or an ApiError with the server's code.
 * @param {string} path
 * @param {{method?: string, token?: string, json?: any, body?: BodyInit|null, headers?: Record<string, string>,
 *   signal?: AbortSignal, rethrowAbort?: boolean, fetchImpl?: typeof fetch}} [options]
 *   rethrowAbort: an aborted fetch throws its AbortError as is (the caller stopped on purpose,
 *   e.g. the uploader's pause) rather than a NETWORK ApiError; fetchImpl replaces fetch (tests).
 * @returns {Promise<{status: number, data: any, bytes: number}>}
 */
export async function request(path, options = {}) {
  /** @type {Record<string, string>} */
  const headers = { Accept: "application/json", "Accept-Language": getLang(), ...(options.headers || {}) };
  if (options.token) headers.Authorization = `Bearer ${options.token}`;
  let body = options.body ?? null;
  if (options.json !== undefined) {
    body = JSON.stringify(options.json);
    headers["Content-Type"] = "application/json";
  }
  const doFetch = options.fetchImpl || ((input, init) => fetch(input, init));
  let response;
  try {
    response = await doFetch(path, {
      method: options.method || (body ? "POST" : "GET"),
      headers,
      body,
      cache: "no-store",
      credentials: "omit",
      signal: options.signal,
    });
  } catch (error) {
    if (options.rethrowAbort && error && error.name === "AbortError") throw error;
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
    const wait = Number(response.headers.get("Retry-After"));
    throw new ApiError(response.status, err.code || `HTTP_${response.status}`, err.message || "", err.details,
      Number.isFinite(wait) && wait > 0 ? wait : null);
  }
  return { status: response.status, data, bytes: Number(response.headers.get("Content-Length")) || text.length };
}

/**
 * Sign in and register this phone as a device; with the phone's key salt the answer carries the
 * user's escrow key (PROTOCOL.md §9).
 * @param {string} username @param {string} password @param {string} appVersion @param {string} [keySalt]
 */
export async function login(username, password, appVersion, keySalt) {
  const deviceName = `${navigator.platform || "Điện thoại"} — ${navigator.userAgent.slice(0, 60)}`;
  const json = { username, password, device_name: deviceName.slice(0, 255), app_version: appVersion };
  if (keySalt) json.key_salt = keySalt;
  const { data } = await request("/api/v1/auth/login", { json });
  return data;
}

function deviceName() {
  return `${navigator.platform || "Điện thoại"} — ${navigator.userAgent.slice(0, 60)}`.slice(0, 255);
}

/** Redeem a one-time enrolment code for this phone's credential (answers like login). */
export async function enrol(code, appVersion) {
  const { data } = await request("/api/v1/auth/enrol", {
    json: { code, device_name: deviceName(), app_version: appVersion },
  });
  return data;
}

/** Set a new password with an administrator's one-time reset code. */
export async function resetPassword(code, newPassword) {
  await request("/api/v1/auth/password-reset", { json: { code, new_password: newPassword } });
}

/** Change the signed-in user's own password. */
export async function changePassword(token, current, next) {
  await request("/api/v1/me/password", { token, json: { current_password: current, new_password: next } });
}

/** The server's public key that exports are sealed for. */
export async function exportKey() {
  const { data } = await request("/api/v1/export-key");
  return data;
}

/** The signed-in user's escrow key for this phone's salt. */
export async function escrow(token, keySalt) {
  const { data } = await request("/api/v1/auth/escrow", { token, json: { key_salt: keySalt } });
  return data.escrow_key;
}

/**
 * Rotate this device's token (PROTOCOL.md §2); the one sent keeps working until the new one is used.
 * @param {string} token
 * @returns {Promise<{token: string, expires_at: string}>}
 */
export async function rotateToken(token) {
  const { data } = await request("/api/v1/auth/rotate", { method: "POST", token });
  return data;
}

export function logout(token) {
  return request("/api/v1/auth/logout", { method: "POST", token });
}

/** Units the user may pick in forms, before the first sync brings them. */
export async function unitsWithin(token, unitId) {
  const { data } = await request(`/api/v1/units?within=${unitId}&per_page=500`, { token });
  return (data && data.items) || [];
}

export async function history(token, table, id) {
  const { data } = await request(`/api/v1/${table}/${encodeURIComponent(id)}/history`, { token });
  return data || [];
}

export async function fetchRecord(token, table, id) {
  const { data } = await request(`/api/v1/${table}/${encodeURIComponent(id)}`, { token });
  return data;
}

// Smaller bodies grow when gzipped (PROTOCOL.md §2).
const GZIP_MIN_BYTES = 1024;

export async function gzip(text) {
  if (typeof CompressionStream !== "function") return null;
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Response(stream).blob();
}

/**
 * POST one sync request.
 * @param {object} body
 * @param {{token: string, plain?: boolean, signal?: AbortSignal}} options
 */
export async function postSync(body, { token, plain = false, signal }) {
  const text = JSON.stringify(body);
  // The browser asks for a gzip answer itself (Accept-Encoding is not ours to set).
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
