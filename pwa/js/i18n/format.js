// Vietnamese-first formats: 1.554; 14,76; dd/mm/yyyy; dd/mm/yyyy hh:mm.

const numberFormats = new Map();

/**
 * Format a number the Vietnamese way (or the English way when lang is "en").
 * @param {number|null|undefined} value
 * @param {string} [lang]
 */
export function formatNumber(value, lang = "vi") {
  if (value === null || value === undefined || value === "" || Number.isNaN(Number(value))) {
    return "";
  }
  const locale = lang === "en" ? "en-GB" : "vi-VN";
  let format = numberFormats.get(locale);
  if (!format) {
    format = new Intl.NumberFormat(locale, { maximumFractionDigits: 2 });
    numberFormats.set(locale, format);
  }
  return format.format(Number(value));
}

const pad = (n) => String(n).padStart(2, "0");

/**
 * Show an ISO date ("2024-03-01" or a longer ISO string) as dd/mm/yyyy.
 * @param {string|null|undefined} iso
 */
export function formatDate(iso) {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso || "");
  return m ? `${m[3]}/${m[2]}/${m[1]}` : "";
}

/**
 * Show a local wall-clock "YYYY-MM-DDTHH:MM" as dd/mm/yyyy hh:mm.
 * @param {string|null|undefined} local
 */
export function formatLocalDateTime(local) {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(local || "");
  return m ? `${m[3]}/${m[2]}/${m[1]} ${m[4]}:${m[5]}` : formatDate(local);
}

/**
 * Show an instant (a UTC ISO string or a millisecond timestamp) in the phone's time zone.
 * @param {string|number|null|undefined} instant
 */
export function formatInstant(instant) {
  if (instant === null || instant === undefined || instant === "") return "";
  const d = new Date(instant);
  if (Number.isNaN(d.getTime())) return "";
  return (
    `${pad(d.getDate())}/${pad(d.getMonth() + 1)}/${d.getFullYear()} ` +
    `${pad(d.getHours())}:${pad(d.getMinutes())}`
  );
}

/**
 * Show a byte count as "1,5 MB" (Vietnamese decimal comma).
 * @param {number} bytes
 * @param {string} [lang]
 */
export function formatBytes(bytes, lang = "vi") {
  const units = ["B", "KB", "MB", "GB"];
  let value = Number(bytes) || 0;
  let i = 0;
  while (value >= 1024 && i < units.length - 1) {
    value /= 1024;
    i += 1;
  }
  return `${formatNumber(i ? Math.round(value * 10) / 10 : value, lang)} ${units[i]}`;
}

/**
 * Replace {name} placeholders in a label.
 * @param {string} template
 * @param {Record<string, unknown>} [values]
 */
export function fill(template, values = {}) {
  return template.replace(/\{(\w+)\}/g, (_, key) => (key in values ? String(values[key]) : ""));
}
