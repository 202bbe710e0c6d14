// The sync request and the meaning of request-level errors (PROTOCOL.md §3, §10). Pure.

import { toWireMutation } from "./outbox-rules.js";

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
