"""Building blocks of the input schemas: refuse text a database cannot store, bound ids."""

import re

from marshmallow import Schema, ValidationError, fields, pre_load, validate

# Unit ids are 32-bit INTEGER columns on PostgreSQL; a larger number cannot name a row, and
# SQLite's driver raises OverflowError on anything past 64 bits.
MAX_ID = 2**31 - 1
# Keeps OFFSET = (page - 1) * per_page within a 32-bit integer for any allowed per_page.
MAX_PAGE = 1_000_000

UNSTORABLE_TEXT = "Contains a character that cannot be stored."

# Record ids: lower-case hexadecimal in the 8-4-4-4-12 form, never the nil UUID (PROTOCOL.md §4.4).
UUID_FORM = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
NIL_UUID = "00000000-0000-0000-0000-000000000000"
NOT_A_CANONICAL_UUID = "Must be a UUID in lower case, 8-4-4-4-12 hex digits, and not nil."


def id_field(**kwargs) -> fields.Integer:
    """Return a field for a row id sent in a JSON body."""
    return fields.Integer(strict=True, validate=validate.Range(min=1, max=MAX_ID), **kwargs)


def id_arg(**kwargs) -> fields.Integer:
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


def _text_errors(value) -> dict | list | None:
    """Return marshmallow-shaped errors for every unstorable string inside a value."""
    if isinstance(value, str):
        return [UNSTORABLE_TEXT] if _unstorable(value) else None
    if isinstance(value, dict):
        found = {key: _text_errors(item) for key, item in value.items()}
    elif isinstance(value, list):
        found = {str(index): _text_errors(item) for index, item in enumerate(value)}
    else:
        return None
    found = {key: errors for key, errors in found.items() if errors}
    return found or None


class InputSchema(Schema):
    """Base of the top-level input schemas: unstorable text is a field error, not a 500."""

    @pre_load
    def _refuse_unstorable_text(self, data, **kwargs):
        errors = _text_errors(data)
        if errors:
            raise ValidationError(errors if isinstance(errors, dict) else {"_schema": errors})
        return data
