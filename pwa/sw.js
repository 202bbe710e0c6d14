// Service worker: precache a versioned app shell, serve it cache-first so the app opens with no
// network, never touch /api/, and switch versions only when the page asks (SKIP_WAITING).

const VERSION = "2026.12.2";
const PREFIX = "sotay-shell-";
const CACHE = PREFIX + VERSION;

// Every file of the app shell (tests/js/shell.test.js checks this list against pwa/). The PNG
// icons are left out: only the system's installer reads them, online.
const SHELL = [
  "/",
  "/manifest.webmanifest",
  "/css/app.css",
  "/icons/icon.svg",
  "/js/app.js",
  "/js/events.js",
  "/js/i18n/enums.js",
  "/js/i18n/labels.js",
  "/js/lib/attachments.js",
  "/js/lib/attendee-list.js",
  "/js/lib/fold.js",
  "/js/lib/record-rules.js",
  "/js/lib/record-schema.js",
  "/js/lib/scoring.js",
  "/js/lib/unit-groups.js",
  "/js/store/accounts.js",
  "/js/store/crypto.js",
  "/js/store/db.js",
  "/js/store/files.js",
  "/js/store/phone.js",
  "/js/store/record-index.js",
  "/js/store/records.js",
  "/js/store/vault.js",
  "/js/sync/engine.js",
  "/js/sync/http.js",
  "/js/sync/protocol.js",
  "/js/sync/upload-core.js",
  "/js/sync/uploads.js",
  "/js/ui/account.js",
  "/js/ui/attendees.js",
  "/js/ui/dom.js",
  "/js/ui/evaluation-form.js",
  "/js/ui/evaluation-views.js",
  "/js/ui/forms.js",
  "/js/ui/recog-forms.js",
  "/js/lib/recognition.js",
  "/js/ui/home.js",
  "/js/ui/keep-data.js",
  "/js/ui/photos.js",
  "/js/ui/pin.js",
  "/js/ui/record-detail.js",
  "/js/ui/record-list.js",
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

/** Add the staff files the cache lacks; a failure leaves them to the next request. */
async function cacheStaff(cache) {
  for (const url of STAFF) if (!(await cache.match(url))) await cache.add(fresh(url)).catch(() => {});
}

sw.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const had = await caches.match("/js/ui/staff-nav.js"); // an older version's, if any
    const cache = await caches.open(CACHE);
    await cache.addAll(SHELL.map(fresh));
    if (had) await cacheStaff(cache);
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
      if (response.ok && STAFF.includes(url.pathname)) cache.put(url.pathname, response.clone());
      return response;
    }))),
  );
});
