// Keeping the phone's data: whether the browser may evict it, installing the app (which is what
// usually earns persistent storage), and a warning when storage is nearly full.

import { emit, EV } from "../events.js";
import { formatBytes, formatInstant, getLang, t } from "../i18n/labels.js";
import { h } from "./dom-core.js";

// Past this share of the quota a new photo or a large pull may no longer fit.
const NEARLY_FULL = 0.9;

/** @type {{prompt: any, installed: boolean, persisted: boolean|null, usage: number, quota: number}} */
export const keep = { prompt: null, installed: false, persisted: null, usage: 0, quota: 0 };

/** Ask the browser to keep our storage, and note what it answers. */
export async function askPersistence() {
  const storage = navigator.storage;
  if (!storage || !storage.persisted) return;
  keep.persisted = (await storage.persisted()) || (storage.persist ? await storage.persist().catch(() => false) : false);
  if (storage.estimate) {
    const { usage = 0, quota = 0 } = await storage.estimate();
    keep.usage = usage;
    keep.quota = quota;
  }
  emit(EV.STORAGE_STATE, { ...keep, prompt: Boolean(keep.prompt) });
}

/** Listen for the browser's offer to install, and for the installation itself. */
export function startKeepData() {
  keep.installed = matchMedia("(display-mode: standalone)").matches;
  addEventListener("beforeinstallprompt", (event) => {
    // Keep the offer for our own button instead of the browser's mini-infobar.
    event.preventDefault();
    keep.prompt = event;
    emit(EV.STORAGE_STATE, { ...keep, prompt: true });
  });
  addEventListener("appinstalled", () => {
    keep.installed = true;
    keep.prompt = null;
    askPersistence(); // installing is what usually earns persistence: ask again
  });
}

async function install() {
  const offer = keep.prompt;
  if (!offer) return;
  keep.prompt = null;
  await offer.prompt();
  const choice = await offer.userChoice.catch(() => null);
  if (choice && choice.outcome === "accepted") keep.installed = true;
  await askPersistence();
}

function howToInstall() {
  if (/iPhone|iPad|iPod/.test(navigator.userAgent)) return t("install_how_ios");
  return t("install_how_android");
}

/**
 * The home screen's card about keeping data, or "" when there is nothing to say.
 * @param {import("../store/record-index.js").RecordIndex} index
 */
export function keepDataCard(index) {
  const lines = [];
  let tone = "info";
  if (keep.quota > 0 && keep.usage / keep.quota >= NEARLY_FULL) {
    tone = "error";
    lines.push(h("p", { class: "alert-title", "data-testid": "storage-full",
      text: t("storage_nearly_full", { free: formatBytes(Math.max(0, keep.quota - keep.usage), getLang()) }) }));
  }
  if (keep.persisted === false) {
    const waiting = index.pendingRecords();
    const oldest = Math.min(...[...index.pending.values()].flat().map((e) => e.at || Date.now()));
    if (waiting > 0) {
      if (tone !== "error") tone = "warn";
      lines.push(h("p", { class: "alert-title", "data-testid": "data-at-risk",
        text: t("data_at_risk", { n: waiting, since: formatInstant(oldest) }) }));
    }
    lines.push(h("p", { class: "small", text: t("storage_not_persisted") }));
    if (keep.prompt) {
      lines.push(h("button", { type: "button", class: "btn btn-primary btn-block", "data-action": "install", onclick: install },
        t("install_app")));
    } else if (!keep.installed) {
      lines.push(h("p", { class: "small", "data-testid": "install-how", text: howToInstall() }));
    } else {
      lines.push(h("button", { type: "button", class: "btn btn-block", "data-action": "persist", onclick: askPersistence },
        t("persist_again")));
    }
  }
  if (!lines.length) return "";
  return h("div", { class: `card keep-data tone-${tone}`, "data-testid": "keep-data" }, lines);
}
