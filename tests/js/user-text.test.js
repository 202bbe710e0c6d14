// Text typed or pasted into a form is cleaned the way the server's input rule needs it.
import assert from "node:assert/strict";
import test from "node:test";

import { cleanText } from "../../pwa/js/ui/dom.js";

test("control and direction characters are dropped", () => {
  assert.equal(cleanText("Mô hình\u0007 chuông", false), "Mô hình chuông");
  assert.equal(cleanText("cod.exe\u202efdp", false), "cod.exefdp");
  assert.equal(cleanText("\u2067Bản\u2069 \u202aHuồi\u202c", true), "Bản Huồi");
  assert.equal(cleanText("Trưởng\u0085bản\u007f\u001b", true), "Trưởngbản");
});

test("a one-line field turns tabs and line breaks into one space", () => {
  assert.equal(cleanText("Bản\tHuồi\r\nPủng\u000bxã", false), "Bản Huồi Pủng xã");
});

test("multi-line text keeps tabs and line breaks; Word's line break becomes one", () => {
  assert.equal(cleanText("Dòng 1\r\nDòng 2\n\tthụt\u000bDòng 3\u000c", true), "Dòng 1\r\nDòng 2\n\tthụt\nDòng 3\n");
});

test("marks that reorder nothing are kept", () => {
  assert.equal(cleanText("a\u200eb\u200fc", false), "a\u200eb\u200fc");
});
