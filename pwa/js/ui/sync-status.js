// The words for the sync state, used by the header chip and the home card.

import { formatInstant } from "../i18n/format.js";
import { t } from "../i18n/labels.js";

/**
 * @param {import("../sync/engine.js").SyncStatus} status
 * @param {number} pending outbox size as the index knows it
 * @returns {{text: string, tone: "ok"|"pending"|"busy"|"offline"|"error"}}
 */
export function statusText(status, pending) {
  const online = navigator.onLine;
  if (!online || status.phase === "offline") return { text: t("offline"), tone: "offline" };
  if (status.phase === "syncing") return { text: t("syncing"), tone: "busy" };
  if (status.phase === "signed_out") return { text: t("signed_out_remotely"), tone: "error" };
  if (status.phase === "update_required") return { text: t("update_app"), tone: "error" };
  if (status.phase === "error") return { text: t("sync_error_retry"), tone: "error" };
  if (pending > 0) return { text: t("pending_n", { n: pending }), tone: "pending" };
  return { text: t("synced"), tone: "ok" };
}

/** "Lần đồng bộ gần nhất: dd/mm/yyyy hh:mm" or "Chưa đồng bộ lần nào". */
export function lastSyncText(lastSyncAt) {
  return lastSyncAt ? t("last_sync", { at: formatInstant(lastSyncAt) }) : t("never_synced");
}
