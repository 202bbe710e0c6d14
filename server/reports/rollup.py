"""The rows of a report and the row each unit's records roll up to.

A report on a unit has one row per direct child, each aggregating the child's whole subtree,
plus a row for records the unit manages itself. Which units feed which row depends on the
boundaries asked for:

- ``old`` (theo địa giới hành chính cũ): every record stays with the unit that owns it, so a
  district abolished in 2025 keeps its own row for the periods it existed in;
- ``new`` (theo địa giới hành chính mới): a record of an abolished unit (``valid_to`` set, with
  successors) counts for its successor, followed through later mergers; a unit with several
  successors is attributed to the first (lowest id) and the row says so.

Scope stays by the tree: only the records of units in the caller's subtree ever count.

The mapping is computed here from the unit table (thousands of rows at most) and handed to SQL
as a small VALUES table, so the million-record side is aggregated by one indexed join.
"""

from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, aliased

from server.models import Unit, unit_successors
from server.reports.periods import Period, vn_date
from server.units.service import REFORM_DATE

BOUNDARIES = ("new", "old")
# Successor chains longer than this are a data error (or a cycle); stop following them.
MAX_HOPS = 10
# A row's note names at most this many old units whose records it gathers, then counts them.
MAX_NAMED_ORIGINS = 3

_COLUMNS = (
    Unit.id,
    Unit.parent_id,
    Unit.path,
    Unit.code,
    Unit.name,
    Unit.valid_from,
    Unit.valid_to,
)


@dataclass
class Row:
    """One row of a report: a direct child of the reported unit, or the unit itself."""

    id: int
    code: str
    name: str
    valid_to: date | None
    is_self: bool = False
    # Shown even when nothing rolls up to it: a current unit with no records reports zeros.
    always: bool = False
    notes: list[str] = field(default_factory=list)


@dataclass
class Source:
    """A unit whose records count in a row; moved_from is set when a merger moved them."""

    unit_id: int
    row_id: int
    moved_from: int = 0


@dataclass
class Moved:
    """An abolished unit whose records count for a successor."""

    name: str
    successors: int
    target_name: str


@dataclass
class RowPlan:
    """Everything a query needs to roll records up into the rows of one report."""

    unit: Unit
    boundaries: str
    rows: dict[int, Row]
    sources: list[Source]
    moved: dict[int, Moved]

    def order(self) -> dict[int, int]:
        """Return each row's position, for listing records row by row."""
        return {row_id: index for index, row_id in enumerate(self.rows)}


def default_boundaries(period: Period) -> str:
    """Return the boundaries a period is reported in unless asked otherwise."""
    # DOMAIN.md §4: periods before the 2025 reform roll up through the old districts.
    return "old" if period.end < REFORM_DATE else "new"


def _shown(unit: "UnitRow", boundaries: str, period: Period, today: date) -> bool:
    if boundaries == "new":
        return unit.valid_to is None or unit.valid_to >= today
    started = unit.valid_from is None or unit.valid_from <= period.end
    return started and (unit.valid_to is None or unit.valid_to >= period.start)


class Merger(NamedTuple):
    """An abolished unit with successors, and its first successor."""

    path: str
    name: str
    successors: int
    successor: int
    successor_path: str
    successor_name: str


class UnitRow(NamedTuple):
    """What a plan needs of a unit (plain tuples: a national plan reads ten thousand)."""

    id: int
    parent_id: int | None
    path: str
    code: str
    name: str
    valid_from: date | None
    valid_to: date | None


def _mergers(session: Session, within: str) -> dict[int, Merger]:
    """Return the abolished units with successors that can move records into a subtree.

    Those inside it, those whose first successor is inside it, and those whose first successor
    was abolished in turn (a chain, followed in Python): the rest cannot matter, and a province
    need not read the whole country's ten thousand old communes on every report.
    """
    first = (
        select(
            unit_successors.c.unit_id,
            func.min(unit_successors.c.successor_id).label("first"),
            func.count().label("successors"),
        )
        .group_by(unit_successors.c.unit_id)
        .subquery()
    )
    old, new = aliased(Unit), aliased(Unit)
    query = (
        select(
            old.id,
            old.path,
            old.name,
            first.c.successors,
            new.id.label("successor"),
            new.path.label("successor_path"),
            new.name.label("successor_name"),
        )
        .join(first, first.c.unit_id == old.id)
        .join(new, new.id == first.c.first)
        .where(
            old.valid_to.is_not(None),
            or_(
                old.path.startswith(within, autoescape=True),
                new.path.startswith(within, autoescape=True),
                new.valid_to.is_not(None),
            ),
        )
    )
    return {row[0]: Merger._make(row[1:]) for row in session.execute(query)}


