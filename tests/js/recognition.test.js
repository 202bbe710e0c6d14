import assert from "node:assert/strict";
import test from "node:test";

import { byModel, daysOverdue, highestRecognition, isOverdue } from "../../pwa/js/lib/recognition.js";

const rec = (stage, level, decision_date, extra = {}) => ({ stage, level, decision_date, subject_model_id: "m1", ...extra });

test("the highest recognition is the furthest stage, then the highest level, then the latest", () => {
  const provincial = rec("KHEN", "TINH", "2020-08-20");
  const national = rec("KHEN", "TOAN_QUOC", "2020-10-30");
  const proposed = rec("DE_NGHI_KHEN", "TOAN_QUOC", "2021-01-01");
  assert.equal(highestRecognition([provincial, proposed, national]), national);
  assert.equal(highestRecognition([rec("CONG_NHAN", "XA", "2022-01-01"), rec("CONG_NHAN", "XA", "2022-05-01")]).decision_date, "2022-05-01");
  assert.equal(highestRecognition([]), null);
  assert.equal(highestRecognition([{ ...national, deleted: true }]), null);
});

test("recognitions group by model, deleted ones left out", () => {
  const grouped = byModel([rec("KHEN", "XA", "2024-01-01"), rec("CONG_NHAN", "XA", "2024-01-01", { subject_model_id: "m2" }), rec("KHEN", "TINH", "2024-01-01", { deleted: true })]);
  assert.deepEqual([...grouped.keys()], ["m1", "m2"]);
  assert.equal(grouped.get("m1").length, 1);
});

test("a follow-up is overdue the day after it was due, unless done or cancelled", () => {
  const due = { follow_up_due: "2024-06-01", follow_up_done: false, review_status: "NHAP" };
  assert.equal(isOverdue(due, "2024-06-01"), false);
  assert.equal(isOverdue(due, "2024-06-02"), true);
  assert.equal(isOverdue({ ...due, follow_up_done: true }, "2024-07-01"), false);
  assert.equal(isOverdue({ ...due, review_status: "HUY" }, "2024-07-01"), false);
  assert.equal(isOverdue({ follow_up_due: null }, "2024-07-01"), false);
  assert.equal(daysOverdue("2024-05-01", "2024-07-01"), 61);
});
