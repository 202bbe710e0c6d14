import assert from "node:assert/strict";
import test from "node:test";

import {
  attendanceTotal, copiedAttendees, parseAttendeeLines, presentCount, reusableMeetings, withoutDoubles,
} from "../../pwa/js/lib/attendee-list.js";

test("a pasted line 'Name – position – organisation' takes en dashes, spaced hyphens, tabs, commas", () => {
  const { people, bad } = parseAttendeeLines([
    "Nguyễn Văn An – Bí thư Đảng ủy – Xã Nậm Cắn",
    "Lò Thị Bình - Chủ tịch Hội Phụ nữ - Xã Mường Xén",
    "Vi Văn Sơn\tTrưởng bản\tBản Huồi Pủng",
    "Hà Thị Dung, Đoàn viên, Chi đoàn bản Xốp Mạt",
    "Trần Văn Em",
  ].join("\n"));
  assert.deepEqual(bad, []);
  assert.deepEqual(people, [
    { full_name: "Nguyễn Văn An", position: "Bí thư Đảng ủy", org_name: "Xã Nậm Cắn" },
    { full_name: "Lò Thị Bình", position: "Chủ tịch Hội Phụ nữ", org_name: "Xã Mường Xén" },
    { full_name: "Vi Văn Sơn", position: "Trưởng bản", org_name: "Bản Huồi Pủng" },
    { full_name: "Hà Thị Dung", position: "Đoàn viên", org_name: "Chi đoàn bản Xốp Mạt" },
    { full_name: "Trần Văn Em" },
  ]);
});

test("blank lines are skipped, bullets and numbers dropped, spaces squeezed", () => {
  const { people, bad } = parseAttendeeLines("\n  1. Nguyễn   Văn An – Bí thư\r\n\n• Lò Thị Bình\n2) Vi Văn Sơn\n   \n");
  assert.deepEqual(bad, []);
  assert.deepEqual(people.map((p) => p.full_name), ["Nguyễn Văn An", "Lò Thị Bình", "Vi Văn Sơn"]);
  assert.equal(people[0].position, "Bí thư");
});

test("a dash inside the organisation stays there; the first separator kind wins", () => {
  const { people } = parseAttendeeLines([
    "Nguyễn Văn An – Trưởng ban – Ban Văn hóa - Xã hội",
    "Lò Thị Bình – Phó Chủ tịch, phụ trách văn hóa – UBND xã",
    "Vi Văn Sơn\tBí thư, Chủ tịch\tXã Nậm Cắn – Nghệ An",
  ].join("\n"));
  assert.equal(people[0].org_name, "Ban Văn hóa - Xã hội");
  assert.equal(people[1].position, "Phó Chủ tịch, phụ trách văn hóa");
  assert.deepEqual(people[2], { full_name: "Vi Văn Sơn", position: "Bí thư, Chủ tịch", org_name: "Xã Nậm Cắn – Nghệ An" });
});

test("lines that cannot be read are reported with their number, not dropped", () => {
  const { people, bad } = parseAttendeeLines(`Nguyễn Văn An\n– Bí thư – Xã Nậm Cắn\n12345\n${"Ă".repeat(256)}\nLò Thị Bình`);
  assert.deepEqual(people.map((p) => p.full_name), ["Nguyễn Văn An", "Lò Thị Bình"]);
  assert.deepEqual(bad.map((b) => [b.line, b.reason]), [[2, "no_name"], [3, "no_name"], [4, "too_long"]]);
  assert.equal(bad[0].text, "– Bí thư – Xã Nậm Cắn");
});

test("an empty paste gives nobody and no errors", () => {
  assert.deepEqual(parseAttendeeLines(" \n\n"), { people: [], bad: [] });
  assert.deepEqual(parseAttendeeLines(undefined), { people: [], bad: [] });
});

test("doubles are found by folded name, against the list and inside the paste", () => {
  const existing = [{ full_name: "Nguyễn Văn An" }, { role: "DAI_BIEU" }];
  const { added, doubles } = withoutDoubles(existing, [
    { full_name: "NGUYEN VAN  AN" }, { full_name: "Lò Thị Bình" }, { full_name: "lo thi binh" }, {},
  ]);
  assert.deepEqual(added, [{ full_name: "Lò Thị Bình" }, {}]);
  assert.equal(doubles, 2);
});

test("copied attendees are present, keep their roles, and a second chair becomes a delegate", () => {
  const source = [
    { full_name: "Vi Văn Sơn", role: "CHU_TRI", position: "Bí thư", attendance: "VANG", absent_reason: "Ốm" },
    { full_name: "Lò Thị Bình", role: "THU_KY", phone: "0912" },
    { role: "NGUOI_DAN" },
  ];
  assert.deepEqual(copiedAttendees(source, []), [
    { full_name: "Vi Văn Sơn", position: "Bí thư", role: "CHU_TRI", attendance: "CO_MAT" },
    { full_name: "Lò Thị Bình", phone: "0912", role: "THU_KY", attendance: "CO_MAT" },
  ]);
  assert.equal(copiedAttendees(source, [{ full_name: "A", role: "DONG_CHU_TRI" }])[0].role, "DAI_BIEU");
});

test("reusable meetings: not this one, not deleted, with a named attendee, order kept", () => {
  const list = [
    { id: "c", attendees: [{ full_name: "A" }] },
    { id: "b", attendees: [{ role: "DAI_BIEU" }] },
    { id: "a", attendees: [{ full_name: "B" }] },
    { id: "d", deleted: true, attendees: [{ full_name: "C" }] },
  ];
  assert.deepEqual(reusableMeetings(list, "a").map((m) => m.id), ["c"]);
  assert.deepEqual(reusableMeetings(list).map((m) => m.id), ["c", "a"]);
});

test("the attendance counts listed people present plus the unnamed", () => {
  const people = [{ attendance: "CO_MAT" }, {}, { attendance: "VANG" }, { attendance: "VANG_CO_LY_DO" }];
  assert.equal(presentCount(people), 2);
  assert.equal(attendanceTotal(people, 40), 42);
  assert.equal(attendanceTotal(people, null), 2);
  assert.equal(attendanceTotal([], -3), 0);
});
