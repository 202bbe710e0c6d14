"""The SQL behind recognition and inspection figures: R1's and R3's columns, R5 and R6.

Like `server.reports.queries`, records reach their row through the plan's VALUES table, so old
and new boundaries (and the notes on merged units) work the same way.
"""

from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import and_, case, distinct, func, select
from sqlalchemy.orm import Session

from server.models import Inspection, ModelRecord, Recognition
from server.reports.periods import Period
from server.reports.queries import grouped_on, owner_in_scope, review_filter, row_map
from server.reports.rollup import RowPlan

# The steps of the funnel, in order (DOMAIN.md §2.7).
STAGES = ("CONG_NHAN", "TIEU_BIEU", "DE_NGHI_KHEN", "KHEN")


def recognition_in(period: Period) -> Any:
    """Return the condition that a recognition was decided in a period."""
    return Recognition.decision_date.between(period.start, period.end)


def _live(records: str) -> list[Any]:
    """Return the conditions that a recognition and its model count at all."""
    return [
        Recognition.deleted.is_(False),
        review_filter(Recognition.review_status, records),
        ModelRecord.deleted.is_(False),
        review_filter(ModelRecord.review_status, records),
    ]


def _distinct_models(*conditions: Any) -> Any:
    return func.count(distinct(case((and_(*conditions), ModelRecord.id), else_=None)))


def recognition_counts(
    session: Session,
    plan: RowPlan,
    period: Period,
    records: str,
    *,
    by: str = "owner",
    scope: str | None = None,
) -> list[dict]:
    """Count, by row of R1, the models recognised and those commended in the period."""
    if not plan.sources:
        return []
    rm = row_map(plan)
    query = (
        select(
            rm.c.row_id,
            _distinct_models(Recognition.stage.in_(STAGES)).label("cong_nhan"),
            _distinct_models(Recognition.stage == "KHEN").label("khen_thuong"),
        )
        .select_from(Recognition)
        .join(ModelRecord, ModelRecord.id == Recognition.subject_model_id)
        .join(rm, rm.c.unit_id == grouped_on(by))
        .where(*_live(records), recognition_in(period), *owner_in_scope(by, scope))
        .group_by(rm.c.row_id)
    )
    return [row._asdict() for row in session.execute(query)]


def funnel(
    session: Session,
    plan: RowPlan,
    period: Period,
    records: str,
    *,
    by: str = "owner",
    scope: str | None = None,
) -> dict[str, dict[str, int]]:
    """Return, for each stage, how many models (collective, individual) reached it in the period."""
    out = {stage: {"tap_the": 0, "ca_nhan": 0, "total": 0} for stage in STAGES}
    if not plan.sources:
        return out
    rm = row_map(plan)
    query = (
        select(
            Recognition.stage,
            ModelRecord.subject_type,
            func.count(distinct(ModelRecord.id)),
        )
        .select_from(Recognition)
        .join(ModelRecord, ModelRecord.id == Recognition.subject_model_id)
        .join(rm, rm.c.unit_id == grouped_on(by))
        .where(*_live(records), recognition_in(period), *owner_in_scope(by, scope))
        .group_by(Recognition.stage, ModelRecord.subject_type)
    )
    for stage, subject, count in session.execute(query):
        key = "ca_nhan" if subject == "CA_NHAN" else "tap_the"
        out[stage][key] += count
        out[stage]["total"] += count
    return out


def recognitions_of(
    session: Session, model_ids: Iterable[str], records: str, until: date
) -> dict[str, list[Recognition]]:
    """Return each model's recognitions decided up to a day, oldest first."""
    ids = list(model_ids)
    found: dict[str, list[Recognition]] = {model_id: [] for model_id in ids}
    if not ids:
        return found
    query = (
        select(Recognition)
        .where(
            Recognition.subject_model_id.in_(ids),
            Recognition.deleted.is_(False),
            review_filter(Recognition.review_status, records),
            Recognition.decision_date <= until,
        )
        .order_by(Recognition.decision_date, Recognition.id)
    )
    for recognition in session.scalars(query):
        found[recognition.subject_model_id].append(recognition)
    return found


def commendation_groups(
    session: Session,
    plan: RowPlan,
    period: Period,
    records: str,
    scope: str | None = None,
) -> list[dict]:
    """Group R6's recognitions by decision: stage, level, form, issuer, number, date, period."""
    if not plan.sources:
        return []
    rm = row_map(plan)
    r = Recognition
    keys = (r.stage, r.level, r.form, r.issuer, r.decision_no, r.decision_date, r.period)
    query = (
        select(
            *keys,
            _distinct_models(ModelRecord.subject_type != "CA_NHAN").label("tap_the"),
            _distinct_models(ModelRecord.subject_type == "CA_NHAN").label("ca_nhan"),
        )
        .select_from(r)
        .join(ModelRecord, ModelRecord.id == r.subject_model_id)
        .join(rm, rm.c.unit_id == ModelRecord.owner_unit_id)
        .where(*_live(records), recognition_in(period), *owner_in_scope("owner", scope))
        .group_by(*keys)
    )
    return [row._asdict() for row in session.execute(query)]


def inspections(
    session: Session, plan: RowPlan, period: Period, records: str
) -> list[dict[str, Any]]:
    """Return R5's inspections of the period: their row, kind, targets and follow-up."""
    if not plan.sources:
        return []
    rm = row_map(plan)
    i = Inspection
    query = (
        select(
            rm.c.row_id,
            rm.c.moved_from,
            i.kind,
            i.target_unit_ids,
            i.other_targets,
            i.recommendations,
            i.result,
            i.follow_up_due,
            i.follow_up_done,
        )
        .join(rm, rm.c.unit_id == i.conducting_unit_id)
        .where(
            i.deleted.is_(False),
            review_filter(i.review_status, records),
            i.date_from.between(period.start, period.end),
        )
    )
    return [row._asdict() for row in session.execute(query)]
