"""Write the append-only audit trail."""

from sqlalchemy.orm import Session

from server.models import AuditEvent, Device, User
from server.models.types import utcnow
from sync.clock import ActionTime


def record_event(
    session: Session,
    *,
    user: User | None,
    device: Device | None,
    table: str,
    record_id: str | int,
    action: str,
    before: dict | None = None,
    after: dict | None = None,
    comment: str | None = None,
    version: int | None = None,
    base_version: int | None = None,
    when: ActionTime | None = None,
) -> AuditEvent:
    """Append one audit event to the current transaction; `when` the person acted, default now."""
    now = utcnow()
    event = AuditEvent(
        at=now,
        acted_at=when.at if when else now,
        clock_flag=when.flag if when else None,
        user_id=user.id if user else None,
        device_id=device.id if device else None,
        table_name=table,
        record_id=str(record_id),
        action=action,
        before=before,
        after=after,
        comment=comment,
        version=version,
        base_version=base_version,
    )
    session.add(event)
    return event
