import assert from "node:assert/strict";
import test from "node:test";

import { LABELS, setLang } from "../../pwa/js/i18n/labels.js";
import "../../pwa/js/i18n/labels-en.js";
import { RECORD_SCHEMA } from "../../pwa/js/lib/record-schema.js";
import {
  parseNumber, toWire, validateMeeting, validateModel, validateRecord, WIRE_FIELDS, withDefaults,
} from "../../pwa/js/lib/record-rules.js";
import { availableSteps, canEdit } from "../../pwa/js/lib/record-rules.js";
import { ownFixture } from "./fixtures.js";

setLang("vi");
const cases = ownFixture("record-cases.json");

function payload(base, change) {
  const body = { ...base };
  for (const [key, value] of Object.entries(change)) {
    if (value === null) delete body[key];
    else body[key] = value;
  }
  return body;
}

for (const c of cases.models) {
  test(`model rule: ${c.name}`, () => {
    assert.deepEqual(Object.keys(validateModel(payload(cases.model_base, c.change))).sort(), c.errors);
    if (c.repeat_name) {
      const long = payload(cases.model_base, { name: "x".repeat(c.repeat_name) });
      assert.deepEqual(Object.keys(validateModel(long)), c.repeat_errors);
    }
  });
}

for (const c of cases.meetings) {
  test(`meeting rule: ${c.name}`, () => {
    assert.deepEqual(Object.keys(validateMeeting(payload(cases.meeting_base, c.change))).sort(), c.errors);
  });
}

test("messages are the Vietnamese ones the users know", () => {
  const errors = validateModel(payload(cases.model_base, { name: "", locality: "" }));
  assert.equal(errors.name, "Vui lòng nhập tên mô hình");
  assert.equal(errors.locality, "Trường bắt buộc (*)");
  const meeting = validateMeeting(payload(cases.meeting_base, { end_at: "2024-08-11T08:00" }));
  assert.equal(meeting.end_at, "Ngày kết thúc phải sau ngày bắt đầu");
});

test("toWire drops local-only keys and server-owned fields", () => {
  const wire = toWire("models", { ...cases.model_base, version: 3, review_status: "NHAP", _local: {} });
  assert.ok(!("version" in wire) && !("_local" in wire) && !("review_status" in wire));
  assert.ok(Object.keys(wire).every((k) => WIRE_FIELDS.models.includes(k)));
});

test("numbers typed the Vietnamese way", () => {
  assert.equal(parseNumber("1.554"), 1554);
  assert.equal(parseNumber("14,76"), 14.76);
  assert.equal(parseNumber("1.554,5"), 1554.5);
  assert.equal(parseNumber("14.76"), 14.76);
  assert.equal(parseNumber(""), null);
  assert.ok(Number.isNaN(parseNumber("abc")));
});

test("workflow buttons follow role, status and authorship", () => {
  const officer = { id: 1, roles: ["CAN_BO_NHAP"] };
  const reviewer = { id: 2, roles: ["LANH_DAO_DUYET"] };
  assert.deepEqual(availableSteps({ review_status: "NHAP", created_by_id: 1 }, officer), ["submit", "cancel"]);
  assert.deepEqual(availableSteps({ review_status: "CHO_DUYET", created_by_id: 1 }, officer), ["withdraw"]);
  assert.deepEqual(availableSteps({ review_status: "CHO_DUYET", created_by_id: 1 }, reviewer), ["approve", "return"]);
  assert.deepEqual(availableSteps({ review_status: "CHO_DUYET", created_by_id: 2 }, reviewer), []);
  assert.deepEqual(availableSteps({ review_status: "DA_DUYET", created_by_id: 1 }, reviewer), ["reopen"]);
  assert.ok(!canEdit({ review_status: "DA_DUYET" }, officer));
  assert.ok(canEdit({ review_status: "TRA_LAI" }, officer));
  assert.ok(!canEdit({ review_status: "NHAP" }, { roles: ["XEM"] }));
});

