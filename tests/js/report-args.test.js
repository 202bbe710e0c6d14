// What the report and dashboard screens ask the server: periods, query strings, cells.
import assert from "node:assert/strict";
import test from "node:test";

import { allZero, cellText, currentYear, dashboardQuery, periodChoices, periodicQuery, periodLabel, reportQuery } from "../../pwa/js/lib/report-args.js";

test("period choices match the server's: phases, then years with their halves, newest first", () => {
  const choices = periodChoices(new Date(2026, 2, 1));
  assert.deepEqual(choices.slice(0, 6), ["GD_2026_2030", "GD_2021_2025", "GD_2016_2020", "NAM_2026", "6THANG_CUOI_2026", "6THANG_DAU_2026"]);
  assert.equal(choices.at(-1), "6THANG_DAU_2016");
  assert.equal(choices.length, 3 + 11 * 3);
  assert.equal(currentYear(new Date(2025, 6, 1)), "NAM_2025");
});

test("period codes name their label", () => {
  assert.deepEqual(periodLabel("NAM_2024"), { key: "period_year", values: { y: "2024" } });
  assert.deepEqual(periodLabel("6THANG_DAU_2024"), { key: "period_half1", values: { y: "2024" } });
  assert.deepEqual(periodLabel("6THANG_CUOI_2024"), { key: "period_half2", values: { y: "2024" } });
  assert.deepEqual(periodLabel("GD_2021_2025"), { key: "period_phase", values: { a: "2021", b: "2025" } });
  assert.equal(periodLabel("QUY_1"), null);
  assert.equal(periodLabel(null), null);
});

test("a report's query: period or dates, records (not for R7), filters of its own, pages of lists", () => {
  const base = { code: "r1", period: "NAM_2024", unit: "40", approved: true, boundaries: "" };
  assert.equal(reportQuery(base), "unit_id=40&period=NAM_2024&records=approved");
  assert.equal(reportQuery({ ...base, approved: false, boundaries: "old" }, "xlsx"), "unit_id=40&period=NAM_2024&records=all&boundaries=old&format=xlsx");
  assert.equal(reportQuery({ ...base, code: "r7" }, "csv"), "unit_id=40&period=NAM_2024&format=csv");
  assert.equal(reportQuery({ ...base, period: "dates", from: "2024-03-01", to: "2024-05-31" }), "unit_id=40&date_from=2024-03-01&date_to=2024-05-31&records=approved");
  assert.equal(reportQuery({ ...base, code: "r3", field: "QP_AN", type: "SO_KET", page: 2 }), "unit_id=40&period=NAM_2024&records=approved&field=QP_AN&page=2&per_page=50");
  assert.equal(reportQuery({ ...base, code: "r4/list", field: "QP_AN", type: "SO_KET" }, "html"), "unit_id=40&period=NAM_2024&records=approved&type=SO_KET&format=html");
  assert.equal(reportQuery({ ...base, by: "commune" }), "unit_id=40&period=NAM_2024&records=approved&by=commune");
  assert.equal(reportQuery({ ...base, code: "r3", by: "owner" }), "unit_id=40&period=NAM_2024&records=approved&by=owner&page=1&per_page=50");
  assert.equal(reportQuery({ ...base, code: "r4", by: "commune" }), "unit_id=40&period=NAM_2024&records=approved");
  assert.equal(dashboardQuery({ unit: 40, period: "NAM_2025", approved: false }), "unit_id=40&period=NAM_2025&records=all");
});

test("report cells read the Vietnamese way", () => {
  assert.equal(cellText("int", 1554), "1.554");
  assert.equal(cellText("stt", 3), "3");
  assert.equal(cellText("signed", 12), "+12");
  assert.equal(cellText("signed", -3), "-3");
  assert.equal(cellText("signed", 0), "0");
  assert.equal(cellText("date", "2020-01-15"), "15/01/2020");
  assert.equal(cellText("text", "Xã Nậm Cắn"), "Xã Nậm Cắn");
  assert.equal(cellText("int", null), "");
  assert.equal(cellText("int", 1554, "en"), "1,554");
  assert.equal(cellText("percent", 87.3), "87,3");
  assert.equal(cellText("percent", 87.3, "en"), "87.3");
  assert.equal(cellText("percent", null), "");
});

test("a summary row is all zero when every count is zero or blank", () => {
  const columns = [{ key: "stt", kind: "stt" }, { key: "unit_name", kind: "text" }, { key: "total", kind: "int" }, { key: "tang_giam", kind: "signed" }];
  assert.equal(allZero(columns, { stt: 1, unit_name: "Xã Nậm Cắn", total: 0, tang_giam: 0 }), true);
  assert.equal(allZero(columns, { stt: 2, unit_name: "Xã Mường Xén", total: 0, tang_giam: null }), true);
  assert.equal(allZero(columns, { stt: 3, unit_name: "Xã Long Sơn", total: 0, tang_giam: -2 }), false);
  assert.equal(allZero(columns, { stt: 4, unit_name: "Phường Hòa Hiếu", total: 1, tang_giam: null }), false);
});

test("the periodic report's query names the unit, period, records and boundaries, never a format", () => {
  const base = { unit: "40", period: "NAM_2024", approved: true };
  assert.equal(periodicQuery(base), "unit_id=40&period=NAM_2024&records=approved");
  assert.equal(periodicQuery({ ...base, period: "dates", from: "2024-01-01", to: "2024-06-30", approved: false, boundaries: "old" }),
    "unit_id=40&date_from=2024-01-01&date_to=2024-06-30&records=all&boundaries=old");
});
