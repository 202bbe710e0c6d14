// An evaluation's total and rating, the server's rule (sync/scoring.py) read from the generated
// registry: points added in hundredths, then the highest rating whose minimum the total
// reaches. The same cases (sync/fixtures/scoring_cases.json) test both copies.

import { RECORD_REGISTRY } from "./record-registry.js";

const { ratings: RATINGS, cents: CENTS } = RECORD_REGISTRY.scoring;
export { RATINGS };
const THRESHOLD_RATINGS = RATINGS.slice(0, -1);
const LOWEST = RATINGS[RATINGS.length - 1];

/** Points in hundredths, or null with more than two decimals.
 * @param {number} points @returns {number|null} */
export function cents(points) {
  const scaled = Math.round(points * CENTS);
  return Math.abs(points * CENTS - scaled) < 1e-6 ? scaled : null;
}

/** The sum of the points, exact to the hundredth.
 * @param {number[]} points @returns {number} */
export function total(points) {
  let sum = 0;
  for (const p of points) sum += Math.round(p * CENTS);
  return sum / CENTS;
}

/** The highest rating whose minimum the total reaches, else the lowest.
 * @param {number} score @param {Record<string, number|null|undefined>} thresholds @returns {string} */
export function rating(score, thresholds) {
  const reached = Math.round(score * CENTS);
  for (const name of THRESHOLD_RATINGS) {
    const minimum = thresholds[name];
    if (minimum !== null && minimum !== undefined && reached >= Math.round(minimum * CENTS)) return name;
  }
  return LOWEST;
}

/** Problems of thresholds: not descending, above the max score, missing pass mark.
 * @param {Record<string, number|null|undefined>} thresholds @param {number} maxScore
 * @returns {Record<string, string>} */
export function thresholdErrors(thresholds, maxScore) {
  /** @type {Record<string, string>} */
  const errors = {};
  if (thresholds.DAT === null || thresholds.DAT === undefined) errors.DAT = "missing_dat";
  let previous = null;
  for (const name of THRESHOLD_RATINGS) {
    const value = thresholds[name];
    if (value === null || value === undefined) continue;
    if (cents(value) === null) errors[name] = "precision";
    else if (value < 0) errors[name] = "negative";
    else if (value > maxScore) errors[name] = "above_max";
    else if (previous !== null && value >= previous) errors[name] = "not_descending";
    previous = value;
  }
  return errors;
}

/** Scores against criteria: every criterion once, from 0 to its points.
 * @param {{code: string, max_points: number}[]} criteria
 * @param {{code: string, points: number}[]} scores
 * @returns {{problems: Record<string, string>, missing: string[]}} */
export function scoreErrors(criteria, scores) {
  const maxima = new Map(criteria.map((c) => [String(c.code), Number(c.max_points)]));
  const seen = new Set();
  /** @type {Record<string, string>} */
  const problems = {};
  scores.forEach((score, index) => {
    const code = String(score.code);
    const points = Number(score.points);
    if (!maxima.has(code)) problems[index] = "unknown";
    else if (seen.has(code)) problems[index] = "twice";
    else if (points < 0) problems[index] = "negative";
    else if (cents(points) === null) problems[index] = "precision";
    else if (points > /** @type {number} */ (maxima.get(code))) problems[index] = "above_max";
    seen.add(code);
  });
  return { problems, missing: [...maxima.keys()].filter((code) => !seen.has(code)) };
}

/** What a set's criteria are worth in all. @param {{max_points: number}[]} criteria */
export function maxScore(criteria) {
  return total(criteria.map((c) => Number(c.max_points)));
}
