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

/** Tell whether every word of the folded query occurs in the folded haystack. */
export function matches(foldedHaystack, foldedQuery) {
  if (!foldedQuery) return true;
  for (const word of foldedQuery.split(" ")) {
    if (!foldedHaystack.includes(word)) return false;
  }
  return true;
}
