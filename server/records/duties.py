"""Separation of duties: a reviewer never decides on a version they wrote part of."""

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from server.errors import ApiError
from server.models import AuditEvent, SyncedRecord, User

# Steps that decide on a submitted version (PROTOCOL.md §7).
DECISIONS = ("approve", "return")
# Audited actions that put values into a record's version.
WRITES = ("create", "update", "restore")


def refuse_own_work(
    session: Session, table: str, record: SyncedRecord, actor: User, action: str
) -> None:
    """Raise REVIEW_OWN_WORK when the actor wrote to the record since it was last submitted."""
    if action not in DECISIONS:
        return
    trail = (AuditEvent.table_name == table, AuditEvent.record_id == str(record.id))
    submitted = (
        select(func.max(AuditEvent.id)).where(*trail, AuditEvent.action == "submit")
    ).scalar_subquery()
    # With no submit in the trail (data loaded from elsewhere), every write counts.
    wrote = session.scalar(
        select(AuditEvent.id)
        .where(
            *trail,
            AuditEvent.user_id == actor.id,
            AuditEvent.action.in_(WRITES),
            AuditEvent.id > func.coalesce(submitted, 0),
        )
        .limit(1)
    )
    if wrote is not None:
        raise ApiError(
            "REVIEW_OWN_WORK",
            {
                "reason": "the reviewer wrote to this version after it was submitted",
                "status": record.review_status,
                "current_version": record.version,
            },
        )
