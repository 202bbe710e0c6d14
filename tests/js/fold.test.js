import assert from "node:assert/strict";
import test from "node:test";

import { fold, matches, queryWords } from "../../pwa/js/lib/fold.js";

test("fold strips Vietnamese diacritics, đ and case", () => {
  assert.equal(fold("Dân vận khéo"), "dan van kheo");
  assert.equal(fold("ĐẢNG ỦY xã Nậm Cắn"), "dang uy xa nam can");
  assert.equal(fold("Tuyến phố   văn minh "), "tuyen pho van minh");
});

test("fold treats precomposed and decomposed text alike", () => {
  assert.equal(fold("Kh\u00e9o"), fold("Khe\u0301o"));
});

test("fold of nothing is empty", () => {
  assert.equal(fold(null), "");
  assert.equal(fold(undefined), "");
  assert.equal(fold(12), "12");
});

test("matches needs every word, in any order", () => {
  const hay = fold("Khéo trong vận động nhân dân thực hiện vệ sinh môi trường");
  assert.ok(matches(hay, queryWords("ve sinh moi truong")));
  assert.ok(matches(hay, queryWords("MÔI TRƯỜNG  khéo")));
  assert.ok(!matches(hay, queryWords("giao thong")));
  assert.deepEqual(queryWords("  "), []);
  assert.ok(matches(hay, []));
});
