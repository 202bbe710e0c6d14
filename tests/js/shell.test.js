// The app shell is complete and safe: the service worker precaches the first-load shell, caches
// every other file of the app right after (the staff screens after a staff sign-in), index.html
// preloads exactly the shell's modules and the shell imports nothing else statically, versions
// agree, no HTML is built from strings, CSP-safe markup.
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync, existsSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import test from "node:test";
import { fileURLToPath } from "node:url";

import { LABEL_KEYS, LABELS } from "../../pwa/js/i18n/labels.js";
import "../../pwa/js/i18n/staff-labels.js";
import "../../pwa/js/i18n/admin-labels.js";
import "../../pwa/js/i18n/labels-en.js";
import { APP_VERSION } from "../../pwa/js/sync/protocol.js";

const PWA = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "pwa");

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}
const files = walk(PWA).map((p) => `/${relative(PWA, p).split("\\").join("/")}`);
const read = (url) => readFileSync(join(PWA, url), "utf8");
const sw = read("/sw.js");
const html = read("/index.html");
const scripts = files.filter((f) => f.endsWith(".js") && f !== "/sw.js");
const swList = (name) => JSON.parse(sw.slice(sw.indexOf(`const ${name} = [`) + name.length + 9, sw.indexOf("];", sw.indexOf(`const ${name}`)) + 1).replace(/,\s*]/, "]"));
const SHELL = swList("SHELL");
const LATER = swList("LATER");
const STAFF = swList("STAFF");

test("the service worker caches every file: the shell at install, the rest after, staff on request", () => {
  const installOnly = files.filter((f) => f.endsWith(".png"));
  const expected = files.filter((f) => f !== "/sw.js" && !installOnly.includes(f))
    .map((f) => (f === "/index.html" ? "/" : f)).sort();
  assert.deepEqual([...SHELL, ...LATER, ...STAFF].sort(), expected);
  assert.equal(new Set([...SHELL, ...LATER, ...STAFF]).size, expected.length, "a file in two lists");
});

test("index.html preloads exactly the shell's modules", () => {
  const preloaded = [...html.matchAll(/rel="modulepreload" href="([^"]+)"/g)].map((m) => m[1]).sort();
  assert.deepEqual(preloaded, SHELL.filter((f) => f.startsWith("/js/")).sort());
});

/** The files a module imports statically (`from "./x.js"`, `import "./x.js"`, `export … from`). */
function staticImports(f) {
  return [...read(f).matchAll(/from "(\.[^"]+)"|^import "(\.[^"]+)"/gm)]
    .map((m) => `/${relative(PWA, resolve(dirname(join(PWA, f)), m[1] || m[2])).split("\\").join("/")}`);
}

test("the shell imports only shell modules statically; the rest loads with import()", () => {
  for (const f of SHELL.filter((s) => s.endsWith(".js"))) {
    for (const target of staticImports(f)) assert.ok(SHELL.includes(target), `${f} must load ${target} with import()`);
  }
});

test("no officer's module imports a staff module statically", () => {
  for (const f of [...SHELL, ...LATER].filter((s) => s.endsWith(".js"))) {
    for (const target of staticImports(f)) assert.ok(!STAFF.includes(target), `${f} must load ${target} with import()`);
  }
});

test("the service worker's version is the app's version", () => {
  assert.match(sw, new RegExp(`const VERSION = "${APP_VERSION.replace(/\./g, "\\.")}";`));
});

test("no HTML is built from strings anywhere in the app", () => {
  for (const f of [...scripts, "/sw.js"]) {
    const text = read(f);
    assert.doesNotMatch(text, /innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function/, f);
    // The browser's dialogs, not a method of that name (the install offer's prompt()).
    assert.doesNotMatch(text, /(?<!\.)\b(alert|confirm|prompt)\(|window\.(alert|confirm|prompt)\(/,
      `${f} must use the dialogs of ui/dom.js`);
  }
});

test("index.html has no inline script or style (strict CSP)", () => {
  assert.doesNotMatch(html, /<style|style="/);
  for (const m of html.matchAll(/<script([^>]*)>/g)) assert.match(m[1], /src="/);
  assert.doesNotMatch(html, /\son[a-z]+="/);
});

test("every relative import resolves to a file of the shell", () => {
  for (const f of scripts) {
    for (const m of read(f).matchAll(/from "(\.[^"]+)"/g)) {
      const target = resolve(dirname(join(PWA, f)), m[1]);
      assert.ok(existsSync(target), `${f} imports missing ${m[1]}`);
    }
  }
});

test("every label has its English form in labels-en.js", () => {
  const missing = LABEL_KEYS.filter((key) => !LABELS[key][1]);
  assert.deepEqual(missing, []);
});

test("every label the code asks for exists in Vietnamese and English", () => {
  const keys = new Set(LABEL_KEYS);
  const missing = [];
  for (const f of scripts) {
    for (const m of read(f).matchAll(/\bt\("([a-z_A-Z]+)"/g)) if (!keys.has(m[1])) missing.push(`${f}: ${m[1]}`);
  }
  for (const m of html.matchAll(/data-label="([a-z_]+)"/g)) if (!keys.has(m[1])) missing.push(`index.html: ${m[1]}`);
  assert.deepEqual(missing, []);
});

test("every field of the wire shapes has a label", async () => {
  const { WIRE_FIELDS } = await import("../../pwa/js/lib/record-rules.js");
  const keys = new Set(LABEL_KEYS);
  const skip = new Set(["id", "owner_unit_id", "geo_lat", "geo_lon", "geo_accuracy", "replicated_from_id", "co_organizer_ids", "linked_model_ids"]);
  const missing = [...WIRE_FIELDS.models, ...WIRE_FIELDS.meetings].filter((f) => !skip.has(f) && !keys.has(`f_${f}`));
  assert.deepEqual(missing, []);
});

test("the manifest names its icons and they exist", () => {
  const manifest = JSON.parse(read("/manifest.webmanifest"));
  assert.equal(manifest.display, "standalone");
  for (const icon of manifest.icons) assert.ok(files.includes(icon.src), icon.src);
  assert.ok(manifest.icons.some((i) => i.sizes === "512x512" && i.purpose === "maskable"));
});
