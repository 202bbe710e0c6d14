"""The pull's statements, built once with bind parameters (§5).

A statement built per request costs its construction and its cache key every time; these are
built on first use and kept, so SQLAlchemy finds each compiled form at once, one per form of
the device's scope (ALL, IDS, PATH below).

Parameters: "cursor" and "high" bound the page, "limit" is its length + 1, "skip_<table>" the
versions the push wrote as the device holds them, "prefix" the device's unit path escaped for
LIKE with "%" after it (written into the statement text as it runs), "above" the ids on that
path (the unit and the units above it), "member" a LIKE pattern matching the paths that have
the device's unit on them (removals, §5.4).
"""

from functools import cache
from typing import Any

from sqlalchemy import (
    SQLColumnExpression,
    String,
    and_,
    bindparam,
    cast,
    exists,
    literal_column,
    or_,
    select,
    true,
)
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.sql import ColumnElement, CompoundSelect, Select, union_all
from sqlalchemy.sql.elements import BindParameter

from server.models import Conflict, CriteriaSet, ScopeRemoval, SyncedRecord, Unit
from server.records.tables import TABLES

ESCAPE = "/"


def like_prefix(path: str) -> str:
    """Return a LIKE pattern (escape "/") matching the strings that start with path."""
    escaped = path.replace(ESCAPE, ESCAPE * 2).replace("%", ESCAPE + "%").replace("_", ESCAPE + "_")
    return escaped + "%"


def member_of(path: str) -> str:
    """Return a LIKE pattern matching the unit paths that pass through the path's last unit.

    An empty path (no unit) gives a pattern no unit path matches.
    """
    ids = [p for p in path.strip("/").split("/") if p]
    return f"%/{int(ids[-1])}/%" if ids else ""


def params(
    cursor: int, high: int, limit: int, path: str, skipped: dict[str, list[int]], **scope: Any
) -> dict[str, Any]:
    """Return the values of a pull's parameters; scope= the device's unit ids, if listed."""
    values: dict[str, Any] = {
        "cursor": cursor,
        "high": high,
        "limit": limit + 1,
        "prefix": like_prefix(path),
        "above": [int(p) for p in path.strip("/").split("/") if p],
        "member": member_of(path),
        **{f"skip_{name}": seqs for name, seqs in skipped.items()},
    }
    values.update(scope)
    return values


def _prefix() -> BindParameter[str]:
    """The device's path prefix, written into the statement as it runs (a literal, not a $n).

    A prepared statement's generic plan of `path LIKE $1` walks no index and reads every unit;
    with the prefix written in, every plan walks the path index (store._under says more).
    """
    return bindparam("prefix", type_=String, literal_execute=True)


def _window(column: SQLColumnExpression[int]) -> ColumnElement[bool]:
    return and_(column > bindparam("cursor"), column <= bindparam("high"))


# How a statement names the device's scope: not at all (an administrator sees everything), as
# the list of its unit ids bound as "scope", or as the units under its path prefix (a scope too
# wide to list: the ids come from a subquery).
ALL, IDS, PATH = "all", "ids", "path"


def _in_scope(column: SQLColumnExpression[int], scope: str) -> ColumnElement[bool]:
    if scope == PATH:
        below = select(Unit.id).where(Unit.path.like(_prefix(), escape=ESCAPE))
        return column.in_(below.scalar_subquery())
    return column.in_(bindparam("scope", expanding=True))


def _units_seen() -> ColumnElement[bool]:
    return or_(
        Unit.path.like(_prefix(), escape=ESCAPE),
        Unit.id.in_(bindparam("above", expanding=True)),
    )


@cache
def records(scope: str) -> CompoundSelect:
    """Select the page's record versions of every table in one statement, in seq order."""
    parts: list[Select[Any]] = []
    for name, table in TABLES.items():
        model = table.model
        query: Select[Any] = select(
            literal_column(f"'{name}'").label("kind"),
            model.change_seq,
            model.id,
            model.wire_seq,
            model.wire_json,
        ).where(
            _window(model.change_seq),
            model.change_seq.not_in(bindparam(f"skip_{name}", expanding=True)),
        )
        if scope != ALL:
            query = query.where(_in_scope(model.owner_unit_id, scope))
        part = query.order_by(model.change_seq).limit(bindparam("limit"))
        parts.append(select(part.subquery(f"page_{name}")))
    return union_all(*parts).order_by("change_seq").limit(bindparam("limit"))


@cache
def conflicts(scope: str) -> Select[tuple[Conflict]]:
    """Select the conflicts after the cursor."""
    query = select(Conflict).where(_window(Conflict.change_seq))
    if scope != ALL:
        query = query.where(_in_scope(Conflict.owner_unit_id, scope))
    return query.order_by(Conflict.change_seq).limit(bindparam("limit"))


@cache
def units(scope: str) -> Select[tuple[Unit]]:
    """Select the units after the cursor: those below the device's unit and above it."""
    # Each unit goes out with its parent's name and its successors (UnitOut): loaded with the
    # page, not one unit at a time (a country's first pull is 3,355 units).
    query = (
        select(Unit)
        .options(joinedload(Unit.parent), selectinload(Unit.successors))
        .where(_window(Unit.change_seq))
    )
    if scope != ALL:
        query = query.where(_units_seen())
    return query.order_by(Unit.change_seq).limit(bindparam("limit"))


@cache
def criteria_sets(scope: str) -> Select[tuple[CriteriaSet]]:
    """Select the criteria sets after the cursor: those of the unit, above it and below it."""
    seen: ColumnElement[bool] = true()
    if scope != ALL:
        issuer = CriteriaSet.issuer_unit_id
        below = select(Unit.id).where(Unit.path.like(_prefix(), escape=ESCAPE))
        seen = or_(
            issuer.in_(below.scalar_subquery()), issuer.in_(bindparam("above", expanding=True))
        )
    return (
        select(CriteriaSet)
        .where(_window(CriteriaSet.change_seq), seen)
        .order_by(CriteriaSet.change_seq)
        .limit(bindparam("limit"))
    )


@cache
def removals(scope: str) -> Select[tuple[ScopeRemoval]]:
    """Select the rows that left the device's scope and are outside it now (§5.4).

    A removal concerns the devices of the unit the row left and of the units above it then:
    the units on its path then, wherever they are now. A unit moved away and back has the
    same path again, so its devices are not reset, yet a row may have left it while it was
    away: matched on the path of now, that removal would never reach them. A row back in
    scope since is never removed, whatever happened in between, so a device never drops what
    it may see.
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
                exists().where(
                    model.id == removal.record_id, _in_scope(model.owner_unit_id, scope)
                ),
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
            # A pattern starting with "%" walks no index: a bound value plans the same.
            removal.from_path.like(bindparam("member", type_=String)),
            ~seen_now,
        )
        .order_by(removal.change_seq)
        .limit(bindparam("limit"))
    )
