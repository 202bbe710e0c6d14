import assert from "node:assert/strict";
import test from "node:test";

import { setLang } from "../../pwa/js/i18n/labels.js";
import { plausibleErrors, todayInVietnam, validateRecord } from "../../pwa/js/lib/record-rules.js";
import { ownFixture } from "./fixtures.js";

// The same cases as tests/test_plausible.py: the phone refuses what the server refuses, in its words.
setLang("vi");
const bases = ownFixture("record-cases.json");
const cases = ownFixture("plausible-cases.json");
const today = todayInVietnam();
const year = Number(today.slice(0, 4));
const plusDays = (n) => new Date(Date.parse(`${today}T00:00:00Z`) + n * 86400e3).toISOString().slice(0, 10);
const dmy = (day) => day.split("-").reverse().join("/");

function value(v) {
  if (v && typeof v === "object" && "$years" in v) return year + v.$years;
  if (v && typeof v === "object" && "$days" in v) return plusDays(v.$days) + (v.time ? `T${v.time}` : "");
  return v;
}

function apply(body, change) {
  for (const [key, v] of Object.entries(change || {})) {
    if (v === null) delete body[key];
    else body[key] = value(v);
  }
  return body;
}

const message = (text) => text
  .replace(/\{year([+-]\d+)\}/g, (_, n) => String(year + Number(n)))
  .replace(/\{day([+-]\d+)\}/g, (_, n) => dmy(plusDays(Number(n))));

for (const table of ["models", "meetings"]) {
  const base = table === "models" ? bases.model_base : bases.meeting_base;
  for (const c of cases[table]) {
    test(`plausible ${table}: ${c.name}`, () => {
      const record = apply(apply({ ...base }, c.stored), c.change);
      const options = { touched: c.touched || null };
      const found = plausibleErrors(table, record, options);
      assert.deepEqual(Object.fromEntries(Object.entries(found).map(([k, e]) => [k, e.code])), c.codes);
      const errors = validateRecord(table, record, options);
      assert.deepEqual(Object.keys(errors).sort(), Object.keys(c.codes).sort());
      for (const [key, text] of Object.entries(c.message || {})) assert.equal(errors[key], message(text));
    });
  }
}

test("relative bounds are taken when checking, not when generated", () => {
  const record = apply({ ...bases.model_base }, { subject_type: "CA_NHAN", person_name: "A", person_birth_year: 2011 });
  assert.deepEqual(plausibleErrors("models", record, { today: "2026-06-01" }), {});
  assert.equal(plausibleErrors("models", record, { today: "2025-06-01" }).person_birth_year.params.max, "2010");
});
