// The sync client: when to sync, one at a time across tabs, batches, backoff, progress.
// Announces through events; never touches the DOM.

import { emit, EV, on } from "../events.js";
import { getMeta, getSession, META, req, setSession, STORE, withTx } from "../store/db.js";
import { applyResponse, renumberOutbox, takeBatch } from "../store/records.js";
import { ApiError, postSync, rotateToken } from "./http.js";
import {
  APP_VERSION, backoffDelay, BATCH_SIZE, buildRequest, classifyError, ROTATE_AFTER_MS, rotationDue,
} from "./protocol.js";
import { classifyFileError, UploadError } from "./upload-core.js";
import { announceRetry, runUploads, setResumeHandler } from "./uploads.js";

/**
 * @typedef {Object} SyncStatus
 * @property {"idle"|"syncing"|"offline"|"error"|"signed_out"|"update_required"} phase
 * @property {number} pending        mutations in the outbox
 * @property {number|null} lastSyncAt ms
 * @property {string} [message]      the server's message after a failure, in the app's language
 * @property {string} [errorCode]    why the last attempt failed: the server's code, or NETWORK
 * @property {number} [httpStatus]   the HTTP status of that failure (0: no answer at all)
 * @property {number} [retryAt]      ms when the next automatic attempt is due
 * @property {number[]} inflight     seqs of the request on the wire
 * @property {{sent: number, received: number, bytesUp: number, bytesDown: number}} progress
 */

const LOCK_NAME = "sotay-sync";
// Check for reviewers' decisions every 5 min while open; more often costs battery and bytes.
const PERIODIC_MS = 5 * 60 * 1000;
// After a save, wait so a burst of edits goes in one request.
const AFTER_SAVE_MS = 1500;
// Safety stop for one run: pages of pulls plus batches of pushes.
const MAX_ROUNDS = 200;

export class SyncEngine {
  constructor() {
    /** @type {SyncStatus} */
    this.status = {
      phase: "idle", pending: 0, lastSyncAt: null, inflight: [],
      progress: { sent: 0, received: 0, bytesUp: 0, bytesDown: 0 },
    };
    this.failures = 0;
    this.batchSize = BATCH_SIZE;
    this.running = null;
    this.again = false;
    this.timer = 0;
    this.started = false;
    this.blocked = false; // signed out remotely or app too old: wait for the user
    this.uploadFailures = 0;
    setResumeHandler(() => this.request("uploads"));
  }

  /** Start the triggers: load, after saves, timer (the page adds online and visible). */
  async start() {
    if (this.started) return;
    this.started = true;
    this.status.lastSyncAt = (await getMeta(META.LAST_SYNC_AT)) || null;
    on(EV.DATA_CHANGED, (detail) => {
      if (detail && !detail.remote && detail.source !== "sync" && (detail.tables || []).includes("outbox")) {
        this.schedule(AFTER_SAVE_MS);
      }
    });
    setInterval(() => this.request("timer"), PERIODIC_MS);
    this.request("load");
  }

  set(patch) {
    this.status = { ...this.status, ...patch };
    emit(EV.SYNC_STATE, this.status);
  }

