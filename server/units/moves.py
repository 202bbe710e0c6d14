"""Carry the synced rows of a moved subtree to the devices that see them now, set-based."""

from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    String,
    Subquery,
    Table,
    and_,
    case,
    cast,
    func,
    insert,
    literal,
    select,
    true,
    update,
)
from sqlalchemy.orm import Session

from server import changes
from server.models import Conflict, ScopeRemoval, Unit
from server.records.tables import TABLES

# A change_seq no stamp ever has: it marks the rows this move restamps, inside its transaction.
MARK = -1
NOTE = "unit moved"


Kind = tuple[str, Table, ColumnElement[bool]]


def _table(model: type[Any]) -> Table:
    table = model.__table__
    if not isinstance(table, Table):  # declarative models here each map one Table
        raise TypeError(f"{model.__name__} is not mapped to a table")
    return table


def _synced_tables() -> list[Kind]:
    """Return (name, table, condition) of every row kind a device holds per owner unit."""
    # Tombstones too: a device that has not pulled a deletion yet still holds the record live,
    # and once the subtree has left its scope the tombstone itself can no longer reach it.
    return [
        *((n, _table(t.model), true()) for n, t in TABLES.items()),
        ("conflicts", _table(Conflict), true()),
    ]


def carry_subtree(session: Session, unit: Unit, old_parent: Unit | None) -> None:
    """Restamp the rows under a unit that moved; remove them from the scopes above its old parent.

    Devices that see the subtree now pull every row again (fresh change_seq); devices of the
    old parent and the units above it get a scope removal per row (PROTOCOL.md §5.4). A
    province may hold 10^5 records, so each table takes a few statements, never a loop.
    """
    session.flush()  # the subtree's new paths
    subtree = select(Unit.id).where(Unit.path.startswith(unit.path, autoescape=True))
    kinds = _synced_tables()
    # Lock the rows first, as a push does, then the counter: the two never wait on each other
    # in opposite orders. Rows committed between the two steps are caught by the second mark.
    _mark(session, kinds, subtree)
    changes.hold(session)
    _mark(session, kinds, subtree)
    counts = [
        session.scalar(
            select(func.count())
            .select_from(table)
            .where(table.c.owner_unit_id.in_(subtree), table.c.change_seq == MARK)
        )
        or 0
        for _, table, _ in kinds
    ]
    per_row = 1 if old_parent is None else 2  # a stamp, and a removal for the old scope
    # The units themselves are restamped by the caller; the old scope gets their removals.
    units = (
        0
        if old_parent is None
        else session.scalar(select(func.count()).select_from(subtree.subquery())) or 0
    )
    total = sum(counts) * per_row + units
    if not total:
        return
    first = changes.allocate(session, total) - total + 1
    target = unit.parent_id if unit.parent_id is not None else unit.id
    if units and old_parent is not None:
        numbered = (
            select(Unit.id, func.row_number().over(order_by=Unit.id).label("n"))
            .where(Unit.path.startswith(unit.path, autoescape=True))
            .subquery()
        )
        _remove(session, "units", numbered, cast(numbered.c.id, String), first, old_parent, target)
        first += units
    for (name, table, _), count in zip(kinds, counts, strict=True):
        if not count:
            continue
        inner = table.alias()
        numbered = (
            select(inner.c.id, func.row_number().over(order_by=inner.c.id).label("n"))
            .where(inner.c.owner_unit_id.in_(subtree), inner.c.change_seq == MARK)
            .subquery()
        )
        if old_parent is not None:
            _remove(session, name, numbered, numbered.c.id, first, old_parent, target)
            first += count
        seq = numbered.c.n + (first - 1)
        values = {"change_seq": seq}
        if "wire_seq" in table.c:
            # A move changes no record's JSON: text that was current stays current.
            values["wire_seq"] = case((table.c.wire_seq == MARK, seq), else_=None)
        session.execute(update(table).where(table.c.id == numbered.c.id).values(values))
        first += count


def _mark(session: Session, kinds: list[Kind], subtree: Select[tuple[int]]) -> None:
    for _, table, condition in kinds:
        values: dict[str, int | ColumnElement[Any]] = {"change_seq": MARK}
        if "wire_seq" in table.c:
            # Remember which rows' kept text matched their change_seq (server/records/wire.py).
            values["wire_seq"] = case((table.c.wire_seq == table.c.change_seq, MARK), else_=None)
        session.execute(
            update(table)
            .where(and_(table.c.owner_unit_id.in_(subtree), condition, table.c.change_seq != MARK))
            .values(values)
        )


def _remove(
    session: Session,
    name: str,
    numbered: Subquery,
    row_id: ColumnElement[Any],
    first: int,
    old_parent: Unit,
    target: int,
) -> None:
    """Write a scope removal from the old parent for each numbered row, stamped in order."""
    session.execute(
        insert(_table(ScopeRemoval)).from_select(
            [
                "change_seq",
                "table_name",
                "record_id",
                "from_unit_id",
                "to_unit_id",
                "from_path",
                "note",
            ],
            select(
                numbered.c.n + (first - 1),
                literal(name),
                row_id,
                literal(old_parent.id),
                literal(target),
                literal(old_parent.path),
                literal(NOTE),
            ),
        )
    )
