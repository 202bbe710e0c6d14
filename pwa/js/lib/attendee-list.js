// Attendees entered quickly: a pasted list read line by line, another meeting's people copied
// without doubles, and the attendance a meeting counts (named present plus unnamed).

import { fold } from "./fold.js";

/** The longest name, position or organisation the server takes (AttendeeIn). */
export const TEXT_MAX = 255;

// A list number or bullet at the start of a line: "1.", "2)", "-", "•", "+", "*".
const BULLET = /^\s*(?:\d{1,3}\s*[.)]|[-•*+·])\s+/u;
// Separators in the order tried: the first kind present splits the line; a tab beats a dash
// (a spreadsheet's columns), a dash beats a comma (a position often holds commas).
const SEPARATORS = [/\t+/g, /\s*[\u2013\u2014]\s*|\s+-\s+/g, /\s*,\s*/g];
const LETTER = /\p{L}/u;
const CHAIRS = new Set(["CHU_TRI", "DONG_CHU_TRI"]);

/**
 * @typedef {{full_name: string, position?: string, org_name?: string}} Person
 * @typedef {{line: number, text: string, reason: "no_name"|"too_long"}} BadLine
 */

/**
 * Read a pasted list, one person a line: "Name – position – organisation". Blank lines are
 * skipped; a line without a name, or with a part over 255 characters, is reported.
 * @param {string} text
 * @returns {{people: Person[], bad: BadLine[]}}
 */
export function parseAttendeeLines(text) {
  /** @type {Person[]} */
  const people = [];
  /** @type {BadLine[]} */
  const bad = [];
  String(text || "").split(/\r\n|\r|\n|\u2028|\u2029|\u000b|\u000c/).forEach((raw, i) => {
    const line = raw.replace(BULLET, "").trim();
    if (!line) return;
    const [name, position, org] = splitLine(line);
    if (!LETTER.test(name)) {
      bad.push({ line: i + 1, text: raw.trim(), reason: "no_name" });
      return;
    }
    if ([name, position, org].some((part) => part.length > TEXT_MAX)) {
      bad.push({ line: i + 1, text: raw.trim(), reason: "too_long" });
      return;
    }
    /** @type {Person} */
    const person = { full_name: squeeze(name) };
    if (position) person.position = squeeze(position);
    if (org) person.org_name = squeeze(org);
    people.push(person);
  });
  return { people, bad };
}

/**
 * Split a line in three at the first two separators of the first kind present; the rest stays
 * whole in the organisation ("Ban Văn hóa - Xã hội"). A leading separator leaves no name.
 * @param {string} line
 * @returns {[string, string, string]}
 */
function splitLine(line) {
  for (const pattern of SEPARATORS) {
    const found = [...line.matchAll(pattern)].slice(0, 2);
    if (!found.length) continue;
    const cuts = found.map((m) => [m.index || 0, (m.index || 0) + m[0].length]);
    const name = line.slice(0, cuts[0][0]);
    const position = line.slice(cuts[0][1], cuts[1] ? cuts[1][0] : undefined);
    const org = cuts[1] ? line.slice(cuts[1][1]) : "";
    return [name.trim(), position.trim(), org.trim()];
  }
  return [line, "", ""];
}

function squeeze(text) {
  return text.replace(/\s+/g, " ").trim();
}

/** The key two attendees share when they are the same person: the folded name. */
export function personKey(attendee) {
  return attendee && attendee.full_name ? fold(attendee.full_name) : "";
}

/**
 * The people of `incoming` not already in `existing` (by folded name, nor twice in incoming),
 * and how many were left out as doubles. Nameless entries are never doubles.
 * @template T
 * @param {Array<{full_name?: string}>} existing
 * @param {T[]} incoming
 * @returns {{added: T[], doubles: number}}
 */
export function withoutDoubles(existing, incoming) {
  const seen = new Set(existing.map(personKey).filter(Boolean));
  /** @type {T[]} */
  const added = [];
  let doubles = 0;
  for (const person of incoming) {
    const key = personKey(/** @type {any} */ (person));
    if (key && seen.has(key)) {
      doubles += 1;
      continue;
    }
    if (key) seen.add(key);
    added.push(person);
  }
  return { added, doubles };
}

/**
 * Another meeting's attendees as new entries of this one: present, with no absence reason,
 * and, when this meeting already has a chair, the copied chairs as delegates (one meeting's
 * chair is rarely the next one's).
 * @param {Array<Record<string, any>>} source
 * @param {Array<Record<string, any>>} existing
 * @returns {Array<Record<string, any>>}
 */
export function copiedAttendees(source, existing) {
  const hasChair = existing.some((a) => CHAIRS.has(a.role));
  return source.filter((a) => a && a.full_name).map((a) => {
    /** @type {Record<string, any>} */
    const copy = {};
    for (const key of ["full_name", "position", "org_name", "unit_id", "gender", "ethnicity", "phone"]) {
      if (a[key] !== undefined && a[key] !== null && a[key] !== "") copy[key] = a[key];
    }
    copy.role = hasChair && CHAIRS.has(a.role) ? "DAI_BIEU" : a.role || "DAI_BIEU";
    copy.attendance = "CO_MAT";
    return copy;
  });
}

/**
 * Earlier meetings whose attendees can be reused: any but this one, with at least one named
 * attendee, in the order given (the index lists newest first).
 * @param {Array<Record<string, any>>} meetings
 * @param {string} [exceptId]
 */
export function reusableMeetings(meetings, exceptId) {
  return meetings.filter((m) => m.id !== exceptId && !m.deleted
    && (m.attendees || []).some((a) => a && a.full_name));
}

/** How many listed attendees were there (attendance CO_MAT, or not said). */
export function presentCount(attendees) {
  return (attendees || []).filter((a) => a && (!a.attendance || a.attendance === "CO_MAT")).length;
}

/**
 * The whole attendance of a meeting as the phone counts it (PROTOCOL.md §3.5): the listed
 * attendees present plus the unnamed ones.
 * @param {Array<Record<string, any>>} attendees
 * @param {number|null|undefined} unnamed
 */
export function attendanceTotal(attendees, unnamed) {
  return presentCount(attendees) + (Number.isInteger(unnamed) && unnamed > 0 ? unnamed : 0);
}
