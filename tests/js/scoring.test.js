import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import test from "node:test";

import { rating, scoreErrors, thresholdErrors, total } from "../../pwa/js/lib/scoring.js";
import { SHARED_DIR } from "./fixtures.js";

// The cases tests/test_scoring.py reads: the phone's total and rating are the server's.
const cases = JSON.parse(readFileSync(join(SHARED_DIR, "scoring_cases.json"), "utf8"));

test("totals are exact to the hundredth", () => {
  for (const c of cases.totals) assert.equal(total(c.points), c.total, JSON.stringify(c));
});

test("the rating is the highest threshold reached", () => {
  for (const c of cases.ratings) assert.equal(rating(c.total, c.thresholds), c.rating, JSON.stringify(c));
});

test("thresholds descend within the max score", () => {
  for (const c of cases.thresholds) assert.deepEqual(thresholdErrors(c.thresholds, c.max_score), c.errors, JSON.stringify(c));
});

test("every criterion is scored once within its points", () => {
  for (const c of cases.scores) {
    const { problems, missing } = scoreErrors(c.criteria, c.scores);
    assert.deepEqual(problems, c.problems, JSON.stringify(c));
    assert.deepEqual(missing, c.missing);
  }
});
