// The controller: boots storage, sync and the service worker, routes between the screens in
// ui/, and owns the shell (header chip, tab bar, banner, toast).

import { emit, EV, on } from "./events.js";
import { getLang, setLang, t } from "./i18n/labels.js";
import { RECORD_REGISTRY } from "./lib/record-registry.js";
import {
  adoptLegacy, attachEscrow, enrol, getAccount, getSetting, keySalt, legacySession, listAccounts, lock, PinError,
  removeAccount, reopenOnline, setSetting, SETTING,
} from "./store/accounts.js";
import { currentVault, getMeta, getSession, META, RECORD_TABLES, setSession, setVersionChangeHandler } from "./store/db.js";
import * as api from "./sync/http.js";
import { renderSignIn } from "./ui/account.js";
import { h, replace } from "./ui/dom-core.js";
import { renderSetPin, renderUnlock } from "./ui/pin.js";
import { askPersistence, startKeepData } from "./ui/keep-data.js";

/**
 * @typedef {Object} Ctx
 * @property {import("./store/db.js").Session} session
 * @property {import("./store/db.js").User} user
 * @property {import("./store/record-index.js").RecordIndex} index
 * @property {import("./sync/engine.js").SyncEngine} engine
 * @property {boolean} canWrite
 * @property {string} [signInNotice]
 * @property {(hash: string, options?: {replace?: boolean}) => void} navigate
 * @property {(message: string) => void} toast
 * @property {() => void} syncNow
 * @property {(username: string, password: string) => Promise<void>} signIn
 * @property {(code: string) => Promise<void>} enrol
 * @property {() => Promise<void>} signOut
 * @property {() => Promise<void>} [lock] lock now and show the lock screen
 * @property {() => void} [backToLock] from the sign-in screen back to the lock screen
 * @property {() => HTMLElement} langSwitch
 * @property {Record<string, Function>} routes screens loaded on demand
 */

const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));
const view = $("view");
const chip = /** @type {HTMLButtonElement} */ ($("sync-chip"));
const tabbar = $("tabbar");
const banner = $("banner");
const toastBox = $("toast");
const WRITER_ROLES = RECORD_REGISTRY.workflow.writer_roles;

/** @type {typeof import("./ui/screens.js")|null} the app behind the lock, once loaded */
let S = null;
/** @type {Promise<typeof import("./ui/screens.js")>|null} */
let loadingScreens = null;

/**
 * Load the app behind the lock (index, storage writes, sync, screens): one import(), kept off
 * the first load on 2G; the service worker has cached it since it activated.
 * @returns {Promise<typeof import("./ui/screens.js")>}
 */
function screens() {
  loadingScreens = loadingScreens || import("./ui/screens.js").then((m) => {
    S = m;
    ctx.index = m.index;
    ctx.engine = m.engine;
    // Files upload on their own queue: their line sits under the header, apart from the sync chip.
    banner.after(m.uploadStrip().node);
    return m;
  }, (error) => {
    loadingScreens = null;
    throw error;
  });
  return loadingScreens;
}

// The forms of the movement's other record types load when first opened.
const FORMS = {
  models: () => screens().then((m) => m.renderModelForm),
  meetings: () => screens().then((m) => m.renderMeetingForm),
  evaluations: () => import("./ui/evaluation-form.js").then((m) => m.renderEvaluationForm),
  recognitions: () => import("./ui/recog-forms.js").then((m) => m.renderRecognitionForm),
  inspections: () => import("./ui/recog-forms.js").then((m) => m.renderInspectionForm),
};

/** @type {{dispose?: () => void, flush?: () => Promise<void>, isDirty?: () => boolean}|null} */
let current = null;
let started = false;
let signInNotice = "";

/** @type {Ctx} */
const ctx = {
  session: /** @type {any} */ (null),
  user: /** @type {any} */ (null),
  index: /** @type {any} */ (null),
  engine: /** @type {any} */ (null),
  canWrite: false,
  navigate,
  toast,
  syncNow: () => {
    // Pressing "Đồng bộ ngay" offline must say why nothing happens, not fail silently.
    if (!navigator.onLine) {
      toast(t("sync_now_offline"));
      return Promise.resolve();
    }
    return S ? S.engine.now() : Promise.resolve();
  },
  signIn: (username, password) => doSignIn((salt, version) => api.login(username, password, version, salt)),
  enrol: (code) => doSignIn((_salt, version) => api.enrol(code, version)),
  signOut: doSignOut,
  langSwitch,
  routes: {},
};

