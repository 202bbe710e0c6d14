"""Building blocks of the input schemas: refuse text a database cannot store, bound ids."""

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from marshmallow import Schema, ValidationError, fields, pre_load, validate

# Unit ids are 32-bit INTEGER columns on PostgreSQL; a larger number cannot name a row, and
# SQLite's driver raises OverflowError on anything past 64 bits.
MAX_ID = 2**31 - 1
# Keeps OFFSET = (page - 1) * per_page within a 32-bit integer for any allowed per_page.
MAX_PAGE = 1_000_000

UNSTORABLE_TEXT = "Contains a character that cannot be stored."
CONTROL_TEXT = "Contains an invisible control character."

# Control characters (C0, DEL, C1) are invisible, Excel cannot hold most of them in a cell, and
# a terminal or a CSV reader may act on them. Direction embeddings, overrides and isolates
# (U+202A-U+202E, U+2066-U+2069) make a screen show text in another order than it is stored:
# never needed in Vietnamese. The marks U+200E/U+200F stay allowed: they reorder nothing, and
# text pasted from office documents carries them.
_ONE_LINE_REFUSED = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_MULTI_LINE_REFUSED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_stored_text = ContextVar("stored_text", default=False)


class Text(fields.String):
    """Multi-line text: may hold tabs and line breaks, which every other string field refuses."""


@contextmanager
def stored_text() -> Iterator[None]:
    """Load values read back from the database: text stored before the control rule passes."""
    token = _stored_text.set(True)
    try:
        yield
    finally:
        _stored_text.reset(token)


# Record ids: lower-case hexadecimal in the 8-4-4-4-12 form, never the nil UUID (PROTOCOL.md §4.4).
UUID_FORM = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
NIL_UUID = "00000000-0000-0000-0000-000000000000"
NOT_A_CANONICAL_UUID = "Must be a UUID in lower case, 8-4-4-4-12 hex digits, and not nil."


def id_field(**kwargs: Any) -> fields.Integer:
    """Return a field for a row id sent in a JSON body."""
    return fields.Integer(strict=True, validate=validate.Range(min=1, max=MAX_ID), **kwargs)


def id_arg(**kwargs: Any) -> fields.Integer:
    """Return a field for a row id sent in the query string, where numbers arrive as text."""
    return fields.Integer(validate=validate.Range(min=1, max=MAX_ID), **kwargs)


def page_arg() -> fields.Integer:
    """Return the page-number argument of a list."""
    return fields.Integer(load_default=1, validate=validate.Range(min=1, max=MAX_PAGE))


def canonical_uuid(value: object) -> str | None:
    """Return the value if it is a record id in its one accepted spelling, else None."""
    # One spelling per id: accepting others would let one device hold one record under two
    # keys. Anything else names no row and must not reach the database (PostgreSQL refuses NUL).
    if isinstance(value, str) and UUID_FORM.fullmatch(value) and value != NIL_UUID:
        return value
    return None


def _unstorable(text: str) -> bool:
    # PostgreSQL refuses NUL in text; a lone surrogate cannot be encoded as UTF-8 at all.
    if "\x00" in text:
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _string_errors(text: str, field: fields.Field | None) -> list | None:
    if _unstorable(text):
        return [UNSTORABLE_TEXT]
    refused = _MULTI_LINE_REFUSED if isinstance(field, Text) else _ONE_LINE_REFUSED
    if not _stored_text.get() and refused.search(text):
        return [CONTROL_TEXT]
    return None


def _by_key(schema: Schema) -> dict[str, fields.Field]:
    return {field.data_key or name: field for name, field in schema.fields.items()}


def _text_errors(
    value: object, field: fields.Field | None, inner: dict[str, Any] | None
) -> dict[Any, Any] | list[str] | None:
    """Return marshmallow-shaped errors for every refused string inside a value.

    field is the schema field the value is loaded by (None if unknown), inner the fields of
    the schema a dict is loaded by: they tell multi-line text from one-line text.
    """
    if isinstance(value, str):
        return _string_errors(value, field)
    if isinstance(value, dict):
        if inner is None and isinstance(field, fields.Nested):
            inner = _by_key(field.schema)
        inner = inner or {}
        found = {key: _text_errors(item, inner.get(key), None) for key, item in value.items()}
    elif isinstance(value, list):
        item_field = field.inner if isinstance(field, fields.List) else field
        item_inner = _by_key(item_field.schema) if isinstance(item_field, fields.Nested) else None
        found = {
            str(index): _text_errors(item, item_field, item_inner)
            for index, item in enumerate(value)
        }
    else:
        return None
    found = {key: errors for key, errors in found.items() if errors}
    return found or None


class InputSchema(Schema):
    """Base of the top-level input schemas: refused text is a field error, not a 500.

    Text no database can store is refused everywhere; control and direction characters are
    refused in every string, except tab and line breaks in multi-line Text fields.
    """

    @pre_load
    def _refuse_unstorable_text(self, data, **kwargs):
        errors = _text_errors(data, None, _by_key(self))
        if errors:
            raise ValidationError(errors if isinstance(errors, dict) else {"_schema": errors})
        return data
