import assert from "node:assert/strict";
import test from "node:test";

import { filterGroups, optionCount, unitGroups } from "../../pwa/js/lib/unit-groups.js";

const LABELS = { old: "(cũ)", other: "Khác" };
const UNITS = [
  { id: 1, name: "Tỉnh Nghệ An", parent_id: null, path: "/1/" },
  { id: 2, name: "Thị xã Thái Hòa", parent_id: 1, path: "/1/2/", valid_to: "2025-06-30" },
  { id: 3, name: "Huyện Nghĩa Đàn", parent_id: 1, path: "/1/3/", valid_to: "2025-06-30" },
  { id: 10, name: "Xã Đông Hiếu", parent_id: 2, path: "/1/2/10/", valid_to: "2025-06-30", aliases: [] },
  { id: 11, name: "Xã Đông Hiếu", parent_id: 1, path: "/1/11/" },
  { id: 12, name: "Xã Nghĩa Thuận", parent_id: 2, path: "/1/2/12/", valid_to: "2025-06-30" },
  { id: 13, name: "Phường Thái Hòa", parent_id: 1, path: "/1/13/", aliases: ["Phường Hòa Hiếu"] },
  { id: 14, name: "Xã Anh Sơn", parent_id: 1, path: "/1/14/" },
  { id: 15, name: "Xã Nghĩa Lộc", parent_id: 3, path: "/1/3/15/", valid_to: "2025-06-30" },
  { id: 20, name: "Xã Lạ", parent_id: 99, path: "/99/20/" },
];
const COMMUNES = UNITS.filter((u) => u.name.startsWith("Xã") || u.name.startsWith("Phường"));

test("communes group under their parent; current groups first, ended parents marked (cũ)", () => {
  const groups = unitGroups(COMMUNES, UNITS, LABELS);
  assert.deepEqual(groups.map((g) => g.label), ["Tỉnh Nghệ An", "Khác", "Thị xã Thái Hòa (cũ)", "Huyện Nghĩa Đàn (cũ)"]);
  assert.deepEqual(groups[0].options.map((o) => o.label), [
    "Phường Thái Hòa", "Xã Anh Sơn", "Xã Đông Hiếu — Tỉnh Nghệ An",
  ]);
  assert.deepEqual(groups[2].options.map((o) => o.label), ["Xã Đông Hiếu (cũ) — Thị xã Thái Hòa", "Xã Nghĩa Thuận (cũ)"]);
  assert.equal(optionCount(groups), COMMUNES.length);
});

test("ended units come after the current ones inside a group", () => {
  const units = [
    { id: 1, name: "Tỉnh", parent_id: null, path: "/1/" },
    { id: 2, name: "Xã A cũ", parent_id: 1, path: "/1/2/", valid_to: "2025-06-30" },
    { id: 3, name: "Xã B", parent_id: 1, path: "/1/3/" },
  ];
  const [group] = unitGroups(units.slice(1), units, LABELS);
  assert.deepEqual(group.options.map((o) => [o.id, o.old]), [[3, false], [2, true]]);
});

test("the filter folds diacritics and matches the name, old names and the parent", () => {
  const groups = unitGroups(COMMUNES, UNITS, LABELS);
  const ids = (q, keep) => filterGroups(groups, q, keep).flatMap((g) => g.options.map((o) => o.id));
  assert.deepEqual(ids("dong hieu").sort(), [10, 11]);
  assert.deepEqual(ids("phuong hoa hieu"), [13]);
  assert.deepEqual(ids("hoa hieu").sort(), [10, 13]);
  assert.deepEqual(ids("nghia dan"), [15]);
  assert.deepEqual(ids("thai hoa").sort(), [10, 12, 13]);
  assert.deepEqual(ids("zzz"), []);
  assert.deepEqual(ids("zzz", 14), [14]);
  assert.equal(filterGroups(groups, "  "), groups);
});

test("139 communes of one province stay one group, in Vietnamese order", () => {
  const province = { id: 1, name: "Tỉnh Nghệ An", parent_id: null, path: "/1/" };
  const communes = Array.from({ length: 139 }, (_, i) => ({ id: 100 + i, name: `Xã ${String(i).padStart(3, "0")}`, parent_id: 1, path: `/1/${100 + i}/` }));
  const groups = unitGroups(communes, [province, ...communes], LABELS);
  assert.equal(groups.length, 1);
  assert.equal(optionCount(groups), 139);
  assert.equal(optionCount(filterGroups(groups, "xa 01")), 10);
});

test("a flat list names the parent beside same-named units and marks ended ones", async () => {
  const { unitLabels } = await import("../../pwa/js/lib/unit-groups.js");
  const labels = unitLabels(COMMUNES, UNITS, "(cũ)");
  assert.equal(labels.get(10), "Xã Đông Hiếu (cũ) — Thị xã Thái Hòa");
  assert.equal(labels.get(11), "Xã Đông Hiếu — Tỉnh Nghệ An");
  assert.equal(labels.get(12), "Xã Nghĩa Thuận (cũ)");
  assert.equal(labels.get(14), "Xã Anh Sơn");
});