function navigate(hash, options = {}) {
  if (options.replace) history.replaceState(null, "", hash);
  else history.pushState(null, "", hash);
  route();
}

let toastTimer = 0;
function toast(message) {
  toastBox.textContent = message;
  toastBox.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { toastBox.hidden = true; }, 3500);
}

function langSwitch() {
  const make = (code, label) => h("button", {
    type: "button", class: `seg${getLang() === code ? " is-on" : ""}`, "aria-pressed": String(getLang() === code), lang: code,
    onclick: async () => {
      // English not cached yet (offline before the rest of the app arrived): say so, stay Vietnamese.
      const loaded = await setLang(code).then(() => true, () => false);
      if (!loaded) {
        await setLang("vi");
        toast(t("english_not_cached"));
        return;
      }
      applyStaticLabels();
      route();
      setSetting(SETTING.LANG, code);
    },
  }, label);
  return h("div", { class: "segmented", role: "group", "aria-label": t("language") }, make("vi", "Tiếng Việt"), make("en", "English"));
}

function applyStaticLabels() {
  document.title = t("app_name");
  $("app-title").textContent = t("app_name");
  for (const el of document.querySelectorAll("[data-label]")) el.textContent = t(/** @type {HTMLElement} */ (el).dataset.label || "");
  drawChip();
}

function drawChip() {
  if (!ctx.session || !ctx.session.token || !S) {
    chip.hidden = true;
    return;
  }
  const { index, engine } = S;
  chip.hidden = false;
  const pending = index.pendingRecords();
  const status = S.statusText(engine.status, pending);
  const short = status.tone === "offline" ? t("offline_short") : status.tone === "error" ? t("error_short") : status.text;
  chip.textContent = short;
  chip.title = status.text;
  chip.dataset.tone = status.tone;
  chip.dataset.lastSync = String(engine.status.lastSyncAt || 0);
  // The tab badge: records with queued changes, refused changes and open conflicts.
  const attention = pending + index.errors().length + index.openConflicts().length;
  const badge = $("outbox-badge");
  badge.textContent = attention ? String(attention) : "";
  badge.hidden = !attention;
}

/** Parse "#/models/abc/edit?resolve=x" into segments and a query. */
function parseHash() {
  const raw = (location.hash || "#/").slice(1);
  const [path, search = ""] = raw.split("?");
  const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  /** @type {Record<string, string>} */
  const query = {};
  for (const [k, v] of new URLSearchParams(search)) query[k] = v;
  return { parts, query, route: `#${path}` };
}

let lastHash = null;

let turn = 0;
/** Render the screen for the current hash (events can fire twice for one move: render once). */
function onLocation() {
  if (location.hash !== lastHash) route();
}

