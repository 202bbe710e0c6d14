// Golden fixtures: the sync engineer's sync/fixtures/*.json when present, else ours.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
export const SHARED_DIR = join(here, "..", "..", "sync", "fixtures");

/** @param {string} name file name in tests/js/fixtures */
export function ownFixture(name) {
  return JSON.parse(readFileSync(join(here, "fixtures", name), "utf8"));
}

/** Every JSON file in sync/fixtures/, parsed, with its file name. */
export function sharedFixtures() {
  if (!existsSync(SHARED_DIR)) return [];
  return readdirSync(SHARED_DIR)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f) => ({ file: f, data: JSON.parse(readFileSync(join(SHARED_DIR, f), "utf8")) }));
}
