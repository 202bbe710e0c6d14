import assert from "node:assert/strict";
import test from "node:test";

import {
  clockFlagText, eventTimeText, fill, formatBytes, formatDate, formatInstant, formatLocalDateTime, formatNumber,
} from "../../pwa/js/i18n/labels.js";
import { enumLabel, enumOptions, setLang, t } from "../../pwa/js/i18n/labels.js";
// English loads on switching language in the app; here once, up front.
import "../../pwa/js/i18n/labels-en.js";

test("numbers are written the Vietnamese way", () => {
  assert.equal(formatNumber(1554), "1.554");
  assert.equal(formatNumber(14.76), "14,76");
  assert.equal(formatNumber(491267), "491.267");
  assert.equal(formatNumber(null), "");
  assert.equal(formatNumber(1554, "en"), "1,554");
});

test("dates are dd/mm/yyyy", () => {
  assert.equal(formatDate("2023-08-12"), "12/08/2023");
  assert.equal(formatDate("2023-08-12T10:00:00Z"), "12/08/2023");
  assert.equal(formatDate(""), "");
  assert.equal(formatLocalDateTime("2022-07-15T08:30"), "15/07/2022 08:30");
});

test("instants are shown in local time as dd/mm/yyyy hh:mm", () => {
  const d = new Date(2024, 0, 5, 7, 9);
  assert.equal(formatInstant(d.getTime()), "05/01/2024 07:09");
  assert.equal(formatInstant(null), "");
});

test("bytes use a decimal comma", () => {
  assert.equal(formatBytes(512), "512 B");
  assert.equal(formatBytes(1536), "1,5 KB");
});

test("labels switch language and fill placeholders", () => {
  setLang("vi");
  assert.equal(t("pending_n", { n: 3 }), "Chờ đồng bộ (3)");
  assert.equal(t("last_sync", { at: "01/02/2025 10:00" }), "Lần đồng bộ gần nhất: 01/02/2025 10:00");
  assert.equal(enumLabel("field", "KINH_TE"), "Kinh tế");
  setLang("en");
  assert.equal(t("pending_n", { n: 3 }), "Waiting to sync (3)");
  assert.equal(enumLabel("field", "KINH_TE"), "Economy");
  setLang("vi");
  assert.deepEqual(enumOptions("model_kind"), [["MO_HINH", "Mô hình"], ["DIEN_HINH", "Điển hình"]]);
  assert.equal(fill("{a}-{b}", { a: 1 }), "1-");
});

test("history shows when the officer acted, and the arrival only when much later", () => {
  setLang("vi");
  const acted = "2026-11-27T08:21:07Z";
  const local = (iso) => formatInstant(iso);
  assert.equal(eventTimeText({ at: "2026-11-27T08:24:00Z", acted_at: acted }), local(acted));
  const sameDay = eventTimeText({ at: "2026-11-27T08:31:00Z", acted_at: acted });
  assert.equal(sameDay, `ghi lúc ${local(acted)}, nhận lúc ${local("2026-11-27T08:31:00Z").slice(11)}`);
  const days = eventTimeText({ at: "2026-11-30T08:24:00Z", acted_at: acted });
  assert.equal(days, `ghi lúc ${local(acted)}, nhận lúc ${local("2026-11-30T08:24:00Z")}`);
  setLang("en");
  assert.match(eventTimeText({ at: "2026-11-30T08:24:00Z", acted_at: acted }), /^made .*, received /);
  setLang("vi");
  // An older server sends only the arrival.
  assert.equal(eventTimeText({ at: acted }), local(acted));
});

test("a flagged clock is explained, an unknown flag too", () => {
  setLang("vi");
  assert.equal(clockFlagText(null), "");
  assert.match(clockFlagText("FUTURE"), /chạy nhanh/);
  assert.equal(clockFlagText("SOMETHING_NEW"), "Giờ trên máy không đúng; đã điều chỉnh");
  setLang("en");
  assert.match(clockFlagText("BEFORE_CREATED"), /before the record was created/);
  setLang("vi");
});
