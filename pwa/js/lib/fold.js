// Diacritic-insensitive search by word beginnings: "dan van kheo" finds "Dân vận khéo", and
// "nuoi ong" does not find "Mông" (server/search.py folds and matches the same way).

import { RECORD_REGISTRY } from "./record-registry.js";

const MARKS = /[\u0300-\u036f]/g;
const ASCII = /^[\x00-\x7f]*$/;
// Anything but a letter or digit separates words: "(Mông)" and "nuôi-ong" hold whole words.
const SEPARATORS = /[^\p{L}\p{N}]+/gu;

/** The fields each table is searched by, on the phone as on the server (a test compares). */
export const SEARCH_FIELDS = Object.fromEntries(
  Object.entries(RECORD_REGISTRY.types).map(([table, type]) => [table, type.search]));

/** Fold text for search: NFD, strip combining marks, đ→d, lower-case, squeeze spaces. */
export function fold(text) {
  if (text === null || text === undefined) return "";
  const plain = String(text);
  // ASCII (ids, numbers, "số 12"'s digits) has no marks and no đ: only case and spaces to fold.
  if (ASCII.test(plain)) return plain.toLowerCase().replace(/\s+/g, " ").trim();
  return plain
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

// Folded words by whitespace-separated token: records repeat the same syllables and names, so
// indexing 10,000 records at unlock folds each distinct token once. Folding is per character and
// whitespace separates words, so folding token by token gives the words of folding the whole.
const FOLDED = new Map();
const FOLDED_WHOLE = new Map();
const FOLDED_MAX = 50000;

function foldedToken(token) {
  let folded = FOLDED.get(token);
  if (folded === undefined) {
    folded = fold(token).replace(SEPARATORS, " ").trim();
    if (FOLDED.size >= FOLDED_MAX) FOLDED.clear();
    FOLDED.set(token, folded);
  }
  return folded;
}

/** fold(), token by token through the same cache (a record's name, at unlock). */
export function foldCached(text) {
  if (text === null || text === undefined) return "";
  const out = [];
  for (const token of String(text).split(/\s+/)) {
    let folded = FOLDED_WHOLE.get(token);
    if (folded === undefined) {
      folded = fold(token);
      if (FOLDED_WHOLE.size >= FOLDED_MAX) FOLDED_WHOLE.clear();
      FOLDED_WHOLE.set(token, folded);
    }
    if (folded) out.push(folded);
  }
  return out.join(" ");
}

/** The searchable text of a record, as words between single spaces with a space at each end. */
export function searchText(table, rec) {
  const out = [];
  const add = (value) => {
    if (value === null || value === undefined) return;
    for (const token of String(value).split(/\s+/)) {
      const folded = foldedToken(token);
      if (folded) out.push(folded);
    }
  };
  for (const name of SEARCH_FIELDS[table]) {
    const value = rec[name];
    // A list field (attendees) is searched by its people's names.
    if (Array.isArray(value)) for (const v of value) add(v && typeof v === "object" ? v.full_name : v);
    else add(value);
  }
  return ` ${out.join(" ")} `;
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
