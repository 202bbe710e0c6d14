// The reviewer's queue, waiting times, who may decide, and what a history event changed.
import assert from "node:assert/strict";
import test from "node:test";

import { ageBucket, ageCounts, decision, diffEvent, queue, recordUnitId, submittedAt, waitingDays, within } from "../../pwa/js/lib/review-rules.js";

const NOW = Date.parse("2025-09-30T12:00:00Z");
const daysAgo = (n) => new Date(NOW - n * 86400000).toISOString();
const PROVINCE = { id: 40, path: "/1/40/" };
const OFFICE = { id: 45, path: "/1/40/45/" };
const COMMUNE = { id: 170, path: "/1/40/45/170/" };
const OTHER = { id: 171, path: "/1/40/171/" };
const UNITS = new Map([PROVINCE, OFFICE, COMMUNE, OTHER].map((u) => [u.id, u]));
const reviewer = { id: 9, roles: ["LANH_DAO_DUYET"], unit: PROVINCE };

function model(id, extra = {}) {
  return { table: "models", rec: { id, review_status: "CHO_DUYET", created_by_id: 2, field: "KINH_TE", commune_unit_id: 170, owner_unit_id: 170, submitted_at: daysAgo(1), ...extra } };
}
function meeting(id, extra = {}) {
  return { table: "meetings", rec: { id, review_status: "CHO_DUYET", created_by_id: 2, type: "TOA_DAM", organizer_unit_id: 171, owner_unit_id: 171, submitted_at: daysAgo(3), ...extra } };
}

test("waiting time counts from submitted_at, else from updated_at", () => {
  assert.equal(submittedAt({ submitted_at: "a", updated_at: "b" }), "a");
  assert.equal(submittedAt({ submitted_at: null, updated_at: "b" }), "b");
  assert.equal(waitingDays({ updated_at: daysAgo(10) }, NOW), 10);
  assert.equal(waitingDays({}, NOW), null);
  assert.equal(waitingDays({ submitted_at: new Date(NOW + 5000).toISOString() }, NOW), 0);
});

test("age buckets match the dashboard's: under 7 days, 7 to 30, over 30", () => {
  assert.deepEqual([0, 6.99, 7, 30, 30.01, 400, null].map(ageBucket), ["lt_7", "lt_7", "d7_30", "d7_30", "gt_30", "gt_30", "lt_7"]);
});

test("a model is about its commune, a meeting about its organizer", () => {
  assert.equal(recordUnitId("models", { commune_unit_id: 5, owner_unit_id: 6 }), 5);
  assert.equal(recordUnitId("meetings", { organizer_unit_id: 7, owner_unit_id: 6 }), 7);
  assert.equal(recordUnitId("meetings", { owner_unit_id: 6 }), 6);
  assert.ok(within(COMMUNE, OFFICE) && within(COMMUNE, PROVINCE) && !within(OTHER, OFFICE) && within(OFFICE, OFFICE));
});

test("the queue holds submitted records only, the longest waiting first", () => {
  const items = queue([
    model("new"), model("old", { submitted_at: daysAgo(40) }), meeting("mid"),
    model("draft", { review_status: "NHAP" }), model("gone", { deleted: true }), model("ok", { review_status: "DA_DUYET" }),
  ], {}, { user: reviewer, now: NOW });
  assert.deepEqual(items.map((i) => i.rec.id), ["old", "mid", "new"]);
  assert.deepEqual(ageCounts(items), { lt_7: 2, d7_30: 0, gt_30: 1 });
});

test("the queue filters by table, field, type, age and unit subtree", () => {
  const all = [model("a"), model("b", { field: "QP_AN", submitted_at: daysAgo(12) }), meeting("c"), meeting("d", { type: "SO_KET", organizer_unit_id: 170 })];
  const ids = (filters) => queue(all, filters, { user: reviewer, unitOf: (id) => UNITS.get(id), now: NOW }).map((i) => i.rec.id).sort();
  assert.deepEqual(ids({ table: "meetings" }), ["c", "d"]);
  assert.deepEqual(ids({ field: "QP_AN" }), ["b"]);
  assert.deepEqual(ids({ type: "SO_KET" }), ["d"]);
  assert.deepEqual(ids({ age: "d7_30" }), ["b"]);
  assert.deepEqual(ids({ unit: OFFICE }), ["a", "b", "d"]);
  assert.deepEqual(ids({ unit: OTHER }), ["c"]);
});

