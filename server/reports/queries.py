"""The SQL behind the reports: records joined to their row through the plan's VALUES table.

Every aggregate groups by (row, moved_from): the row is what the report prints, moved_from
names the abolished unit a merger moved records from (0 when none), so the notes can say so.
"""

from datetime import datetime, time, timedelta

from sqlalchemy import (
    CTE,
    ColumnElement,
    Integer,
    SQLColumnExpression,
    and_,
    case,
    column,
    func,
    literal,
    null,
    or_,
    select,
    text,
    type_coerce,
    union_all,
)
from sqlalchemy.orm import InstrumentedAttribute, Session, aliased

from server.models import AuditEvent, Device, Meeting, ModelRecord, Unit, User
from server.models.types import UtcDateTime
from server.reports.periods import Period, day_after
from server.reports.rollup import RowPlan

PAUSED = "TAM_DUNG"
NEW_STATUSES = ("DANG_KY", "DANG_XAY_DUNG")
# R2: a model is "triển khai hiệu quả" once it is maintained or replicated (docs/REPORTS.md).
EFFECTIVE_STATUSES = ("DANG_DUY_TRI", "DA_NHAN_RONG")
FIELD_KEYS = {
    "KINH_TE": "kinh_te",
    "VAN_HOA_XA_HOI": "van_hoa_xa_hoi",
    "QP_AN": "qp_an",
    "XD_HTCT": "xd_htct",
}
# Age buckets of the review backlog, in days since the record was submitted.
RECENT_DAYS, OLD_DAYS = 7, 30
# Both databases name a VALUES list's columns column1, column2, …
PLAN_COLUMNS = "column1 AS unit_id, column2 AS row_id, column3 AS moved_from, column4 AS row_order"


def row_map(plan: RowPlan) -> CTE:
    """Return the plan as a VALUES table: unit_id → row_id, moved_from, row_order."""
    order = plan.order()
    # Written out by hand rather than as SQLAlchemy literals: compiling a few thousand literal
    # nodes took longer than PostgreSQL takes to run the whole report. Every value is an int
    # from the unit table (int() makes sure), so nothing from a request reaches the SQL.
    data = ", ".join(
        f"({int(s.unit_id)}, {int(s.row_id)}, {int(s.moved_from)}, {int(order[s.row_id])})"
        for s in plan.sources
    )
    sql = f"SELECT {PLAN_COLUMNS} FROM (VALUES {data}) AS plan_rows"  # noqa: S608 - ints only
    table = text(sql).columns(
        column("unit_id", Integer),
        column("row_id", Integer),
        column("moved_from", Integer),
        column("row_order", Integer),
    )
    return table.cte("row_map")


def review_filter(status_column: SQLColumnExpression[str], records: str) -> ColumnElement[bool]:
    """Return the condition on review status: approved only, or everything not cancelled."""
    return status_column == "DA_DUYET" if records == "approved" else status_column != "HUY"


def counted_by(period: Period) -> str:
    """Return the model column a period counts by (see docs/REPORTS.md)."""
    return "year_registered" if period.whole_years else "start_date"


def model_in(period: Period, basis: str) -> ColumnElement[bool]:
    """Return the condition that a model counts in a period."""
    if basis == "year_registered":
        return ModelRecord.year_registered.between(period.start.year, period.end.year)
    return ModelRecord.start_date.between(period.start, period.end)


def meeting_in(period: Period) -> ColumnElement[bool]:
    """Return the condition that a meeting took place in a period (by its start)."""
    start = datetime.combine(period.start, time.min)
    return and_(
        Meeting.start_at >= start,
        Meeting.start_at < datetime.combine(day_after(period.end), time.min),
    )


def grouped_on(by: str) -> InstrumentedAttribute[int]:
    """Return the model column whose unit decides a model's row: its owner or its commune."""
    return ModelRecord.commune_unit_id if by == "commune" else ModelRecord.owner_unit_id


def owner_in_scope(by: str, scope: str | None) -> list:
    """Return the condition that the caller may see a model, when rows follow its commune.

    Grouped by owner, the plan holds only units in the caller's scope, so the join is the
    scope; grouped by commune, the plan holds every commune of the reported subtree and the
    model must still be owned inside the caller's subtree (docs/REPORTS.md).
    """
    if by != "commune" or scope is None:
        return []
    owners = select(Unit.id).where(Unit.path.startswith(scope, autoescape=True))
    return [ModelRecord.owner_unit_id.in_(owners)]


def _count(*conditions):
    return func.coalesce(func.sum(case((and_(*conditions), 1), else_=0)), 0)