async function route() {
  lastHash = location.hash;
  const mine = ++turn;
  if (current && current.dispose) current.dispose();
  current = null;
  const { parts, query, route: routeKey } = parseHash();
  if (!currentVault()) {
    // Locked: nobody's data is readable until someone unlocks or signs in.
    tabbar.hidden = true;
    chip.hidden = true;
    if (adopting && (parts[0] === "adopt" || (phoneAccounts === 0 && parts[0] !== "signin"))) mount(renderAdopt(), "signin");
    else if (phoneAccounts > 0 && !["signin", "enrol", "reset"].includes(parts[0])) mount(renderLockScreen(), "signin");
    else {
      ctx.signInNotice = signInNotice;
      ctx.backToLock = phoneAccounts > 0 || adopting ? () => navigate("#/") : undefined;
      // #/enrol/<code>: the link inside an enrolment QR, opened by the phone's camera.
      mount(renderSignIn(ctx, { mode: parts[0], code: parts[1] }), "signin");
    }
    return;
  }
  const signedIn = Boolean(ctx.session && ctx.session.token);
  tabbar.hidden = !signedIn;
  ctx.backToLock = undefined;
  if (!signedIn || parts[0] === "signin" || parts[0] === "enrol" || parts[0] === "reset") {
    ctx.signInNotice = signInNotice;
    // #/enrol/<code>: the link inside an enrolment QR, opened by the phone's camera.
    mount(renderSignIn(ctx, { mode: parts[0], code: parts[1] }), "signin");
    return;
  }
  let loaded;
  try {
    loaded = await screens();
  } catch {
    if (mine === turn) notCached();
    return;
  }
  if (mine !== turn) return;
  const { home, recordDetail, recordList, renderConflicts, renderOutbox, renderSettings } = loaded;
  const [first, second, third] = parts;
  let screen;
  let tab = first || "home";
  if (!first) screen = home.render(ctx);
  else if (first === "outbox") screen = renderOutbox(ctx);
  else if (first === "conflicts") {
    screen = renderConflicts(ctx);
    tab = "outbox";
  } else if (first === "settings") screen = renderSettings(ctx);
  else if (ctx.routes[first]) {
    screen = await ctx.routes[first](parts, query);
    if (mine !== turn) return screen.dispose && screen.dispose();
    tab = "staff";
  } else if (RECORD_TABLES.includes(first)) {
    const table = first;
    if (!second) screen = recordList.render(ctx, { table, query });
    else if (second === "new" || third === "edit") {
      let renderForm;
      try {
        renderForm = await FORMS[table]();
      } catch {
        renderForm = () => ({ node: h("p", { class: "notice notice-warn", role: "alert", text: t("network_error") }) });
      }
      if (mine !== turn) return;
      screen = second === "new" ? renderForm(ctx, { route: routeKey, query }) : renderForm(ctx, { id: second, route: routeKey, query });
    } else screen = recordDetail.render(ctx, { table, id: second });
  } else screen = home.render(ctx);
  mount(screen, tab);
}

/**
 * The app behind the lock is not on this phone (offline before it was all cached): say so
 * instead of a blank or a lock screen, and start again once a connection is back.
 */
function notCached() {
  tabbar.hidden = true;
  const notice = h("p", { class: "notice notice-warn", role: "alert", "data-testid": "not-cached", text: t("app_not_cached") });
  mount({ node: h("section", { class: "screen" }, notice) }, "");
  addEventListener("online", () => location.reload(), { once: true });
}

