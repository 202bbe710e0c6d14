"""What every report does first: decide the boundaries, plan the rows, pick the rows to show."""

from collections.abc import Container
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from server.errors import ApiError
from server.models import Unit
from server.reports.periods import Period, vn_date
from server.reports.rollup import Row, RowPlan, build_plan, default_boundaries
from server.reports.tables import Column, Report

# Exports hold every row in memory (openpyxl builds the whole sheet before saving): 20,000 rows
# of 12 columns take a few seconds and ~150 MB; beyond that, narrow the period or the unit.
EXPORT_LIMIT = 20_000


@dataclass
class ReportArgs:
    """What a report is asked for, once parsed and authorized."""

    unit: Unit
    period: Period
    today: date
    now: datetime
    # Path of the caller's subtree, None for an administrator (see rollup.build_plan).
    scope: str | None = None
    records: str = "approved"
    boundaries: str | None = None
    field: str | None = None
    kind: str | None = None
    page: int = 1
    per_page: int = 50
    export: bool = False
    # Which unit a model counts for in R1 and R3: its managing unit or its commune.
    by: str = "owner"

    @property
    def resolved_boundaries(self) -> str:
        """Return the boundaries asked for, or the period's default."""
        return self.boundaries or default_boundaries(self.period)


def plan_for(session: Session, args: ReportArgs, *, by: str = "owner") -> RowPlan:
    """Plan the rows of a report; rows by commune map every commune, scope applies to owners."""
    return build_plan(
        session,
        args.unit,
        boundaries=args.resolved_boundaries,
        period=args.period,
        today=args.today,
        # A model's commune may lie outside the caller's subtree while its owner lies inside:
        # queries.owner_in_scope keeps the scope on the owner instead.
        scope=None if by == "commune" else args.scope,
    )


def shown_rows(plan: RowPlan, with_data: Container[int]) -> list[Row]:
    """Return the rows a report prints: current units, and any unit that has data."""
    return [row for row in plan.rows.values() if row.always or row.id in with_data]


def row_name(row: Row, shown: list[Row]) -> str:
    """Return the name a row prints; the unit's own row says it holds its own records."""
    if row.is_self and len(shown) > 1:
        return f"{row.name} (trực tiếp quản lý)"
    return row.name


def page_window(args: ReportArgs) -> tuple[int, int]:
    """Return (limit, offset) of a list: one page as JSON, everything in an export."""
    if args.export:
        return EXPORT_LIMIT, 0
    return args.per_page, (args.page - 1) * args.per_page


def check_size(args: ReportArgs, count: int) -> None:
    """Refuse an export with more rows than EXPORT_LIMIT."""
    if args.export and count > EXPORT_LIMIT:
        raise ApiError("REPORT_TOO_LARGE", {"rows": count, "limit": EXPORT_LIMIT})


def ended_note(unit: Unit, boundaries: str) -> list[str]:
    """Return the note that explains an abolished unit's empty report on new boundaries."""
    if unit.valid_to is None or boundaries != "new":
        return []
    note = f"Đơn vị này đã kết thúc ngày {vn_date(unit.valid_to)}"
    successors = sorted(unit.successors, key=lambda s: s.id)
    if successors:
        names = ", ".join(s.name for s in successors)
        return [f"{note} — theo địa giới hành chính mới, số liệu tính cho đơn vị kế thừa: {names}."]
    return [f"{note}."]


def new_report(args: ReportArgs, code: str, title: str, columns: list[Column], **kw: Any) -> Report:
    """Start a report with the header every report carries."""
    return Report(
        code=code,
        title=title,
        unit=args.unit,
        period=args.period,
        records=args.records,
        boundaries=args.resolved_boundaries,
        as_of=args.today,
        generated_at=args.now,
        columns=columns,
        rows=[],
        notes=ended_note(args.unit, args.resolved_boundaries),
        **kw,
    )
