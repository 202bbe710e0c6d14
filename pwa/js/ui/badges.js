// Small status badges: review status, sync state, the rework flag.

import { enumLabel, t } from "../i18n/labels.js";
import { h } from "./dom.js";

/** @param {string} status review_status code */
export function reviewBadge(status) {
  const code = status || "NHAP";
  return h("span", { class: `badge review-${code}`, "data-review": code }, enumLabel("review_status", code));
}

/** @param {string} state sync state code */
export function syncBadge(state) {
  return h("span", { class: `badge sync-${state}`, "data-sync": state }, t(`st_${state}`));
}

/** The flag on a record returned for rework. */
export function reworkFlag() {
  return h("span", { class: "badge rework", "data-rework": "1" }, `⚑ ${t("needs_rework")}`);
}