function mount(screen, tab) {
  current = screen;
  replace(view, screen.node);
  view.focus({ preventScroll: true });
  window.scrollTo(0, 0);
  for (const link of tabbar.querySelectorAll("a")) {
    const on = /** @type {HTMLElement} */ (link).dataset.tab === tab;
    link.classList.toggle("is-on", on);
    if (on) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
}

function setSessionCtx(session) {
  ctx.session = session;
  ctx.user = session && session.user;
  ctx.canWrite = Boolean(ctx.user && ctx.user.roles.some((r) => WRITER_ROLES.includes(r)));
}

async function startData() {
  const { index, engine } = await screens();
  await index.load();
  // Staff screens stay out of the officer's shell: ui/staff-nav.js adds them.
  if (ctx.user.roles.some((r) => r !== "CAN_BO_NHAP")) await import("./ui/staff-nav.js").then((m) => m.start(ctx), () => {});
  if (!started) {
    started = true;
    engine.start();
    askPersistence();
  } else {
    engine.unblock();
    engine.request("signin");
  }
}

/**
 * Sign in with a password or an enrolment code: `obtain(salt, version)` asks the server for the
 * device's token, sending the phone's key salt where the call takes it; the escrow key comes
 * with the answer or, for an enrolment, from the escrow call under the new token.
 * @param {(salt: string, version: string) => Promise<any>} obtain
 */
async function doSignIn(obtain) {
  const salt = await keySalt();
  let result;
  try {
    // The app behind the lock comes with the protocol's module (online: signing in needs it).
    const [{ APP_VERSION }] = await Promise.all([import("./sync/protocol.js"), screens()]);
    result = await obtain(salt, APP_VERSION);
    if (!result.escrow_key) result.escrow_key = await api.escrow(result.token, salt).catch(() => null);
  } catch (error) {
    if (error instanceof api.ApiError && error.status === 0) throw new Error(t("network_error"));
    throw error;
  }
  /** @type {import("./store/db.js").Session} */
  const session = { token: result.token, device: result.device, user: result.user, signedInAt: Date.now() };
  api.exportKey().then((key) => setSetting(SETTING.SERVER_KEY, key), () => {});
  const user = result.user;
  const escrowKey = result.escrow_key || null;
  const shown = ctx.user;
  if (shown && shown.id !== user.id) lock();
  const account = await getAccount(user.id);
  try {
    if (!account) {
      await askNewPin(user, (pin) => enrol({ user, pin, escrowKey }));
    } else if (account.needs_online) {
      await askNewPin(user, async (pin) => {
        if (!(await reopenOnline({ userId: user.id, escrowKey, newPin: pin }))) throw new PinError("NO_ACCOUNT");
      });
    } else if (!(await reopenOnline({ userId: user.id, escrowKey }))) {
      // A box made offline, without the server's wrap: the PIN still opens it.
      pendingSession = session;
      phoneAccounts = (await listAccounts()).length;
      navigate("#/", { replace: true });
      return;
    }
  } catch (error) {
    api.logout(result.token).catch(() => {});
    navigate("#/signin", { replace: true });
    throw error;
  }
  await opened(user.id, session);
}

/** Ask for a new PIN on its own screen; resolves once onPin has taken it. */
function askNewPin(user, onPin) {
  return new Promise((resolve, reject) => {
    mount(renderSetPin({
      name: user.full_name,
      onPin: async (pin) => {
        await onPin(pin);
        resolve(undefined);
      },
      onCancel: () => reject(new Error(t("pin_cancel"))),
    }), "signin");
  });
}

/** A user's vault was just opened (PIN or sign-in): carry old data over, then show their app. */
async function opened(userId, freshSession = null) {
  if (legacy && legacy.user && legacy.user.id === userId) {
    await adoptLegacy();
    legacy = null;
    adopting = false;
  }
  if (freshSession) await setSession(freshSession);
  if (ctx.user && ctx.user.id !== userId) {
    // Another user's screens and index are in this page: start clean.
    history.replaceState(null, "", "#/");
    location.reload();
    return;
  }
  let loaded;
  try {
    loaded = await screens();
  } catch {
    notCached();
    return;
  }
  const { index, storeUnits } = loaded;
  const session = await getSession();
  setSessionCtx(session || null);
  signInNotice = session && !session.token ? t("signed_out_remotely") : "";
  if (freshSession) {
    const units = [freshSession.user.unit];
    try {
      units.push(...(await api.unitsWithin(freshSession.token, freshSession.user.unit.id)));
    } catch {
      // The first sync brings the units anyway.
    }
    await storeUnits(units);
  }
  if (session && session.token) {
    await startData();
    if (navigator.onLine) api.exportKey().then((key) => setSetting(SETTING.SERVER_KEY, key), () => {});
  } else await index.load();
  watchIdle();
  drawChip();
  if (freshSession) {
    navigate("#/", { replace: true });
    return;
  }
  const draft = await getMeta(META.FORM_DRAFT);
  if (draft && draft.route && parseHash().route !== draft.route) history.replaceState(null, "", draft.route);
  await route();
}

async function doSignOut() {
  const token = ctx.session && ctx.session.token;
  if (token && navigator.onLine) await api.logout(token).catch(() => {});
  await removeAccount(ctx.user.id);
  history.replaceState(null, "", "#/");
  location.reload();
}

// --- shared phone: who unlocks, the upgrade from the unencrypted database, lock when idle ----

/** @type {import("./store/db.js").Session|null} the old database's session, until its user sets a PIN */
let legacy = null;
/** @type {import("./store/db.js").Session|null} signed in online, waiting for the PIN */
let pendingSession = null;
let phoneAccounts = 0;
let adopting = false;

function renderLockScreen() {
  return renderUnlock({
    lastUser: lastUser,
    langSwitch,
    onSignIn: () => navigate("#/signin"),
    // The old unencrypted data waits for its officer, who protects it with a PIN from here.
    extra: adopting && legacy ? h("button", { type: "button", class: "btn btn-block", "data-action": "adopt",
      onclick: () => navigate("#/adopt") }, `${t("upgrade_title")}: ${legacy.user.full_name}`) : null,
    onUnlocked: async (userId, pin) => {
      const fresh = pendingSession && pendingSession.user.id === userId ? pendingSession : null;
      pendingSession = null;
      await opened(userId, fresh);
      const session = ctx.session;
      if (session && session.token && navigator.onLine) {
        const account = await getAccount(userId);
        if (account && !account.box.escrow) {
          api.escrow(session.token, await keySalt()).then((key) => attachEscrow(userId, pin, key), () => {});
        }
      }
    },
  });
}

function renderAdopt() {
  const session = /** @type {import("./store/db.js").Session} */ (legacy);
  return renderSetPin({
    name: session.user.full_name,
    title: t("upgrade_title"),
    onPin: async (pin) => {
      let escrowKey = null;
      if (navigator.onLine && session.token) {
        escrowKey = await api.escrow(session.token, await keySalt()).catch(() => null);
        api.exportKey().then((key) => setSetting(SETTING.SERVER_KEY, key), () => {});
      }
      await enrol({ user: session.user, pin, escrowKey });
      await opened(session.user.id);
    },
    onCancel: () => navigate(phoneAccounts > 0 ? "#/" : "#/signin"),
  });
}

let lastUser = null;
const IDLE_DEFAULT_MS = 5 * 60 * 1000;
let idleMs = IDLE_DEFAULT_MS;
let lastActive = performance.now();
let idleTimer = 0;

/** Lock now: keep the form being typed (its draft), then reload into the lock screen. */
export async function lockNow() {
  if (!currentVault()) return;
  if (current && current.flush) await current.flush();
  // An answer already on its way is stored first; a lost one is only sent again (§4.2).
  await Promise.race([(S && S.engine.running) || Promise.resolve(), new Promise((r) => setTimeout(r, 3000))]);
  lock();
  location.reload();
}
ctx.lock = lockNow;

function watchIdle() {
  getSetting(SETTING.IDLE_MS).then((ms) => { idleMs = Number(ms) || IDLE_DEFAULT_MS; }, () => {});
  // A monotonic clock: the phone's wall clock being set (by hand or by the network) neither
  // locks the app nor keeps it open.
  lastActive = performance.now();
  clearInterval(idleTimer);
  idleTimer = setInterval(() => {
    if (currentVault() && performance.now() - lastActive >= idleMs) lockNow();
  }, 1000);
}
for (const type of ["pointerdown", "keydown", "touchstart", "wheel", "input"]) {
  addEventListener(type, () => { lastActive = performance.now(); }, { capture: true, passive: true });
}

// --- shell events -----------------------------------------------------------------------------

function showBanner(text, actionLabel, action) {
  $("banner-text").textContent = text;
  const button = /** @type {HTMLButtonElement} */ ($("banner-action"));
  button.textContent = actionLabel;
  button.onclick = action;
  banner.hidden = false;
}

async function update() {
  if (current && current.flush) await current.flush();
  applyUpdate();
}

/** Reload into the new version by itself only when nothing is being typed and nobody looks. */
function updateWhenIdle() {
  const typing = current && current.isDirty && current.isDirty();
  if (!typing && document.visibilityState === "hidden" && !(S && S.engine.status.phase === "syncing")) update();
}

on(EV.UPDATE_READY, () => showBanner(t("update_ready"), t("update"), update));
on(EV.OFFLINE_READY, () => toast(t("offline_ready")));
on(EV.SYNC_STATE, drawChip);
on(EV.INDEX_CHANGED, drawChip);
on(EV.CONNECTIVITY, drawChip);
on(EV.SIGNED_OUT_REMOTELY, async () => {
  signInNotice = t("signed_out_remotely");
  const session = await getSession();
  setSessionCtx(session ? { ...session, token: null } : null);
  drawChip();
  navigate("#/signin", { replace: true });
});
on(EV.UPDATE_REQUIRED, () => showBanner(t("update_app"), t("update"), update));
// The screens call the API with the token in ctx: after a rotation the old one soon dies.
on(EV.TOKEN_ROTATED, async () => {
  const session = await getSession();
  if (session && session.token && ctx.session && session.user.id === ctx.session.user.id) setSessionCtx(session);
});
document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "visible") {
    if (started && S) S.engine.request("visible");
    return;
  }
  if (current && current.flush) current.flush();
  if (updateWaiting()) updateWhenIdle();
});
addEventListener("online", () => started && S && S.engine.connectivity(true));
addEventListener("offline", () => started && S && S.engine.connectivity(false));
chip.addEventListener("click", () => S && S.engine.now());
addEventListener("popstate", onLocation);
addEventListener("hashchange", onLocation);
setVersionChangeHandler(() => location.reload());

