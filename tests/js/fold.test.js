import assert from "node:assert/strict";
import test from "node:test";

import { fold, foldCached, matches, queryWords, rank, SEARCH_FIELDS, searchText, words } from "../../pwa/js/lib/fold.js";

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
  const hay = searchText("models", { name: "Khéo trong vận động nhân dân thực hiện vệ sinh môi trường" });
  assert.ok(matches(hay, queryWords("ve sinh moi truong")));
  assert.ok(matches(hay, queryWords("MÔI TRƯỜNG  khéo")));
  assert.ok(!matches(hay, queryWords("giao thong")));
  assert.deepEqual(queryWords("  "), []);
  assert.ok(matches(hay, []));
});

test("words drop punctuation; searchText pads them and reads attendees' names", () => {
  assert.deepEqual(words("Đồng bào (Mông)"), ["dong", "bao", "mong"]);
  assert.deepEqual(words("12-BB/ĐU"), ["12", "bb", "du"]);
  assert.deepEqual(words("  "), []);
  const text = searchText("meetings", {
    title: "Tọa đàm", minutes_no: "12-BB/ĐU",
    attendees: [{ full_name: "Lầu Thị Mỷ" }, { full_name: "Vi Văn Sơn" }],
  });
  assert.equal(text, " toa dam 12 bb du lau thi my vi van son ");
});

test("matches needs every word at a word's beginning", () => {
  const cattle = searchText("models", { name: "Nuôi bò của đồng bào Mông" });
  const bees = searchText("models", { name: "Chi hội nuôi ong" });
  assert.ok(!matches(cattle, queryWords("nuoi ong")), "ong inside Mông is no word beginning");
  assert.ok(matches(bees, queryWords("nuoi ong")));
  assert.ok(matches(cattle, queryWords("nuo mon")));
});

test("rank puts the whole phrase first, then its beginning, then whole words", () => {
  const q = queryWords("nuoi ong");
  assert.equal(rank(searchText("models", { name: "Hợp tác xã nuôi ong" }), q), 0);
  assert.equal(rank(searchText("models", { name: "Nuôi ong lấy mật" }), q), 0);
  assert.equal(rank(searchText("models", { name: "Nuôi ongmat" }), q), 1);
  assert.equal(rank(searchText("models", { name: "Ong mật và nuôi cá" }), q), 2);
  assert.equal(rank(searchText("models", { name: "Nuôi cá ong mật" }), queryWords("nuo ong")), 3);
});

test("searchText folds token by token exactly as folding each field whole", () => {
  const rec = {
    name: "  Mô hình “Dân vận khéo”\tnuôi-ong (Mông)  ĐƯỜNG\u00a0biên ", collective_name: "Chi hội Phụ nữ số 3,4",
    person_name: null, locality: "Bản Huồi Pủng\nxã Mường Lống", lead_org: undefined, objective: "Σ ΑΣ. e\u0301 \u0301x",
  };
  const whole = ` ${SEARCH_FIELDS.models.map((f) => rec[f]).flatMap(words).join(" ")} `;
  assert.equal(searchText("models", rec), whole);
  assert.equal(searchText("models", {}), "  ");
});

test("foldCached and fold's ASCII path fold as fold does", () => {
  for (const text of ["  Mô hình  “Dân vận khéo”\tsố 12 ", "ABC  def\n", "Đường \u0301 biên", "", "  ", "Σ ΑΣ", 42]) {
    assert.equal(foldCached(text), String(text).normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/[đĐ]/g, "d").toLowerCase().replace(/\s+/g, " ").trim());
    assert.equal(fold(text), foldCached(text));
  }
  assert.equal(foldCached(null), "");
});
