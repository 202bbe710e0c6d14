// Chart scales: a round axis maximum, whole ticks, stacked segments.
import assert from "node:assert/strict";
import test from "node:test";

import { niceMax, scale, stack, ticks } from "../../pwa/js/lib/chart-scale.js";

test("the axis ends on a round number at or above the largest bar", () => {
  assert.deepEqual([0, 1, 3, 7, 10, 17, 23, 52, 89, 101, 1554].map(niceMax), [1, 1, 5, 10, 10, 20, 25, 100, 100, 200, 2000]);
  assert.equal(niceMax(-4), 1);
  assert.equal(niceMax(undefined), 1);
});

test("ticks are whole, equal and end at the axis maximum", () => {
  assert.deepEqual(ticks(17), [0, 5, 10, 15, 20]);
  assert.deepEqual(ticks(23), [0, 5, 10, 15, 20, 25]);
  assert.deepEqual(ticks(1), [0, 1]);
  assert.deepEqual(ticks(2), [0, 1, 2]);
  assert.deepEqual(ticks(89), [0, 25, 50, 75, 100]);
  for (const max of [3, 7, 11, 250, 999, 12345]) {
    const values = ticks(max);
    assert.equal(values[0], 0);
    assert.equal(values.at(-1), niceMax(max));
    assert.ok(values.every((v) => Number.isInteger(v)));
  }
});

test("values scale to the axis length and never past it", () => {
  assert.equal(scale(50, 100, 300), 150);
  assert.equal(scale(0, 100, 300), 0);
  assert.equal(scale(150, 100, 300), 300);
  assert.equal(scale(5, 0, 300), 0);
});

test("a stacked bar: segments in key order, zeros dropped, the total at the end", () => {
  const { segments, total } = stack({ KINH_TE: 17, VAN_HOA_XA_HOI: 52, QP_AN: 0, XD_HTCT: 10, OTHER: 9 }, ["KINH_TE", "VAN_HOA_XA_HOI", "QP_AN", "XD_HTCT"]);
  assert.equal(total, 79);
  assert.deepEqual(segments.map((s) => [s.key, s.start, s.end]), [["KINH_TE", 0, 17], ["VAN_HOA_XA_HOI", 17, 69], ["XD_HTCT", 69, 79]]);
  assert.deepEqual(stack({}, ["A"]), { segments: [], total: 0 });
});
