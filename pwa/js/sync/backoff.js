// Capped, jittered exponential backoff for failed syncs.

// First retry after up to 5 s; doubling per failure up to 5 minutes. On 2G a retry storm costs
// battery and bytes; waiting longer than 5 minutes makes the "sync now" button the only hope.
export const BASE_MS = 5000;
export const CAP_MS = 5 * 60 * 1000;

/**
 * Delay before the next attempt after `failures` consecutive failures ("full jitter": a random
 * point in [half, all] of the exponential step, so phones that lost the network together
 * do not come back together).
 * @param {number} failures  1 after the first failure
 * @param {() => number} [random]
 */
export function backoffDelay(failures, random = Math.random) {
  if (failures <= 0) return 0;
  const step = Math.min(CAP_MS, BASE_MS * 2 ** Math.min(failures - 1, 20));
  return Math.round(step / 2 + (random() * step) / 2);
}
