// Diacritic-insensitive text matching: "dan van kheo" finds "Dân vận khéo".

const MARKS = /[\u0300-\u036f]/g;

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

/** The words of a query, folded: search with matches(). */
export function queryWords(query) {
  const folded = fold(query);
  return folded ? folded.split(" ") : [];
}

/** Tell whether every query word occurs in the folded haystack (in any order). */
export function matches(foldedHaystack, words) {
  for (const word of words) if (!foldedHaystack.includes(word)) return false;
  return true;
}
