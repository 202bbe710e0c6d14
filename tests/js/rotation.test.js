import assert from "node:assert/strict";
import test from "node:test";

import { ROTATE_AFTER_MS, rotationDue } from "../../pwa/js/sync/protocol.js";

const DAY = 24 * 3600 * 1000;
const now = Date.parse("2026-12-01T00:00:00Z");
const fresh = { token: "t", signedInAt: now - DAY, device: { expires_at: "2027-05-01T00:00:00Z" } };

test("rotationDue: a young token far from expiry is kept", () => {
  assert.equal(rotationDue(fresh, now), false);
});

test("rotationDue: a token older than the threshold is rotated (§2)", () => {
  assert.equal(rotationDue({ ...fresh, signedInAt: now - ROTATE_AFTER_MS }, now), true);
});

test("rotationDue: the last rotation counts, not the sign-in", () => {
  assert.equal(rotationDue({ ...fresh, signedInAt: now - 90 * DAY, tokenAt: now - DAY }, now), false);
});

test("rotationDue: a token near its expiry is rotated", () => {
  assert.equal(rotationDue({ ...fresh, device: { expires_at: "2026-12-10T00:00:00Z" } }, now), true);
});

test("rotationDue: no token, nothing to rotate; a zero threshold always rotates", () => {
  assert.equal(rotationDue({ ...fresh, token: null }, now, 0), false);
  assert.equal(rotationDue(null, now), false);
  assert.equal(rotationDue(fresh, now, 0), true);
});
