// Diacritic-insensitive search by word beginnings: "dan van kheo" finds "Dân vận khéo", and
// "nuoi ong" does not find "Mông" (server/search.py folds and matches the same way).

import { RECORD_REGISTRY } from "./record-registry.js";

const MARKS = /[\u0300-\u036f]/g;
// Anything but a letter or digit separates words: "(Mông)" and "nuôi-ong" hold whole words.
const SEPARATORS = /[^\p{L}\p{N}]+/gu;

/** The fields each table is searched by, on the phone as on the server (a test compares). */
export const SEARCH_FIELDS = Object.fromEntries(
  Object.entries(RECORD_REGISTRY.types).map(([table, type]) => [table, type.search]));

/** Fold text for search: NFD, strip combining marks, đ→d, lower-case, squeeze spaces. */
export function fold(text) {
  if (text === null || text === undefined) return "";
  return String(text)
    .normalize("NFD")
    .replace(MARKS, "")
    .replace(/[đĐ]/g, "d")
    .toLowerCase()
    .replace(/\s+/g, " ")
    .trim();
}

/** The folded words of a text, punctuation dropped. */
export function words(text) {
  const spaced = fold(text).replace(SEPARATORS, " ").trim();
  return spaced ? spaced.split(" ") : [];
}

/** The searchable text of a record, as words between single spaces with a space at each end. */
export function searchText(table, rec) {
  const parts = [];
  for (const name of SEARCH_FIELDS[table]) {
    const value = rec[name];
    // A list field (attendees) is searched by its people's names.
    if (Array.isArray(value)) for (const v of value) parts.push(v && typeof v === "object" ? v.full_name : v);
    else parts.push(value);
  }
  return ` ${parts.flatMap(words).join(" ")} `;
}

/** The words of a query, folded: search with matches(). */
export function queryWords(query) {
  return words(query);
}

/** Tell whether every query word begins a word of the padded text (in any order). */
export function matches(paddedText, queryWordList) {
  for (const word of queryWordList) if (!paddedText.includes(` ${word}`)) return false;
  return true;
}

/** Rank a match: 0 the whole phrase, 1 the phrase's beginning, 2 all whole words, 3 the rest. */
export function rank(paddedText, queryWordList) {
  const phrase = ` ${queryWordList.join(" ")}`;
  if (paddedText.includes(`${phrase} `)) return 0;
  if (paddedText.includes(phrase)) return 1;
  if (queryWordList.every((w) => paddedText.includes(` ${w} `))) return 2;
  return 3;
}
