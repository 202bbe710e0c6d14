"""Diacritic-insensitive search: fold Vietnamese text to plain lower-case ASCII letters."""

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def fold(text: str | None) -> str:
    """Fold text for matching: strip diacritics, map đ to d, lower-case, collapse spaces."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    stripped = stripped.replace("đ", "d").replace("Đ", "D")
    return _SPACES.sub(" ", stripped).strip().lower()


def search_text(*parts: str | None) -> str:
    """Build the folded search column from the searchable fields of a record."""
    return " ".join(f for f in (fold(p) for p in parts) if f)


def like_pattern(query: str) -> str:
    """Make a LIKE pattern that finds the folded query anywhere, with wildcards escaped."""
    folded = fold(query)
    escaped = folded.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
