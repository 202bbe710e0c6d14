// The page's side of the service worker: register it, notice a new version waiting, and
// activate it only when asked (the worker never skips waiting by itself).

import { emit, EV } from "./events.js";

/** @type {ServiceWorkerRegistration|null} */
let registration = null;
let applying = false;
// Check for a new version at most this often while the app stays open.
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
      else emit(EV.OFFLINE_READY, {});
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
  return reg;
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
