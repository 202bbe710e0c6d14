"""INSERT plain rows into a table with one executemany, its statement compiled once.

SQLAlchemy's Core `execute(insert(table), rows)` looks the statement up in its compiled cache
and runs every row through the compiled statement's parameter machinery at each call: a push
INSERTs its new records, audit events and kept results that way three times per request. Here
the statement is compiled once per table, columns and dialect, each value goes through its
column type's bind processor (the same conversions SQLAlchemy applies), and the rows go to
the driver's executemany as they are. Execution events still fire (statement counts see it).
"""

from __future__ import annotations

import typing
from collections.abc import Callable, Sequence
from functools import cache
from typing import Any

from sqlalchemy import Table, insert
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session

Processor = Callable[[Any], Any] | None


class _Compiled(typing.NamedTuple):
    sql: str
    # For each parameter of the statement, in its order: its name in the statement, the
    # column's key in the rows and its bind processor.
    binds: tuple[tuple[str, str, Processor], ...]
    positional: bool
    # Columns with a Python-side default that the rows may lack: key, default, callable.
    defaults: tuple[tuple[str, Any, bool], ...]


@cache
def _compiled(dialect: Dialect, table: Table, keys: tuple[str, ...]) -> _Compiled:
    defaults = []
    for column in table.columns:
        default = column.default
        if column.key not in keys and default is not None:
            arg = typing.cast(Any, default).arg  # a ColumnDefault: a value or a callable
            defaults.append((column.key, arg, bool(default.is_callable)))
    columns = (*keys, *(key for key, _, _ in defaults))
    compiled = insert(table).compile(dialect=dialect, column_keys=list(columns))
    processors = compiled._bind_processors
    names = compiled.positiontup if compiled.positional else list(compiled.binds)
    binds = []
    for name in names or ():
        bind = compiled.binds[name]
        escaped = compiled.escaped_bind_names.get(name, name)
        binds.append((escaped, bind.key, typing.cast(Processor, processors.get(name))))
    return _Compiled(compiled.string, tuple(binds), bool(compiled.positional), tuple(defaults))


def insert_rows(session: Session, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """INSERT rows (dicts of column values, the same keys in each) in one executemany."""
    if not rows:
        return
    connection = session.connection()
    plan = _compiled(connection.dialect, table, tuple(rows[0]))
    if plan.defaults:
        filled = []
        for row in rows:
            row = dict(row)
            for key, default, call in plan.defaults:
                if row.get(key) is None:
                    # A callable column default takes the execution context; none needs it.
                    row[key] = default(None) if call else default
            filled.append(row)
        rows = filled
    binds = plan.binds
    if plan.positional:
        params: list[Any] = [
            tuple(process(row[key]) if process else row[key] for _, key, process in binds)
            for row in rows
        ]
    else:
        params = [
            {name: process(row[key]) if process else row[key] for name, key, process in binds}
            for row in rows
        ]
    connection.exec_driver_sql(plan.sql, params)
