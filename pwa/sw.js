// Service worker: precache a versioned app shell, serve it cache-first so the app opens with no
// network, never touch /api/, and switch versions only when the page asks (SKIP_WAITING).

const VERSION = "2026.11.1";
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
  "/js/lib/fold.js",
  "/js/lib/record-rules.js",
  "/js/store/db.js",
  "/js/store/record-index.js",
  "/js/store/records.js",
  "/js/sync/engine.js",
  "/js/sync/http.js",
  "/js/sync/protocol.js",
  "/js/ui/account.js",
  "/js/ui/dom.js",
  "/js/ui/forms.js",
  "/js/ui/home.js",
  "/js/ui/record-detail.js",
  "/js/ui/record-list.js",
  "/js/ui/sync-views.js",
];

self.addEventListener("install", (event) => {
  // "no-cache" revalidates with the server: unchanged files cost a 304, not a second download
  // of what the page just fetched, and a new version never precaches a stale file.
  event.waitUntil(
    caches.open(CACHE).then((cache) => cache.addAll(SHELL.map((url) => new Request(url, { cache: "no-cache" })))),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith(PREFIX) && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("message", (event) => {
  if (event.data && event.data.type === "SKIP_WAITING") self.skipWaiting();
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || url.pathname.startsWith("/api/")) return;
  if (request.mode === "navigate") {
    // Every page of the app is the one shell; the hash picks the screen.
    event.respondWith(
      caches.open(CACHE).then((cache) => cache.match("/")).then((hit) => hit || fetch(request)),
    );
    return;
  }
  event.respondWith(
    caches.open(CACHE)
      .then((cache) => cache.match(request, { ignoreSearch: true }))
      .then((hit) => hit || fetch(request)),
  );
});
