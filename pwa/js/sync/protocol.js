// The sync request, the meaning of request-level errors (PROTOCOL.md §3, §10), the retry
// backoff, and the app's version. Pure.

import { toWireMutation } from "./outbox-rules.js";

// The app's version: sent with every sync and shown in Settings. sw.js carries the same value
// in its cache name (tests/js/shell.test.js checks they agree).
export const APP_VERSION = "2026.11.1";

export const PROTOCOL = 1;
export const SCHEMA = 1;
// Mutations per request: the protocol allows 1,000; 200 keeps a request around 100 KB
// uncompressed so a drop on 2G costs seconds, not minutes, and still empties a week's work
// in a few round trips.
export const BATCH_SIZE = 200;
// Page size of the pull: larger pages mean fewer round trips but more lost on a drop.
export const PAGE_SIZE = 500;

/**
 * Build the body of POST /api/v1/sync.
 * @param {{cursor: number, batch: import("./outbox-rules.js").OutboxEntry[], outboxSize: number,
 *   appVersion: string, limit?: number}} args
 */
export function buildRequest({ cursor, batch, outboxSize, appVersion, limit = PAGE_SIZE }) {
  return {
    protocol: PROTOCOL,
    schema: SCHEMA,
    app_version: appVersion,
    cursor,
    pending: Math.max(0, outboxSize - batch.length),
    limit,
    mutations: batch.map(toWireMutation),
  };
}

/**
 * @typedef {{kind: "seq_gap", expectedSeq: number} | {kind: "update"} | {kind: "auth"} |
 *   {kind: "too_large"} | {kind: "retry"} | {kind: "plain"} | {kind: "fatal"}} ErrorAction
 */

/**
 * Decide what to do with a failed sync request.
 * @param {number} status  HTTP status, 0 for a network failure
 * @param {{error?: {code?: string, details?: any}}|null} body
 * @returns {ErrorAction}
 */
export function classifyError(status, body) {
  const code = body && body.error && body.error.code;
  const details = (body && body.error && body.error.details) || {};
  if (status === 409 && code === "SEQ_GAP" && Number.isInteger(details.expected_seq)) {
    return { kind: "seq_gap", expectedSeq: details.expected_seq };
  }
  if (code === "PROTOCOL_UNSUPPORTED") return { kind: "update" };
  if (status === 401) return { kind: "auth" };
  if (status === 413) return { kind: "too_large" };
  // A gzip body the server could not read, or an encoding it refuses: send it plain.
  if (code === "MALFORMED_BODY" || status === 415) return { kind: "plain" };
  if (status === 0 || status === 408 || status === 429 || status >= 500) return { kind: "retry" };
  return { kind: "fatal" };
}

// Capped, jittered exponential backoff for failed syncs.

// First retry after up to 5 s; doubling per failure up to 5 minutes. On 2G a retry storm costs
// battery and bytes; waiting longer than 5 minutes makes the "sync now" button the only hope.
export const BASE_MS = 5000;
export const CAP_MS = 5 * 60 * 1000;

/**
 * Delay before the next attempt after `failures` consecutive failures ("full jitter": a random
 * point in [half, all] of the exponential step, so phones that lost the network together
 * do not come back together).
 * @param {number} failures  1 after the first failure
 * @param {() => number} [random]
 */
export function backoffDelay(failures, random = Math.random) {
  if (failures <= 0) return 0;
  const step = Math.min(CAP_MS, BASE_MS * 2 ** Math.min(failures - 1, 20));
  return Math.round(step / 2 + (random() * step) / 2);
}

