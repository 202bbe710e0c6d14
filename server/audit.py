"""Write the append-only audit trail."""

import typing

from sqlalchemy import Table
from sqlalchemy.orm import Session

from server.actor import Actor
from server.models import AuditEvent
from server.models.types import utcnow
from server.records.rows import insert_rows


def record_event(
    session: Session,
    actor: Actor | None,
    *,
    table: str,
    record_id: str | int,
    action: str,
    before: dict | None = None,
    after: dict | None = None,
    comment: str | None = None,
    version: int | None = None,
    base_version: int | None = None,
) -> None:
    """Append one audit event to the current transaction, at the actor's time of action.

    A None actor is the system itself (an import, the demo data): no person, no device.
    """
    now = utcnow()
    row = {
        "at": now,
        "acted_at": actor.acted_at(now) if actor else now,
        "clock_flag": actor.clock_flag if actor else None,
        "user_id": actor.user_id if actor else None,
        "device_id": actor.device_id if actor else None,
        "table_name": table,
        "record_id": str(record_id),
        "action": action,
        "before": before,
        "after": after,
        "comment": comment,
        "version": version,
        "base_version": base_version,
    }
    deferred = session.info.get(DEFERRED)
    if deferred is not None:
        deferred.append(row)
        return
    session.add(AuditEvent(**row))


DEFERRED = "deferred_audit_events"
AUDIT_EVENTS = typing.cast(Table, AuditEvent.__table__)


def defer_events(session: Session) -> None:
    """Collect the events of a batch instead of adding an ORM object per event."""
    session.info[DEFERRED] = []


def write_deferred_events(session: Session) -> None:
    """Insert the collected events in one statement, in the order they happened."""
    rows = session.info.pop(DEFERRED, None)
    if rows:
        # The table, not the class: a plain executemany, without the ORM's bulk bookkeeping.
        insert_rows(session, AUDIT_EVENTS, rows)
