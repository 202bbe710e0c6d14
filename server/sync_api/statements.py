"""The pull's statements, built once with bind parameters (§5).

A statement built per request costs its construction and its cache key every time; these are
built on first use and kept, so SQLAlchemy finds each compiled form at once. A device's scope
is a bound path prefix, the same statement for every device of every unit.
"""

from functools import cache

from sqlalchemy import String, and_, bindparam, cast, exists, or_, select
from sqlalchemy.sql import ColumnElement, Select

from server.models import Conflict, CriteriaSet, ScopeRemoval, SyncedRecord, Unit
from server.records.tables import TABLES

# The path parameters: "prefix" is the device's unit path escaped for LIKE with "%" after it,
# "ancestors" the ids on that path (the unit and the units above it).
ESCAPE = "\\"


def like_prefix(path: str) -> str:
    """Return a LIKE pattern matching the strings that start with path."""
    escaped = path.replace(ESCAPE, ESCAPE * 2).replace("%", ESCAPE + "%").replace("_", ESCAPE + "_")
    return escaped + "%"


def _in_scope(column: ColumnElement) -> ColumnElement[bool]:
    below = select(Unit.id).where(Unit.path.like(bindparam("prefix"), escape=ESCAPE))
    return column.in_(below.scalar_subquery())


def _units_seen() -> ColumnElement[bool]:
    return or_(
        Unit.path.like(bindparam("prefix"), escape=ESCAPE),
        Unit.id.in_(bindparam("ancestors", expanding=True)),
    )


def _window(column: ColumnElement) -> ColumnElement[bool]:
    return and_(column > bindparam("cursor"), column <= bindparam("high"))


@cache
def records(name: str, scoped: bool) -> Select:
    """Select a table's kept JSON after the cursor, without the versions named in "skipped"."""
    model: type[SyncedRecord] = TABLES[name].model
    query = select(model.change_seq, model.id, model.wire_seq, model.wire_json).where(
        _window(model.change_seq),
        model.change_seq.not_in(bindparam("skipped", expanding=True)),
    )
    if scoped:
        query = query.where(_in_scope(model.owner_unit_id))
    return query.order_by(model.change_seq).limit(bindparam("limit"))


@cache
def conflicts(scoped: bool) -> Select:
    """Select the conflicts after the cursor."""
    query = select(Conflict).where(_window(Conflict.change_seq))
    if scoped:
        query = query.where(_in_scope(Conflict.owner_unit_id))
    return query.order_by(Conflict.change_seq).limit(bindparam("limit"))


@cache
def units(scoped: bool) -> Select:
    """Select the units after the cursor: those below the device's unit and above it."""
    query = select(Unit).where(_window(Unit.change_seq))
    if scoped:
        query = query.where(_units_seen())
    return query.order_by(Unit.change_seq).limit(bindparam("limit"))


@cache
def criteria_sets(scoped: bool) -> Select:
    """Select the criteria sets after the cursor: those of the unit, above it and below it."""
    query = select(CriteriaSet).where(_window(CriteriaSet.change_seq))
    if scoped:
        issuer = CriteriaSet.issuer_unit_id
        below = select(Unit.id).where(Unit.path.like(bindparam("prefix"), escape=ESCAPE))
        query = query.where(
            or_(
                issuer.in_(below.scalar_subquery()),
                issuer.in_(bindparam("ancestors", expanding=True)),
            )
        )
    return query.order_by(CriteriaSet.change_seq).limit(bindparam("limit"))


@cache
def removals() -> Select:
    """Select the rows that left the device's scope and are outside it now (§5.4).

    A removal concerns the devices of the unit the row left and of the units above it then
    (its path then); a row back in scope since is never removed, whatever happened in between,
    so a device never drops what it may see.
    """
    removal = ScopeRemoval
    kinds: list[tuple[str, type[SyncedRecord] | type[Conflict]]] = [
        (name, table.model) for name, table in TABLES.items()
    ]
    kinds.append(("conflicts", Conflict))
    seen_now = or_(
        *(
            and_(
                removal.table_name == name,
                exists().where(model.id == removal.record_id, _in_scope(model.owner_unit_id)),
            )
            for name, model in kinds
        ),
        and_(
            removal.table_name == "units",
            exists().where(cast(Unit.id, String) == removal.record_id, _units_seen()),
        ),
    )
    return (
        select(removal)
        .where(
            _window(removal.change_seq),
            removal.from_path.like(bindparam("prefix"), escape=ESCAPE),
            ~seen_now,
        )
        .order_by(removal.change_seq)
        .limit(bindparam("limit"))
    )