def model_summary(
    session: Session,
    plan: RowPlan,
    period: Period,
    records: str,
    *,
    by: str = "owner",
    scope: str | None = None,
) -> list[dict]:
    """Count models by row for R1: subjects, fields, statuses, and the same period before."""
    if not plan.sources:
        return []
    model, rm = ModelRecord, row_map(plan)
    basis = counted_by(period)
    now, before = model_in(period, basis), model_in(period.previous(), basis)
    counts = {
        "total": _count(now),
        "tap_the": _count(now, model.subject_type == "TAP_THE"),
        "ca_nhan": _count(now, model.subject_type == "CA_NHAN"),
        **{key: _count(now, model.field == code) for code, key in FIELD_KEYS.items()},
        "xay_dung_moi": _count(now, model.status.in_(NEW_STATUSES)),
        "duy_tri": _count(now, model.status == "DANG_DUY_TRI"),
        "nhan_rong": _count(now, model.status == "DA_NHAN_RONG"),
        "tam_dung": _count(now, model.status == PAUSED),
        "previous": _count(before),
    }
    query = (
        select(rm.c.row_id, rm.c.moved_from, *(c.label(k) for k, c in counts.items()))
        .select_from(model)
        .join(rm, rm.c.unit_id == grouped_on(by))
        .where(
            model.deleted.is_(False),
            review_filter(model.review_status, records),
            or_(now, before),
            *owner_in_scope(by, scope),
        )
        .group_by(rm.c.row_id, rm.c.moved_from)
    )
    return [row._asdict() for row in session.execute(query)]


def models_by_year(
    session: Session, plan: RowPlan, first: int, last: int, records: str
) -> list[tuple[int, str, int]]:
    """Count models by registration year and field over a range of years."""
    if not plan.sources:
        return []
    model, rm = ModelRecord, row_map(plan)
    query = (
        select(model.year_registered, model.field, func.count())
        .join(rm, rm.c.unit_id == model.owner_unit_id)
        .where(
            model.deleted.is_(False),
            review_filter(model.review_status, records),
            model.year_registered.between(first, last),
        )
        .group_by(model.year_registered, model.field)
    )
    return [tuple(row) for row in session.execute(query)]


def model_list(
    session: Session,
    plan: RowPlan,
    period: Period,
    records: str,
    *,
    field: str | None,
    limit: int,
    offset: int,
    max_total: int | None = None,
    by: str = "owner",
    scope: str | None = None,
) -> tuple[int, list]:
    """Return how many models R3 lists and one slice of them (none past max_total)."""
    if not plan.sources:
        return 0, []
    model, rm = ModelRecord, row_map(plan)
    commune = aliased(Unit)
    conditions = [
        model.deleted.is_(False),
        review_filter(model.review_status, records),
        model_in(period, counted_by(period)),
        *owner_in_scope(by, scope),
    ]
    if field:
        conditions.append(model.field == field)
    base = select(model).join(rm, rm.c.unit_id == grouped_on(by)).where(*conditions)
    total = session.scalar(select(func.count()).select_from(base.subquery())) or 0
    if max_total is not None and total > max_total:
        return total, []
    query = (
        base.add_columns(rm.c.row_id, commune.name)
        .join(commune, commune.id == model.commune_unit_id)
        .order_by(rm.c.row_order, model.start_date, model.name, model.id)
        .limit(limit)
        .offset(offset)
    )
    return total, list(session.execute(query))


def meeting_counts(session: Session, plan: RowPlan, period: Period, records: str) -> list[dict]:
    """Count meetings and attendance by row and type."""
    if not plan.sources:
        return []
    rm = row_map(plan)
    query = (
        select(
            rm.c.row_id,
            rm.c.moved_from,
            Meeting.type,
            func.count().label("meetings"),
            func.coalesce(func.sum(Meeting.actual_count), 0).label("attendance"),
            _count(Meeting.actual_count.is_(None)).label("uncounted"),
        )
        .join(rm, rm.c.unit_id == Meeting.owner_unit_id)
        .where(
            Meeting.deleted.is_(False),
            review_filter(Meeting.review_status, records),
            meeting_in(period),
        )
        .group_by(rm.c.row_id, rm.c.moved_from, Meeting.type)
    )
    return [row._asdict() for row in session.execute(query)]


def meeting_list(
    session: Session,
    plan: RowPlan,
    period: Period,
    records: str,
    *,
    kind: str | None,
    limit: int,
    offset: int,
    max_total: int | None = None,
) -> tuple[int, list]:
    """Return how many meetings R4 lists and one slice of them (none past max_total)."""
    if not plan.sources:
        return 0, []
    rm = row_map(plan)
    conditions = [
        Meeting.deleted.is_(False),
        review_filter(Meeting.review_status, records),
        meeting_in(period),
    ]
    if kind:
        conditions.append(Meeting.type == kind)
    base = select(Meeting).join(rm, rm.c.unit_id == Meeting.owner_unit_id).where(*conditions)
    total = session.scalar(select(func.count()).select_from(base.subquery())) or 0
    if max_total is not None and total > max_total:
        return total, []
    query = (
        base.add_columns(rm.c.row_id)
        .order_by(rm.c.row_order, Meeting.start_at, Meeting.title, Meeting.id)
        .limit(limit)
        .offset(offset)
    )
    return total, list(session.execute(query))


