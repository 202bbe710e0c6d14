"""A record a push creates, held as the column values of its INSERT instead of an ORM object.

The record services, the audit snapshot, the change stamps and the wire renderer read and set
a record's fields as attributes; a new record offers them over a plain dict, so a push of new
records goes out in one Core INSERT per table without a unit of work.
"""

from __future__ import annotations

import typing
from functools import cache
from typing import TYPE_CHECKING, Any

from sqlalchemy import Table
from sqlalchemy.orm import Session

if TYPE_CHECKING:
    from server.records.tables import RecordTable

# The session's new rows not INSERTed yet, by model and id: later steps of the batch see them.
BATCH = "new_records"


class NewRecord:
    """A new record's row: every column of its table, read and set as attributes."""

    __slots__ = ("table", "values")

    def __init__(self, table: RecordTable, values: dict[str, Any]) -> None:
        object.__setattr__(self, "table", table)
        object.__setattr__(self, "values", values)

    def __getattr__(self, name: str) -> Any:
        try:
            return self.values[name]
        except KeyError:
            raise AttributeError(name) from None

    def __setattr__(self, name: str, value: Any) -> None:
        self.values[name] = value

    def __repr__(self) -> str:
        return f"NewRecord({self.table.name}, {self.values.get('id')!r})"


@cache
def _defaults(table: RecordTable) -> tuple[tuple[str, Any, bool], ...]:
    """Return each column's key, its Python-side default and whether that is a callable."""
    target = typing.cast(Table, table.model.__table__)
    out = []
    for column in target.columns:
        default = column.default
        if default is None:
            out.append((column.key, None, False))
        else:
            arg = typing.cast(Any, default).arg  # a ColumnDefault: a value or a callable
            out.append((column.key, arg, bool(default.is_callable)))
    return tuple(out)


def complete(table: RecordTable, values: dict[str, Any]) -> dict[str, Any]:
    """Return values with every other column of the table at the default its INSERT would get."""
    row: dict[str, Any] = {}
    for key, default, call in _defaults(table):
        value = values.get(key)
        if value is None and default is not None:
            # A callable column default takes the execution context; none is needed here.
            value = default(None) if call else default
        row[key] = value
    return row


def note(session: Session, record: NewRecord) -> None:
    """Let later steps of the batch find a new row before it is INSERTed."""
    session.info.setdefault(BATCH, {})[(record.table.model, record.values["id"])] = record


def held(session: Session, model: type, key: object) -> NewRecord | None:
    """Return the batch's new row of this model and id, if the batch made one."""
    batch = session.info.get(BATCH)
    return batch.get((model, key)) if batch else None


def forget(session: Session, record: NewRecord | None = None) -> None:
    """Drop one new row from the batch's (it became an ORM object), or all of them."""
    if record is None:
        session.info.pop(BATCH, None)
    elif BATCH in session.info:
        session.info[BATCH].pop((record.table.model, record.values["id"]), None)