def _final(mergers: dict[int, Merger], unit_id: int, path: str, name: str) -> tuple[int, str, str]:
    """Follow first successors from a unit to the one that still exists: (id, path, name)."""
    for _ in range(MAX_HOPS):
        merger = mergers.get(unit_id)
        if merger is None:
            break
        unit_id, path, name = merger.successor, merger.successor_path, merger.successor_name
    return unit_id, path, name


def build_plan(
    session: Session,
    unit: Unit,
    *,
    boundaries: str,
    period: Period,
    today: date,
    scope: str | None = None,
) -> RowPlan:
    """Work out the rows of a report on a unit and the row each unit's records count in.

    scope is the path of the caller's subtree (None for an administrator): the records of an
    abolished unit outside it never count, even where its successor lies inside.
    """
    found = session.execute(
        select(*_COLUMNS).where(Unit.path.startswith(unit.path, autoescape=True))
    )
    units = [UnitRow._make(row) for row in found]
    depth = unit.path.count("/") - 2

    def row_of(target_id: int, target_path: str) -> int:
        return unit.id if target_id == unit.id else int(target_path.split("/")[depth + 2])

    children = sorted(
        (u for u in units if u.parent_id == unit.id),
        key=lambda u: (u.valid_to is not None, u.code, u.name),
    )
    rows = {unit.id: Row(unit.id, unit.code, unit.name, unit.valid_to, is_self=True)}
    for child in children:
        row = Row(child.id, child.code, child.name, child.valid_to)
        row.always = _shown(child, boundaries, period, today)
        if child.valid_to is not None:
            row.notes.append(f"Đơn vị cũ (đến ngày {vn_date(child.valid_to)})")
        rows[child.id] = row
    rows[unit.id].always = not children

    candidates = [(u.id, u.path, u.name) for u in units]
    mergers = _mergers(session, unit.path) if boundaries == "new" else {}
    inside = {u.id for u in units}
    # Abolished units elsewhere whose successor may lie inside the reported subtree.
    candidates += [(i, m.path, m.name) for i, m in mergers.items() if i not in inside]
    sources, moved = [], {}
    for unit_id, path, name in candidates:
        if scope is not None and not path.startswith(scope):
            continue
        target_id, target_path, target_name = _final(mergers, unit_id, path, name)
        if not target_path.startswith(unit.path):
            continue
        row_id = row_of(target_id, target_path)
        if target_id == unit_id:
            sources.append(Source(unit_id, row_id))
            continue
        sources.append(Source(unit_id, row_id, moved_from=unit_id))
        moved[unit_id] = Moved(name, mergers[unit_id].successors, target_name)
    return RowPlan(unit, boundaries, rows, sources, moved)


def moved_notes(plan: RowPlan, counts: dict[int, int], noun: str) -> dict[int, list[str]]:
    """Return, per row, the notes that say which abolished units' records it includes."""
    by_row: dict[int, list[tuple[int, int]]] = {}
    row_of = {s.unit_id: s.row_id for s in plan.sources}
    for origin, count in sorted(counts.items()):
        if count:
            by_row.setdefault(row_of[origin], []).append((origin, count))
    return {row_id: _moved_note(plan, found, noun) for row_id, found in by_row.items()}


def _moved_note(plan: RowPlan, found: list[tuple[int, int]], noun: str) -> list[str]:
    if len(found) > MAX_NAMED_ORIGINS:
        # A province's row may gather hundreds of old communes: name a few, count the rest.
        named = ", ".join(plan.moved[origin].name for origin, _ in found[:MAX_NAMED_ORIGINS])
        total = sum(count for _, count in found)
        text = f"Gồm {total} {noun} của {len(found)} đơn vị cũ ({named}…)"
        if any(plan.moved[origin].successors > 1 for origin, _ in found):
            text += "; đơn vị cũ có nhiều đơn vị kế thừa được tính cho đơn vị đầu tiên"
        return [text]
    notes = []
    for origin, count in found:
        info = plan.moved[origin]
        text = f"Gồm {count} {noun} của {info.name} (cũ)"
        if info.successors > 1:
            text += (
                f"; đơn vị này có {info.successors} đơn vị kế thừa, "
                f"số liệu tính cho đơn vị đầu tiên ({info.target_name})"
            )
        notes.append(text)
    return notes