def status_counts(session: Session, plan: RowPlan, period: Period) -> list[tuple[int, str, int]]:
    """Count models and meetings of the period by row and review status (R7)."""
    if not plan.sources:
        return []
    rm = row_map(plan)
    parts = [
        select(rm.c.row_id, table.review_status.label("status"))
        .join(rm, rm.c.unit_id == table.owner_unit_id)
        .where(table.deleted.is_(False), condition)
        for table, condition in (
            (ModelRecord, model_in(period, counted_by(period))),
            (Meeting, meeting_in(period)),
        )
    ]
    both = union_all(*parts).subquery()
    query = select(both.c.row_id, both.c.status, func.count()).group_by(
        both.c.row_id, both.c.status
    )
    return [tuple(row) for row in session.execute(query)]


def backlog(session: Session, plan: RowPlan, now: datetime) -> list[tuple[int, str, str, int]]:
    """Count submitted records by row, table and age since their last submission.

    The submission time is the record's submitted_at; for records submitted before that column
    existed, the last "submit" audit event; failing both, the last change.
    """
    if not plan.sources:
        return []
    rm = row_map(plan)
    parts = []
    for table, name in ((ModelRecord, "models"), (Meeting, "meetings")):
        submitted = (
            select(func.max(AuditEvent.acted_at))
            .where(
                AuditEvent.table_name == name,
                AuditEvent.record_id == table.id,
                AuditEvent.action == "submit",
            )
            .scalar_subquery()
        )
        parts.append(
            select(
                rm.c.row_id,
                literal(name).label("table_name"),
                # COALESCE stops at the first value: the audit trail is only read for records
                # submitted before submitted_at existed.
                func.coalesce(table.submitted_at, submitted, table.updated_at).label("since"),
            )
            .join(rm, rm.c.unit_id == table.owner_unit_id)
            .where(table.deleted.is_(False), table.review_status == "CHO_DUYET")
        )
    both = union_all(*parts).subquery()
    since = type_coerce(both.c.since, UtcDateTime())
    age = case(
        (since > now - timedelta(days=RECENT_DAYS), "lt_7"),
        (since >= now - timedelta(days=OLD_DAYS), "d7_30"),
        else_="gt_30",
    ).label("age")
    query = select(both.c.row_id, both.c.table_name, age, func.count()).group_by(
        both.c.row_id, both.c.table_name, age
    )
    return [tuple(row) for row in session.execute(query)]


def device_summary(session: Session, plan: RowPlan) -> list[tuple]:
    """Return per row: devices, pending changes they reported, and the last sync."""
    if not plan.sources:
        return []
    rm = row_map(plan)
    query = (
        select(
            rm.c.row_id,
            func.count(Device.id),
            func.coalesce(func.sum(Device.pending_count), 0),
            func.max(Device.last_sync_at),
        )
        .join(User, User.id == Device.user_id)
        .join(rm, rm.c.unit_id == User.unit_id)
        .where(Device.revoked_at.is_(None))
        .group_by(rm.c.row_id)
    )
    return [tuple(row) for row in session.execute(query)]


def app_versions(session: Session, plan: RowPlan) -> list[tuple[int, str | None, int]]:
    """Count signed-in devices by row and app version."""
    if not plan.sources:
        return []
    rm = row_map(plan)
    query = (
        select(rm.c.row_id, Device.app_version, func.count())
        .join(User, User.id == Device.user_id)
        .join(rm, rm.c.unit_id == User.unit_id)
        .where(Device.revoked_at.is_(None))
        .group_by(rm.c.row_id, Device.app_version)
    )
    return [tuple(row) for row in session.execute(query)]


def unit_names(session: Session, ids: set[int]) -> dict[int, str]:
    """Return the names of some units by id."""
    if not ids:
        return {}
    return dict(session.execute(select(Unit.id, Unit.name).where(Unit.id.in_(ids))).tuples().all())


def registered_vs_effective(
    session: Session, plan: RowPlan, period: Period, records: str
) -> list[tuple[int | None, int, int]]:
    """Count R2's models: (year or None, registered, effective) for a period.

    Whole years come back one row per registration year; any other period as one row (None).
    """
    if not plan.sources:
        return []
    model, rm = ModelRecord, row_map(plan)
    basis = counted_by(period)
    year = model.year_registered if basis == "year_registered" else null()
    query = (
        select(
            year.label("year"),
            func.count().label("registered"),
            _count(model.status.in_(EFFECTIVE_STATUSES)).label("effective"),
        )
        .select_from(model)
        .join(rm, rm.c.unit_id == model.owner_unit_id)
        .where(
            model.deleted.is_(False),
            review_filter(model.review_status, records),
            model_in(period, basis),
        )
    )
    if basis == "year_registered":
        query = query.group_by(model.year_registered)
    return [(row[0], int(row[1]), int(row[2])) for row in session.execute(query)]