test("nobody decides on their own record; approval waits for its level; a return does not", () => {
  const rec = model("x").rec;
  assert.deepEqual(decision(rec, reviewer), { own: false, edited: false, awaiting: null, turn: true, approve: true, return: true });
  assert.equal(decision({ ...rec, created_by_id: 9 }, reviewer).approve, false);
  assert.equal(decision({ ...rec, created_by_id: 9 }, reviewer).return, false);
  assert.equal(decision({ ...rec, created_by_id: null }, reviewer).own, true);
  const lower = decision({ ...rec, awaiting_unit_id: 45 }, reviewer);
  assert.equal(lower.approve, false);
  assert.equal(lower.return, true);
  assert.equal(decision({ ...rec, awaiting_unit_id: 40 }, reviewer).approve, true);
  const national = { ...reviewer, roles: ["QUAN_TRI"], unit: { id: 1, path: "/1/" } };
  assert.equal(decision({ ...rec, awaiting_unit_id: 45 }, national).approve, true);
  // An administrator of a province approves only at its own level, as the server decides.
  assert.equal(decision({ ...rec, awaiting_unit_id: 45 }, { ...reviewer, roles: ["QUAN_TRI"] }).approve, false);
  assert.equal(decision({ ...rec, review_status: "TRA_LAI" }, reviewer).approve, false);
  assert.equal(decision(rec, { ...reviewer, roles: ["XEM"] }).return, false);
  const mine = queue([model("a"), model("b", { awaiting_unit_id: 45 }), model("c", { created_by_id: 9 })], { mine: true }, { user: reviewer, now: NOW });
  assert.deepEqual(mine.map((i) => i.rec.id), ["a"]);
});

test("a history event's changes: before → after, unchanged fields left out", () => {
  assert.deepEqual(diffEvent({ action: "update", before: { name: "A", locality: "X" }, after: { name: "B", locality: "X" } }),
    [{ field: "name", before: "A", after: "B" }]);
  assert.deepEqual(diffEvent({ action: "create", before: null, after: { name: "A", metrics: [] } }),
    [{ field: "name", before: null, after: "A" }, { field: "metrics", before: null, after: [] }]);
  assert.deepEqual(diffEvent({ action: "submit", before: { review_status: "NHAP" }, after: { review_status: "CHO_DUYET", awaiting_unit_id: null } }),
    [{ field: "review_status", before: "NHAP", after: "CHO_DUYET" }]);
  assert.deepEqual(diffEvent({ action: "update", before: { metrics: [{ value: 1 }] }, after: { metrics: [{ value: 2 }] } })[0].after, [{ value: 2 }]);
  assert.deepEqual(diffEvent({}), []);
});

test("a reviewer who edited the version since its submit may neither approve nor return it", () => {
  const rec = { ...model("x").rec, submitted_at: "2026-11-01T08:00:00Z", updated_at: "2026-11-01T08:00:00Z" };
  const edited = { ...rec, updated_by_id: reviewer.id, updated_at: "2026-11-02T08:00:00Z" };
  const d = decision(edited, reviewer);
  assert.deepEqual([d.own, d.edited, d.approve, d.return], [true, true, false, false]);
  // Someone else's later edit does not hide this reviewer's: the history tells.
  const later = { ...edited, updated_by_id: 77 };
  assert.equal(decision(later, reviewer).approve, true);
  const events = [
    { id: 1, action: "create", user_id: 77 }, { id: 2, action: "submit", user_id: 77 },
    { id: 3, action: "update", user_id: reviewer.id }, { id: 4, action: "update", user_id: 77 },
  ];
  assert.equal(decision(later, reviewer, events).approve, false);
  // Writes before the submit are the author's draft, not this version.
  const before = [{ id: 1, action: "update", user_id: reviewer.id }, { id: 2, action: "submit", user_id: 77 }];
  assert.equal(decision(later, reviewer, before).approve, true);
});
