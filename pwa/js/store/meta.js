// Small key/value facts: session, cursor, next seq, last sync time, language, form draft.

import { get, req, STORE, withTx } from "./db.js";

export const META = Object.freeze({
  SESSION: "session",
  CURSOR: "cursor",
  NEXT_SEQ: "nextSeq",
  LAST_SYNC_AT: "lastSyncAt",
  LANG: "lang",
  FORM_DRAFT: "formDraft",
  LAST_EXPORT_AT: "lastExportAt",
});

/** @param {string} key */
export function getMeta(key) {
  return get(STORE.META, key);
}

/** @param {string} key @param {unknown} value */
export function setMeta(key, value) {
  return withTx([STORE.META], "readwrite", (tx) => req(tx.objectStore(STORE.META).put(value, key)));
}

/** @param {string} key */
export function deleteMeta(key) {
  return withTx([STORE.META], "readwrite", (tx) => req(tx.objectStore(STORE.META).delete(key)));
}

/**
 * @typedef {{id: number, username: string, full_name: string, position?: string|null,
 *   roles: string[], unit: {id: number, code: string, name: string, level: string, path: string}}} User
 * @typedef {{token: string|null, device: {id: string}, user: User, signedInAt: number}} Session
 */

/** @returns {Promise<Session|undefined>} */
export function getSession() {
  return getMeta(META.SESSION);
}

/** @param {Session} session */
export function setSession(session) {
  return setMeta(META.SESSION, session);
}
