"""Diacritic-insensitive search by word beginnings: fold Vietnamese text to plain words."""

import re
import unicodedata
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, SQLColumnExpression, and_, case, false, literal

S = TypeVar("S", bound=Select[Any])

_SPACES = re.compile(r"\s+")
# Anything but a letter or digit separates words: "(Mông)" and "nuôi-ong" hold whole words.
_SEPARATORS = re.compile(r"[\W_]+")


class _Marks(dict[int, int | None]):
    """For str.translate: drop the combining marks (Mn), keep every other character.

    Filled as characters are met, so folding runs in C instead of a Python loop per character;
    only below U+3000 (Latin, Vietnamese, the combining marks), so that text full of rarer
    characters cannot grow it towards a million entries per process.
    """

    def __missing__(self, code: int) -> int | None:
        kept = None if unicodedata.category(chr(code)) == "Mn" else code
        if code < 0x3000:
            self[code] = kept
        return kept


_MARKS = _Marks()


def fold(text: str | None) -> str:
    """Fold text for matching: strip diacritics, map đ to d, lower-case, collapse spaces."""
    if not text:
        return ""
    if text.isascii():
        stripped = text  # nothing to decompose, no mark, no đ
    else:
        stripped = unicodedata.normalize("NFD", text).translate(_MARKS)
        stripped = stripped.replace("đ", "d").replace("Đ", "D")
    return _SPACES.sub(" ", stripped).strip().lower()


def words(text: str | None) -> list[str]:
    """Return the folded words of a text, punctuation dropped."""
    return _SEPARATORS.sub(" ", fold(text)).split()


def _texts(value: object) -> list[Any]:
    # A list field (attendees) is searched by its people's names.
    if isinstance(value, list):
        return [v.get("full_name") if isinstance(v, dict) else v for v in value]
    return [value]


def search_text(*parts: object) -> str:
    """Build the stored search column: the folded words of every searchable field."""
    return " ".join(w for part in parts for text in _texts(part) for w in words(text))


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def word_prefix(column: SQLColumnExpression[str], word: str) -> ColumnElement[bool]:
    """Return the condition that some word of the column starts with `word`."""
    return (literal(" ") + column).like(f"% {_escape(word)}%", escape="\\")


def search(statement: S, column: SQLColumnExpression[str], query: str | None) -> S:
    """Keep the rows whose column holds every query word, best matches first."""
    if not query or not query.strip():
        return statement
    terms = words(query)
    if not terms:
        return statement.where(false())  # only punctuation: nothing can match it
    conditions = [word_prefix(column, w) for w in terms]
    return statement.where(*conditions).order_by(_rank(column, terms))


def _rank(column: SQLColumnExpression[str], terms: list[str]) -> ColumnElement[int]:
    # The whole phrase, the phrase's beginning, all whole words, then the rest.
    padded = literal(" ") + column + literal(" ")
    phrase = _escape(" ".join(terms))
    whole = [padded.like(f"% {_escape(w)} %", escape="\\") for w in terms]
    return case(
        (padded.like(f"% {phrase} %", escape="\\"), 0),
        (padded.like(f"% {phrase}%", escape="\\"), 1),
        (and_(*whole), 2),
        else_=3,
    )
