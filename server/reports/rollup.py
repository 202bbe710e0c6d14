"""The rows of a report and the row each unit's records roll up to.

A report on a unit has one row per direct child, each aggregating the child's whole subtree,
plus a row for records the unit manages itself. Which units feed which row depends on the
boundaries asked for:

- ``old`` (theo địa giới hành chính cũ): every record stays with the unit that owns it, so a
  district abolished in 2025 keeps its own row for the periods it existed in;
- ``new`` (theo địa giới hành chính mới): a record of an abolished unit (``valid_to`` set, with
  successors) counts for its successor, followed through later mergers; a unit with several
  successors is attributed to the first (lowest id) and the row says so.

The mapping is computed here from the unit table (thousands of rows at most) and handed to SQL
as a small VALUES table, so the million-record side is aggregated by one indexed join.
"""

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from server.models import Unit, unit_successors
from server.reports.periods import Period, vn_date
from server.units.service import REFORM_DATE

BOUNDARIES = ("new", "old")
# Successor chains longer than this are a data error (or a cycle); stop following them.
MAX_HOPS = 10

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


def _shown(unit, boundaries: str, period: Period, today: date) -> bool:
    if boundaries == "new":
        return unit.valid_to is None or unit.valid_to >= today
    started = unit.valid_from is None or unit.valid_from <= period.end
    return started and (unit.valid_to is None or unit.valid_to >= period.start)


def _successors(session: Session) -> dict[int, tuple[int, int]]:
    """Return, for each unit with successors, its first successor and how many it has."""
    query = select(
        unit_successors.c.unit_id,
        func.min(unit_successors.c.successor_id),
        func.count(),
    ).group_by(unit_successors.c.unit_id)
    return {unit_id: (first, count) for unit_id, first, count in session.execute(query)}


def build_plan(
    session: Session, unit: Unit, *, boundaries: str, period: Period, today: date
) -> RowPlan:
    """Work out the rows of a report on a unit and the row each unit's records count in."""
    units = {
        u.id: u
        for u in session.execute(
            select(*_COLUMNS).where(Unit.path.startswith(unit.path, autoescape=True))
        )
    }
    first: dict[int, tuple[int, int]] = {}
    if boundaries == "new":
        first = _successors(session)
        wanted = (set(first) | {s for s, _ in first.values()}) - set(units)
        if wanted:
            outside = session.execute(select(*_COLUMNS).where(Unit.id.in_(wanted)))
            units |= {u.id: u for u in outside}

    def final(unit_id: int) -> int:
        for _ in range(MAX_HOPS):
            info = units.get(unit_id)
            if info is None or info.valid_to is None or unit_id not in first:
                break
            unit_id = first[unit_id][0]
        return unit_id

    depth = unit.path.count("/") - 2

    def row_of(target) -> int:
        return unit.id if target.id == unit.id else int(target.path.split("/")[depth + 2])

    children = sorted(
        (u for u in units.values() if u.parent_id == unit.id),
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

    sources, moved = [], {}
    for source in units.values():
        target = units.get(final(source.id))
        if target is None or not target.path.startswith(unit.path):
            continue
        if target.id == source.id:
            sources.append(Source(source.id, row_of(target)))
            continue
        sources.append(Source(source.id, row_of(target), moved_from=source.id))
        moved[source.id] = Moved(source.name, first[source.id][1], target.name)
    return RowPlan(unit, boundaries, rows, sources, moved)


def moved_notes(plan: RowPlan, counts: dict[int, int], noun: str) -> dict[int, list[str]]:
    """Return, per row, the notes that say which abolished units' records it includes."""
    notes: dict[int, list[str]] = {}
    row_of = {s.unit_id: s.row_id for s in plan.sources}
    for origin, count in sorted(counts.items()):
        if not count:
            continue
        info = plan.moved[origin]
        text = f"Gồm {count} {noun} của {info.name} (cũ)"
        if info.successors > 1:
            text += (
                f"; đơn vị này có {info.successors} đơn vị kế thừa, "
                f"số liệu tính cho đơn vị đầu tiên ({info.target_name})"
            )
        notes.setdefault(row_of[origin], []).append(text)
    return notes