  schedule(ms) {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.request("scheduled"), ms);
  }

  /** The network came back (or went): sync at once, forgetting the backoff. */
  connectivity(online) {
    emit(EV.CONNECTIVITY, { online });
    if (!online) return this.set({ phase: "offline" });
    this.failures = 0;
    return this.request("online");
  }

  /** The user pressed "Đồng bộ ngay": forget the backoff and go. */
  now() {
    this.failures = 0;
    this.blocked = false;
    return this.request("manual");
  }

  /** Let the engine run again after the user signed in anew. */
  unblock() {
    this.blocked = false;
    this.failures = 0;
  }

  /** Ask for a sync; one runs at a time (in this tab by a promise, across tabs by a Web Lock). */
  request(reason) {
    if (this.blocked) return Promise.resolve();
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          await this.withLock(async () => {
            await this.run(reason);
            // Files go after the records, under the same lock: two tabs never send one file.
            if (this.status.phase === "idle" && !this.again && !this.blocked) await this.uploads();
          });
        } while (this.again && !this.blocked && this.status.phase !== "error");
      } finally {
        this.running = null;
      }
    })();
    return this.running;
  }

  async withLock(fn) {
    if (!navigator.locks) return fn();
    return navigator.locks.request(LOCK_NAME, { ifAvailable: true }, async (lock) => {
      if (!lock) return; // another tab is syncing; it announces its progress to us
      await fn();
    });
  }

  /** One sync run: push batches and pull pages until both are done. */
  async run(reason) {
    clearTimeout(this.timer);
    const session = await getSession();
    if (!session || !session.token) return;
    if (!navigator.onLine) {
      this.set({ phase: "offline" });
      return;
    }
    const progress = { sent: 0, received: 0, bytesUp: 0, bytesDown: 0 };
    this.set({ phase: "syncing", progress, message: undefined, errorCode: undefined, httpStatus: undefined });
    let plain = false;
    let gaps = 0;
    try {
      for (let round = 0; round < MAX_ROUNDS; round += 1) {
        const { batch, outboxSize, cursor, scope } = await takeBatch(this.batchSize);
        this.set({ pending: outboxSize, inflight: batch.map((e) => e.seq) });
        const body = buildRequest({ cursor, scope, batch, outboxSize, appVersion: APP_VERSION });
        let reply;
        try {
          reply = await postSync(body, { token: session.token, plain });
        } catch (error) {
          const status = error instanceof ApiError ? error.status : 0;
          const action = classifyError(status, error instanceof ApiError
            ? { error: { code: error.code, details: error.details } } : null);
          if (action.kind === "seq_gap" && gaps < 3) {
            gaps += 1;
            await renumberOutbox(action.expectedSeq);
            continue;
          }
          if (action.kind === "too_large" && this.batchSize > 1) {
            this.batchSize = Math.max(1, Math.floor(this.batchSize / 2));
            continue;
          }
          if (action.kind === "plain" && !plain) {
            plain = true;
            continue;
          }
          throw Object.assign(error, { action });
        }
        progress.sent += batch.length;
        progress.bytesUp += reply.bytesUp;
        progress.bytesDown += reply.bytesDown;
        const stored = await applyResponse(reply.data);
        progress.received += stored.received;
        emit(EV.SYNC_PROGRESS, { ...progress });
        const remaining = outboxSize - stored.removedFromOutbox;
        this.set({ pending: remaining, inflight: [], lastSyncAt: Date.now(), progress: { ...progress } });
        const pushedAll = remaining <= 0 || stored.removedFromOutbox === 0;
        if (!reply.data.more && pushedAll) break;
      }
      this.failures = 0;
      this.batchSize = BATCH_SIZE;
      this.set({ phase: "idle", inflight: [] });
    } catch (error) {
      this.fail(error);
      return;
    }
    await this.rotateIfDue(session);
  }

  /** After a good sync, swap an old token for a new one (PROTOCOL.md §2). */
  async rotateIfDue(session) {
    // Tests shorten the threshold; nothing in the app sets it.
    const after = /** @type {any} */ (globalThis).SOTAY_ROTATE_AFTER_MS ?? ROTATE_AFTER_MS;
    if (!rotationDue(session, Date.now(), after)) return;
    let answer;
    try {
      answer = await rotateToken(session.token);
    } catch {
      // A lost answer changes nothing here: the token we hold works until the new one is
      // used, and the next good sync asks again with it.
      return;
    }
    const current = await getSession();
    if (!current || current.token !== session.token) return; // signed out meanwhile
    // One write: the phone holds either the old token (still valid) or the new one.
    await setSession({
      ...current,
      token: answer.token,
      tokenAt: Date.now(),
      device: { ...current.device, expires_at: answer.expires_at },
    });
    emit(EV.TOKEN_ROTATED, {});
  }

  /** Upload pending files; give the lock back as soon as records are waiting again. */
  async uploads() {
    const session = await getSession();
    if (!session || !session.token) return;
    const outboxAtStart = await outboxCount();
    // Another tab's save lands in the shared outbox: its records go before our next chunk.
    const shouldYield = async () => {
      if (this.again || this.blocked) return true;
      if ((await outboxCount()) > outboxAtStart) this.again = true;
      return this.again;
    };
    try {
      await runUploads({ token: session.token, shouldYield });
      this.uploadFailures = 0;
    } catch (error) {
      if (!(error instanceof UploadError)) {
        console.error(error);
        return;
      }
      const kind = classifyFileError(error.status, error.code);
      if (kind === "auth" || kind === "update") {
        const api = new ApiError(error.status, error.code, error.message);
        this.fail(Object.assign(api, { action: { kind } }));
        return;
      }
      if (!navigator.onLine) return; // the "online" event starts the next run
      this.uploadFailures += 1;
      const delay = backoffDelay(this.uploadFailures);
      this.schedule(delay);
      announceRetry(Date.now() + delay);
    }
  }

  fail(error) {
    const action = (error && error.action) || { kind: "retry" };
    const api = error instanceof ApiError;
    // A network failure's own text ("Failed to fetch") means nothing to an officer; the views
    // say what happened from the code instead.
    const errorCode = api ? error.code : "CLIENT";
    const httpStatus = api ? error.status : 0;
    const message = api && error.status > 0 ? error.message : String((error && error.message) || error);
    if (action.kind === "auth") {
      this.blocked = true;
      getSession().then((s) => s && setSession({ ...s, token: null }));
      this.set({ phase: "signed_out", inflight: [], message });
      emit(EV.SIGNED_OUT_REMOTELY, { message });
      return;
    }
    if (action.kind === "update") {
      this.blocked = true;
      this.set({ phase: "update_required", inflight: [], message });
      emit(EV.UPDATE_REQUIRED, { message });
      return;
    }
    if (!navigator.onLine) {
      this.set({ phase: "offline", inflight: [] });
      return;
    }
    this.failures += 1;
    const delay = backoffDelay(this.failures);
    this.schedule(delay);
    this.set({ phase: "error", inflight: [], message, errorCode, httpStatus, retryAt: Date.now() + delay });
  }
}

function outboxCount() {
  return withTx([STORE.OUTBOX], "readonly", (tx) => req(tx.objectStore(STORE.OUTBOX).count()));
}

export const engine = new SyncEngine();