async function boot() {
  startKeepData(); // the install offer can come at once: listen before anything else waits
  await setLang((await getSetting(SETTING.LANG)) || "vi").catch(() => {});
  applyStaticLabels();
  const [old, accounts, last] = await Promise.all([legacySession(), listAccounts(), getSetting(SETTING.LAST_USER)]);
  phoneAccounts = accounts.length;
  lastUser = last || null;
  // The old database's user carries it over by setting a PIN; once they have an account here,
  // unlocking finishes a copy a crash interrupted.
  legacy = old && old.user ? old : null;
  adopting = Boolean(legacy && !accounts.some((a) => a.user_id === legacy.user.id));
  if (legacy && !adopting) lastUser = legacy.user.id;
  drawChip();
  await route();
  document.documentElement.dataset.ready = "1";
  // Someone will unlock: load the app behind the lock (from the cache) while the PIN is typed.
  // Not on a first visit, where the service worker is fetching the same files.
  if (phoneAccounts > 0 || legacy) screens().catch(() => {});
  registerServiceWorker();
}

// --- the service worker: register, notice a waiting version, activate only when asked ---

/** @type {ServiceWorkerRegistration|null} */
let registration = null;
let applying = false;
// A first install: "ready offline" waits until the files after the shell are cached too.
let offlineToCome = false;
// Update check interval while the app stays open.
const UPDATE_CHECK_MS = 30 * 60 * 1000;

