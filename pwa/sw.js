// Service worker: precache a versioned app shell, serve it cache-first so the app opens with no
// network, never touch /api/, and switch versions only when the page asks (SKIP_WAITING).

const VERSION = "2026.12.4";
const PREFIX = "sotay-shell-";
const CACHE = PREFIX + VERSION;

// The first-load shell: what the first paint, signing in and the PIN's lock screen need, and
// nothing more (tests/js/shell.test.js checks these lists against pwa/; bench/pwa_budgets.py
// holds it to 60 KB gzip, a first load on 2G). The PNG icons are left out: only the system's
// installer reads them, online.
const SHELL = [
  "/",
  "/manifest.webmanifest",
  "/css/app.css",
  "/icons/icon.svg",
  "/js/app.js",
  "/js/events.js",
  "/js/i18n/enums.js",
  "/js/i18n/labels.js",
  "/js/lib/record-registry.js",
  "/js/store/accounts.js",
  "/js/store/crypto.js",
  "/js/store/db.js",
  "/js/store/phone.js",
  "/js/store/vault.js",
  "/js/sync/http.js",
  "/js/ui/account.js",
  "/js/ui/dom-core.js",
  "/js/ui/keep-data.js",
  "/js/ui/pin.js",
];

// The rest of an officer's app (records, forms, sync, photos, the movement's other record types,
// English): loaded by import() and cached in the background as soon as the worker is active
// (the page asks: CACHE_LATER), so that a phone signed in once has everything offline. A file
// fetched before that is kept as it arrives; a new version precaches them with the shell when
// the old one had them, so an update never leaves less offline than before.
const LATER = [
  "/js/i18n/labels-en.js",
  "/js/lib/attachments.js",
  "/js/lib/attendee-list.js",
  "/js/lib/fold.js",
  "/js/lib/recognition.js",
  "/js/lib/record-rules.js",
  "/js/lib/record-schema.js",
  "/js/lib/scoring.js",
  "/js/lib/unit-groups.js",
  "/js/store/files.js",
  "/js/store/record-index.js",
  "/js/store/records.js",
  "/js/sync/download.js",
  "/js/sync/engine.js",
  "/js/sync/protocol.js",
  "/js/sync/upload-core.js",
  "/js/sync/uploads.js",
  "/js/ui/attendees.js",
  "/js/ui/dom.js",
  "/js/ui/evaluation-form.js",
  "/js/ui/evaluation-views.js",
  "/js/ui/forms.js",
  "/js/ui/home.js",
  "/js/ui/photos.js",
  "/js/ui/recog-forms.js",
  "/js/ui/record-detail.js",
  "/js/ui/record-list.js",
  "/js/ui/screens.js",
  "/js/ui/settings.js",
  "/js/ui/sync-views.js",
  "/js/ui/unit-picker.js",
  "/js/ui/upload-progress.js",
];

// The reviewers' and viewers' screens (js/ui/staff-nav.js adds them). Not precached on install:
// an officer's phone never needs them, and the shell's bytes are the officer's first-load
// budget. A staff member's page asks for them after signing in (CACHE_STAFF), a file fetched
// before that is kept as it arrives, and a new version precaches them when the old one had them.
const STAFF = [
  "/css/staff.css",
  "/js/i18n/admin-labels.js",
  "/js/i18n/staff-labels.js",
  "/js/lib/chart-scale.js",
  "/js/lib/report-args.js",
  "/js/lib/review-rules.js",
  "/js/ui/admin.js",
  "/js/ui/charts.js",
  "/js/ui/criteria-sets.js",
  "/js/ui/dashboard.js",
  "/js/ui/reports.js",
  "/js/ui/review-detail.js",
  "/js/ui/review-queue.js",
  "/js/ui/staff-nav.js",
];

// The worker's global scope, typed as what it is (tsc --checkJs knows `self` only as a worker).
const sw = /** @type {ServiceWorkerGlobalScope} */ (/** @type {unknown} */ (self));

// "no-cache" revalidates with the server: unchanged files cost a 304, not a second download
// of what the page just fetched, and a new version never precaches a stale file.
const fresh = (url) => new Request(url, { cache: "no-cache" });

/**
 * Add the files of `urls` the cache lacks, side by side (on 2G the round trips dominate); a
 * failure leaves that file to the next request or the next ask.
 * @returns {Promise<boolean>} whether every file is now cached
 */
async function cacheMissing(cache, urls) {
  const missing = [];
  for (const url of urls) if (!(await cache.match(url))) missing.push(url);
  const added = await Promise.all(missing.map((url) => cache.add(fresh(url)).then(() => true, () => false)));
  return added.every(Boolean);
}

/** Add the staff files the cache lacks; a failure leaves them to the next request. */
async function cacheStaff(cache) {
  await cacheMissing(cache, STAFF);
}

sw.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    // An older version's files, if any: an update keeps everything the phone had offline.
    const hadLater = await caches.match("/js/ui/forms.js");
    const hadStaff = await caches.match("/js/ui/staff-nav.js");
    const cache = await caches.open(CACHE);
    await cache.addAll((hadLater ? [...SHELL, ...LATER] : SHELL).map(fresh));
    if (hadStaff) await cacheStaff(cache);
  })());
});

sw.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith(PREFIX) && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => sw.clients.claim()),
  );
});

sw.addEventListener("message", (event) => {
  if (event.data && event.data.type === "SKIP_WAITING") sw.skipWaiting();
  if (event.data && event.data.type === "CACHE_STAFF") event.waitUntil(caches.open(CACHE).then(cacheStaff));
  if (event.data && event.data.type === "CACHE_LATER") {
    // The answer says whether everything is cached (the page marks itself offline-complete).
    const port = event.ports && event.ports[0];
    event.waitUntil(caches.open(CACHE).then((cache) => cacheMissing(cache, LATER))
      .then((complete) => port && port.postMessage({ complete })));
  }
});

sw.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== sw.location.origin || url.pathname.startsWith("/api/")) return;
  if (request.mode === "navigate") {
    // Every page of the app is the one shell; the hash picks the screen.
    event.respondWith(
      caches.open(CACHE).then((cache) => cache.match("/")).then((hit) => hit || fetch(request)),
    );
    return;
  }
  event.respondWith(
    caches.open(CACHE).then((cache) => cache.match(request, { ignoreSearch: true }).then((hit) => hit || fetch(request).then((response) => {
      if (response.ok && (LATER.includes(url.pathname) || STAFF.includes(url.pathname))) cache.put(url.pathname, response.clone());
      return response;
    }))),
  );
});