test("only the level whose turn it is may approve; any level may return", () => {
  const office = { id: 3, roles: ["LANH_DAO_DUYET"], unit: { id: 20 } };
  const province = { id: 4, roles: ["LANH_DAO_DUYET"], unit: { id: 10 } };
  const admin = { id: 5, roles: ["QUAN_TRI"], unit: { id: 1, path: "/1/" } };
  const provinceAdmin = { id: 6, roles: ["QUAN_TRI"], unit: { id: 10, path: "/1/10/" } };
  const waiting = { review_status: "CHO_DUYET", created_by_id: 1, awaiting_unit_id: 20 };
  assert.deepEqual(availableSteps(waiting, office), ["approve", "return"]);
  assert.deepEqual(availableSteps(waiting, province), ["return"]);
  assert.deepEqual(availableSteps(waiting, admin), ["withdraw", "approve", "return"]);
  // Only an administrator at the root approves at any level, as the server decides.
  assert.deepEqual(availableSteps(waiting, provinceAdmin), ["withdraw", "return"]);
});

test("a create carries the defaults the server would fill, so it needs no echo (§5.5)", () => {
  const meeting = { ...cases.meeting_base, attendees: [{ full_name: "A", role: "CHU_TRI" }] };
  const filled = withDefaults("meetings", meeting);
  assert.deepEqual(filled.co_organizer_ids, []);
  assert.deepEqual(filled.linked_model_ids, []);
  assert.equal(filled.count_is_approx, false);
  assert.equal(filled.attendees[0].attendance, "CO_MAT");
  assert.equal(meeting.attendees[0].attendance, undefined);
  const kept = withDefaults("meetings", { ...meeting, count_is_approx: true, audience: ["DTTS"] });
  assert.equal(kept.count_is_approx, true);
  assert.deepEqual(kept.audience, ["DTTS"]);
  assert.deepEqual(withDefaults("models", cases.model_base).topic_tags, cases.model_base.topic_tags);
});

test("every published rule's message has a label in both languages", () => {
  const shapes = Object.values(RECORD_SCHEMA.$defs);
  const keys = shapes.flatMap((shape) => (shape["x-rules"] || []).map((rule) => rule.message_key));
  assert.ok(keys.length > 5);
  for (const key of keys) assert.equal(LABELS[key]?.length, 2, key);
});

test("recognitions: a commendation needs its number; stage, level and form must go together", () => {
  setLang("vi");
  const base = {
    id: "5b1f3c2e-8a4d-4f6b-9c1e-2d3f4a5b6c7d", owner_unit_id: 3, subject_model_id: "6c2f3c2e-8a4d-4f6b-9c1e-2d3f4a5b6c7d",
    stage: "KHEN", level: "TINH", form: "BANG_KHEN", issuer: "UBND tỉnh", decision_no: "12/QĐ-UBND", decision_date: "2024-05-01",
  };
  assert.deepEqual(validateRecord("recognitions", base), {});
  assert.deepEqual(Object.keys(validateRecord("recognitions", { ...base, decision_no: null })), ["decision_no"]);
  assert.deepEqual(Object.keys(validateRecord("recognitions", { ...base, level: "XA" })), ["form"]);
  assert.deepEqual(Object.keys(validateRecord("recognitions", { ...base, stage: "CONG_NHAN", level: "TOAN_QUOC", form: "KHAC" })), ["level"]);
});

test("inspections: the end may be the start's day, never before it", () => {
  const base = {
    id: "5b1f3c2e-8a4d-4f6b-9c1e-2d3f4a5b6c7d", owner_unit_id: 3, kind: "KIEM_TRA", conducting_unit_id: 3,
    subject: "Kiểm tra", date_from: "2024-05-02", date_to: "2024-05-02",
  };
  assert.deepEqual(validateRecord("inspections", base), {});
  const errors = validateRecord("inspections", { ...base, date_to: "2024-05-01" });
  assert.deepEqual(Object.keys(errors), ["date_to"]);
  assert.equal(errors.date_to, "Ngày kết thúc không được trước ngày bắt đầu");
});
