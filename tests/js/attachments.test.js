// Photos and documents without the DOM: the redrawn size, what is refused at capture, EXIF
// spotted, completeness counted from `attachments` and `files_received` (ATTACH.md §1, §3).
import assert from "node:assert/strict";
import test from "node:test";

import {
  completeness, fitWithin, hasExif, LONG_EDGE, MAX_FILE_BYTES, MAX_ORIGINAL_BYTES, placeOf, refusal, uploadPosition,
} from "../../pwa/js/lib/attachments.js";

test("a photo is brought to a 1600 px long edge, never enlarged", () => {
  assert.equal(LONG_EDGE, 1600);
  assert.deepEqual(fitWithin(4000, 3000), { width: 1600, height: 1200 });
  assert.deepEqual(fitWithin(3000, 4000), { width: 1200, height: 1600 });
  assert.deepEqual(fitWithin(800, 600), { width: 800, height: 600 });
  assert.deepEqual(fitWithin(9000, 3), { width: 1600, height: 1 });
});

test("capture refuses what is not a photo or a PDF, and what is too big, with a reason", () => {
  const jpeg = (size) => ({ type: "image/jpeg", size });
  assert.equal(refusal(jpeg(2_000_000), "photo"), null);
  assert.equal(refusal(jpeg(MAX_FILE_BYTES + 1), "photo"), null, "a big camera photo is shrunk, not refused");
  assert.equal(refusal(jpeg(MAX_ORIGINAL_BYTES + 1), "photo"), "file_too_large");
  assert.equal(refusal({ type: "application/pdf", size: 1000 }, "photo"), "file_not_image");
  assert.equal(refusal({ type: "application/pdf", size: 1000 }, "document"), null);
  assert.equal(refusal({ type: "application/pdf", size: MAX_FILE_BYTES + 1 }, "document"), "file_too_large");
  assert.equal(refusal({ type: "application/msword", size: 1000 }, "document"), "file_not_allowed");
  assert.equal(refusal({ type: "", size: 1000 }, "photo"), "file_not_image");
  assert.equal(refusal(jpeg(0), "photo"), "file_empty");
});

test("an EXIF block is found in a camera JPEG and not in a plain one", () => {
  const exif = Uint8Array.from([0xff, 0xd8, 0xff, 0xe1, 0x00, 0x08, 0x45, 0x78, 0x69, 0x66, 0, 0, 0xff, 0xda]);
  const jfif = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x07, 0x4a, 0x46, 0x49, 0x46, 0, 0xff, 0xda, 0, 0]);
  assert.equal(hasExif(exif), true);
  assert.equal(hasExif(jfif), false);
  assert.equal(hasExif(Uint8Array.from([0x89, 0x50, 0x4e, 0x47])), false);
});

test("completeness counts the declared files the server holds and names the missing", () => {
  const rec = { attachments: [{ sha256: "a" }, { sha256: "b" }, { sha256: "c" }], files_received: ["a", "c", "z"] };
  const count = completeness(rec);
  assert.equal(count.declared, 3);
  assert.equal(count.received, 2);
  assert.deepEqual([...count.missing], ["b"]);
  assert.equal(count.known, true);
  const local = completeness({ attachments: [{ sha256: "a" }] });
  assert.equal(local.received, 0);
  assert.equal(local.known, false);
  assert.equal(completeness({}).declared, 0);
});

test("a place reads as coordinates and whole metres; none without both coordinates", () => {
  assert.deepEqual(placeOf({ geo_lat: 21.0285123, geo_lon: 105.854221, geo_accuracy: 12.4 }), { coords: "21.02851, 105.85422", accuracy: 12 });
  assert.deepEqual(placeOf({ geo_lat: 21, geo_lon: 105, geo_accuracy: null }), { coords: "21.00000, 105.00000", accuracy: null });
  assert.equal(placeOf({ geo_lat: 21, geo_lon: null }), null);
  assert.equal(placeOf({}), null);
});

test("the overall upload line counts the file being sent", () => {
  assert.deepEqual(uploadPosition({ done: 2, total: 5 }), { current: 3, total: 5 });
  assert.deepEqual(uploadPosition({ done: 5, total: 5 }), { current: 5, total: 5 });
});
