"""The follow-up list: inspections whose remedy was due and is not marked done."""

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.models import Inspection, Unit


def overdue(session: Session, unit: Unit, as_of: date, scope: str | None) -> list[dict]:
    """Return the overdue follow-ups of inspections owned in a unit's subtree, oldest first."""
    conducting = Unit.__table__.alias("conducting")
    owner = Unit.__table__.alias("owner")
    query = (
        select(Inspection, conducting.c.name)
        .join(conducting, conducting.c.id == Inspection.conducting_unit_id)
        .join(owner, owner.c.id == Inspection.owner_unit_id)
        .where(
            Inspection.deleted.is_(False),
            Inspection.review_status != "HUY",
            Inspection.follow_up_done.is_(False),
            Inspection.follow_up_due < as_of,
            owner.c.path.startswith(unit.path, autoescape=True),
        )
        .order_by(Inspection.follow_up_due, Inspection.date_from, Inspection.id)
    )
    if scope is not None:
        query = query.where(owner.c.path.startswith(scope, autoescape=True))
    out = []
    for inspection, name in session.execute(query):
        due = inspection.follow_up_due
        out.append(
            {
                "id": inspection.id,
                "kind": inspection.kind,
                "subject": inspection.subject,
                "conducting_unit_id": inspection.conducting_unit_id,
                "conducting_unit_name": name,
                "date_from": inspection.date_from,
                "result": inspection.result,
                "recommendations": inspection.recommendations,
                "follow_up_due": due,
                "days_overdue": (as_of - due).days if due else 0,
            }
        )
    return out