export async function registerServiceWorker() {
  if (!("serviceWorker" in navigator)) return null;
  const hadController = Boolean(navigator.serviceWorker.controller);
  try {
    registration = await navigator.serviceWorker.register("/sw.js", { scope: "/" });
  } catch {
    return null; // e.g. a private window: the app still works online
  }
  const reg = registration;
  const announce = () => emit(EV.UPDATE_READY, { registration: reg });
  if (reg.waiting && hadController) announce();
  reg.addEventListener("updatefound", () => {
    const worker = reg.installing;
    if (!worker) return;
    worker.addEventListener("statechange", () => {
      if (worker.state !== "installed") return;
      if (navigator.serviceWorker.controller) announce();
      else offlineToCome = true; // said once the rest is cached too (cacheEverything)
    });
  });
  navigator.serviceWorker.addEventListener("controllerchange", () => {
    // Only the tab that asked reloads at once; others were told by UPDATE_READY already.
    if (applying) window.location.reload();
  });
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") reg.update().catch(() => {});
  });
  setInterval(() => reg.update().catch(() => {}), UPDATE_CHECK_MS);
  navigator.serviceWorker.ready.then(cacheEverything, () => {});
  return reg;
}

/**
 * Ask the active service worker to cache the files the first load left out (sw.js LATER) and
 * mark the page once every one is there (`data-offline="complete"`); a cut connection tries
 * again when the phone is back online.
 * @param {ServiceWorkerRegistration} reg
 */
function cacheEverything(reg) {
  if (!reg.active) return;
  const channel = new MessageChannel();
  channel.port1.onmessage = (event) => {
    const complete = Boolean(event.data && event.data.complete);
    document.documentElement.dataset.offline = complete ? "complete" : "partial";
    if (complete && offlineToCome) {
      offlineToCome = false;
      emit(EV.OFFLINE_READY, {});
    }
    if (!complete) addEventListener("online", () => cacheEverything(reg), { once: true });
  };
  reg.active.postMessage({ type: "CACHE_LATER" }, [channel.port2]);
}

/** Tell whether a new version is installed and waiting. */
export function updateWaiting() {
  return Boolean(registration && registration.waiting && navigator.serviceWorker.controller);
}

/** Activate the waiting version; the page reloads when it takes control. */
export function applyUpdate() {
  if (!registration || !registration.waiting) {
    window.location.reload();
    return;
  }
  applying = true;
  registration.waiting.postMessage({ type: "SKIP_WAITING" });
}

boot();
