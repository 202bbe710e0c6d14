"""Resolve conflict records: keep the value on the record, or restore the one that lost."""

from sqlalchemy.orm import Session

from server import changes
from server.actor import Actor
from server.audit import record_event
from server.errors import ApiError
from server.models import Conflict, Unit, User
from server.models.types import utcnow
from server.records import service
from server.records.tables import TABLES
from server.scope import can_review, can_write, sees_unit

RESOLUTIONS = ("KEEP_KEPT", "RESTORE_LOST")


def visible_conflict(session: Session, conflict_id: str, user: User) -> Conflict:
    """Load a conflict of a record in the user's scope, or raise NOT_FOUND."""
    conflict = session.get(Conflict, conflict_id)
    if conflict is None or not sees_unit(user, session.get(Unit, conflict.owner_unit_id)):
        raise ApiError("NOT_FOUND")
    return conflict


def resolve(
    session: Session,
    conflict: Conflict,
    resolution: str,
    *,
    actor: Actor,
) -> Conflict:
    """Close a conflict, writing the lost value back into the record when asked to."""
    if resolution not in RESOLUTIONS:
        raise ApiError("VALIDATION_FAILED", {"fields": {"resolution": list(RESOLUTIONS)}})
    if not (can_write(actor.user) or can_review(actor.user)):
        raise ApiError("FORBIDDEN")
    if conflict.resolved_at is not None:
        return conflict  # resolving twice is harmless: a retried delivery
    table = TABLES[conflict.table_name]
    # The caller holds the record and the conflict (a push locks them first): reloading them
    # here would drop what earlier mutations of the same batch did to them.
    record = service.find(session, table, conflict.record_id)
    if resolution == "RESTORE_LOST":
        if record is None or record.deleted:
            raise ApiError("RECORD_DELETED")
        service.update(
            session,
            table,
            record,
            {conflict.field: conflict.lost_value},
            base_version=record.version,
            actor=actor,
            strict=True,
        )
    conflict.resolved_at = utcnow()
    conflict.resolved_by_id = actor.user_id
    conflict.resolution = resolution
    changes.stamp(session, [conflict])
    record_event(
        session,
        actor,
        table=conflict.table_name,
        record_id=conflict.record_id,
        action="resolve",
        after={"conflict_id": conflict.id, "field": conflict.field, "resolution": resolution},
    )
    return conflict
