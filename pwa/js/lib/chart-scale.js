// Scales of the dashboard's bar charts, as pure arithmetic: a round axis maximum, its ticks,
// and stacked segments. ui/charts.js draws them.

/** The smallest "round" number (1, 2, 2.5, 5 × 10^k, whole) at or above max; at least 1. */
export function niceMax(max) {
  const value = Number(max) || 0;
  if (value <= 1) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) {
    const candidate = step * power;
    if (candidate >= value && Number.isInteger(candidate)) return candidate;
  }
  return 10 * power;
}

/** Tick values from 0 to niceMax(max) in equal whole steps, about `count` of them. */
export function ticks(max, count = 4) {
  const top = niceMax(max);
  const parts = [count, count + 1, count - 1, count - 2].find((n) => n >= 1 && n <= top && top % n === 0) || 1;
  const step = top / parts;
  return Array.from({ length: parts + 1 }, (_, i) => i * step);
}

/** Length of a value on an axis of `length` units whose end is `top`. */
export function scale(value, top, length) {
  if (!top || !value || value < 0) return 0;
  return (Math.min(value, top) / top) * length;
}

/**
 * Segments of one stacked bar: each key's value with where it starts and ends (in value units),
 * zeros dropped; and the bar's total.
 * @param {Record<string, number>} values
 * @param {string[]} keys in drawing order
 */
export function stack(values, keys) {
  let start = 0;
  const segments = [];
  for (const key of keys) {
    const value = Number(values[key]) || 0;
    if (value <= 0) continue;
    segments.push({ key, value, start, end: start + value });
    start += value;
  }
  return { segments, total: start };
}
