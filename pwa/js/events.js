// Every custom event's name. Storage and sync emit, the UI listens; other tabs hear data
// changes through a BroadcastChannel.

export const EV = Object.freeze({
  /** Records, outbox or conflicts changed: detail {tables: string[]} */
  DATA_CHANGED: "sotay:data-changed",
  /** The in-memory record index caught up with a data change: detail {tables} */
  INDEX_CHANGED: "sotay:index-changed",
  /** Sync state changed: detail SyncStatus (see sync/engine.js) */
  SYNC_STATE: "sotay:sync-state",
  /** Sync progress: detail {records, bytesUp, bytesDown} */
  SYNC_PROGRESS: "sotay:sync-progress",
  /** The server no longer accepts our token: detail {message} */
  SIGNED_OUT_REMOTELY: "sotay:signed-out-remotely",
  /** The server refuses this app's protocol version: detail {message} */
  UPDATE_REQUIRED: "sotay:update-required",
  /** A new service worker is installed and waiting: detail {registration} */
  UPDATE_READY: "sotay:update-ready",
  /** The first service worker installed: the app now opens offline */
  OFFLINE_READY: "sotay:offline-ready",
  /** What the browser lets us keep changed (persistence, quota, install offer): detail {persisted, usage, quota, prompt} */
  STORAGE_STATE: "sotay:storage-state",
  /** Connectivity as the app sees it changed: detail {online} */
  CONNECTIVITY: "sotay:connectivity",
  /** Attachment upload progress: detail UploadProgress (see sync/uploads.js) */
  UPLOADS: "sotay:uploads",
  /** This device's token was rotated and stored (PROTOCOL.md §2): reread the session */
  TOKEN_ROTATED: "sotay:token-rotated",
});

const bus = new EventTarget();
const channel = typeof BroadcastChannel === "function" ? new BroadcastChannel("sotay") : null;

/** Announce an event to this tab (and, for data changes, to the other tabs). */
export function emit(name, detail) {
  bus.dispatchEvent(new CustomEvent(name, { detail }));
  // Upload progress too: one tab uploads (under the sync lock) and every tab shows it.
  if (channel && (name === EV.DATA_CHANGED || name === EV.SYNC_STATE || name === EV.UPLOADS || name === EV.TOKEN_ROTATED)) {
    try {
      channel.postMessage({ name, detail });
    } catch {
      // detail not cloneable: other tabs will catch up on their next read
    }
  }
}

/** Listen for an event; returns a function that stops listening. */
export function on(name, listener) {
  const wrapped = (event) => listener(/** @type {CustomEvent} */ (event).detail);
  bus.addEventListener(name, wrapped);
  return () => bus.removeEventListener(name, wrapped);
}

if (channel) {
  channel.onmessage = (event) => {
    const { name, detail } = event.data || {};
    if (name) bus.dispatchEvent(new CustomEvent(name, { detail: { ...detail, remote: true } }));
  };
}
