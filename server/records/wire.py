"""Keep each record version's JSON as pulls send it, written with the version itself.

A pull of a commune's records would otherwise load every row as an ORM object and render it
field by field. Every flush that writes a record through the ORM renders it once into
``wire_json`` and tags it with the ``change_seq`` it was rendered at (``wire_seq``), in the
same INSERT or UPDATE. A pull trusts the text only while the two still match: a row written
around the ORM (a bulk import, a raw restamp) falls back to rendering the row, so the cached
form can be missing but never stale for a version a device is sent.
"""

import json
from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import Table, and_, bindparam, event, or_, select, update
from sqlalchemy.orm import Session, UOWTransaction

from server.records.tables import TABLES, RecordTable

BY_MODEL: dict[type, RecordTable] = {t.model: t for t in TABLES.values()}


def record_json(table: RecordTable, row: Any) -> dict:
    """Return a record as a pull sends it: a tombstone for a deleted one (§5)."""
    if row.deleted:
        return {"id": row.id, "version": row.version, "deleted": True}
    return table.dumper().dump(row)


def render(table: RecordTable, row: Any) -> str:
    """Return a record's wire JSON as text."""
    return json.dumps(record_json(table, row), ensure_ascii=False, separators=(",", ":"))


def _fill_defaults(row: Any) -> None:
    """Set the column defaults a pending row would get at INSERT, so rendering sees them."""
    for column in row.__table__.columns:
        default = column.default
        if default is None or getattr(row, column.key) is not None:
            continue
        if default.is_callable:
            setattr(row, column.key, default.arg(None))
        elif default.is_scalar:
            setattr(row, column.key, default.arg)


def stamp_json(table: RecordTable, row: Any) -> None:
    """Render a stamped record into its wire columns, defaults filled for a new one."""
    _fill_defaults(row)
    row.wire_json = render(table, row)
    row.wire_seq = row.change_seq


def _render_flushed(
    session: Session, _context: UOWTransaction, _instances: Sequence[object] | None
) -> None:
    """Render every record this flush writes into its wire columns."""
    new = session.new
    for row in [*new, *session.dirty]:
        table = BY_MODEL.get(type(row))
        if table is None or not row.change_seq:
            continue  # not a record, or not stamped yet: the flush that stamps it renders it
        if row not in new and not session.is_modified(row):
            continue
        with session.no_autoflush:
            if row in new:
                _fill_defaults(row)
            row.wire_json = render(table, row)
            row.wire_seq = row.change_seq


def install() -> None:
    """Render records on every flush of every session (idempotent)."""
    if not event.contains(Session, "before_flush", _render_flushed):
        event.listen(Session, "before_flush", _render_flushed)


def fill(session: Session, batch: int = 2000, owner_unit_ids: Sequence[int] | None = None) -> int:
    """Render the rows whose wire JSON is missing or stale, in batches by id; return how many.

    Rows are read and written with Core statements: the dumpers read plain rows as they read
    ORM objects, and a national database holds a million records. owner_unit_ids limits the
    work to the rows of these units.
    """
    done = 0
    for table in TABLES.values():
        target = cast(Table, table.model.__table__)
        columns = target.c
        stale = or_(columns.wire_seq.is_(None), columns.wire_seq != columns.change_seq)
        if owner_unit_ids is not None:
            stale = and_(stale, columns.owner_unit_id.in_(owner_unit_ids))
        write = (
            update(target)
            .where(columns.id == bindparam("row_id"))
            .values(wire_json=bindparam("text"), wire_seq=bindparam("seq"))
        )
        last = ""
        while True:
            query = select(target).where(columns.id > last)
            rows = session.execute(query.where(stale).order_by(columns.id).limit(batch)).all()
            if not rows:
                break
            session.execute(
                write,
                [{"row_id": r.id, "text": render(table, r), "seq": r.change_seq} for r in rows],
            )
            session.commit()
            done += len(rows)
            last = rows[-1].id
    return done


class Kept:
    """A record version's kept wire JSON, spliced into a response without being parsed."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return f"Kept({self.text[:40]!r}…)"


_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def dumps(value: object) -> str:
    """Return value as compact JSON, writing each Kept text (an item of a list) in as it is.

    The text is what `render` wrote, with the same separators, so the response is byte for
    byte what loading and dumping it again would give, at none of the cost.
    """
    if type(value) is Kept:
        return value.text
    if isinstance(value, dict):
        return "{" + ",".join(f"{_encode(str(k))}:{dumps(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list) and any(type(item) is Kept for item in value):
        if all(type(item) is Kept for item in value):
            return "[" + ",".join([item.text for item in value]) + "]"
        return "[" + ",".join([i.text if type(i) is Kept else dumps(i) for i in value]) + "]"
    return _encode(value)
