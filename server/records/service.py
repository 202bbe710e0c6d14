"""Create, edit, delete and review records: one path for the JSON API and for sync."""

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, TypeVar

from marshmallow import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from server import changes
from server.actor import Actor
from server.audit import record_event
from server.errors import ApiError
from server.files.declare import attachments_written
from server.models import AuditEvent, Conflict, SyncedRecord, Unit, User
from server.models.types import utcnow
from server.records import moves, newrow, plausible
from server.records.duties import refuse_own_work
from server.records.newrow import NewRecord
from server.records.references import check_references
from server.records.schemas import REQUIRED
from server.records.tables import RecordTable, to_wire
from server.schemas import canonical_uuid, stored_text
from server.scope import can_review, can_write, sees_unit
from server.search import search_text
from sync.merge import merge_fields
from sync.workflow import (
    LOCKED,
    RESTORE,
    STEPS,
    SUBMITTED,
    WorkflowError,
    approval_target,
    check_step,
)

# Fields the client never sets directly.
KEY_FIELDS = ("id",)


R = TypeVar("R", SyncedRecord, NewRecord)


@dataclass
class WriteResult(Generic[R]):
    """What a write did: the record, whether it was new, and any values kept aside."""

    record: R
    created: bool = False
    applied: list[str] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)


def find(
    session: Session, table: RecordTable, record_id: str, *, for_update: bool = False
) -> SyncedRecord | None:
    """Load a record by id, deleted or not; None for an id no record can have.

    for_update holds the row until commit (PostgreSQL; SQLite serialises writers anyway), so
    two writers of one record merge in turn instead of both over the same version.
    """
    key = canonical_uuid(record_id)
    if not key:
        return None
    model: type[SyncedRecord] = table.model
    if not for_update:
        return session.get(model, key)
    return session.execute(
        select(model)
        .where(model.id == key)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()


def visible(
    session: Session,
    table: RecordTable,
    record_id: str,
    user: User,
    *,
    include_deleted: bool = False,
    for_update: bool = False,
) -> SyncedRecord:
    """Load a record the user may see, or raise NOT_FOUND."""
    record = find(session, table, record_id, for_update=for_update)
    if record is None or (record.deleted and not include_deleted):
        raise ApiError("NOT_FOUND")
    if not sees_unit(user, session.get(Unit, record.owner_unit_id)):
        raise ApiError("NOT_FOUND")
    return record


def _check_writable(session: Session, record: SyncedRecord, user: User) -> None:
    """Refuse a write: NOT_FOUND outside the user's scope, FORBIDDEN for a non-writer."""
    # Scope first, so a non-writer learns nothing about records outside their units.
    if not sees_unit(user, session.get(Unit, record.owner_unit_id)):
        raise ApiError("NOT_FOUND")
    if not can_write(user):
        raise ApiError("FORBIDDEN")


def _validate_whole(table: RecordTable, record: SyncedRecord, updates: dict) -> None:
    """Validate the record as it would be after the updates, cross-field rules included."""
    schema = table.loader()
    wire = {k: v for k, v in schema.dump(record).items() if v is not None}
    wire.update({k: to_wire(v) for k, v in updates.items()})
    wire = {k: v for k, v in wire.items() if v is not None}
    # The updates were checked already: old text must not block them, and a stored value that a
    # later plausibility rule refuses binds only an edit that sets it (PROTOCOL.md §3.5).
    with stored_text(), plausible.touching(frozenset(updates)):
        schema.load(wire)


def _snapshot(record: SyncedRecord, names: Iterable[str]) -> dict:
    return {n: to_wire(getattr(record, n)) for n in names}


# What a workflow step changes, as audited.
REVIEW_FIELDS = ("review_status", "awaiting_unit_id", "approvals")

# Enough history to recognise a device's own edits across a long offline spell.
MAX_WRITERS = 100


def _bump(record: SyncedRecord, actor: Actor) -> None:
    """Start a new version: who wrote it, from which device, when."""
    record.updated_at = utcnow()
    record.updated_by_id = actor.user_id
    record.device_id = actor.device_id
    record.version += 1
    writers = dict(record.version_writers or {})
    writers[str(record.version)] = actor.device_id
    if len(writers) > MAX_WRITERS:
        for key in sorted(writers, key=int)[: len(writers) - MAX_WRITERS]:
            del writers[key]
    record.version_writers = writers


def _refresh_search(table: RecordTable, record: SyncedRecord) -> None:
    record.search_text = search_text(*(getattr(record, f) for f in table.search_fields))


def _new_record(
    session: Session, table: RecordTable, raw: dict, actor: Actor
) -> tuple[NewRecord, list[str]]:
    """Check a complete client payload; return the new record's row and the fields sent."""
    if not can_write(actor.user):
        raise ApiError("FORBIDDEN")
    values = table.loader().load(raw)
    check_references(session, table, values, actor.user)
    derived = table.derive(session, values, actor, None) if table.derive else {}
    now = utcnow()
    given = {
        **values,
        **derived,
        "version": 1,
        "deleted": False,
        "review_status": "NHAP",
        "field_versions": dict.fromkeys(values, 1),
        "version_writers": {"1": actor.device_id},
        "created_at": now,
        "updated_at": now,
        "created_by_id": actor.user_id,
        "updated_by_id": actor.user_id,
        "device_id": actor.device_id,
    }
    # Folded from the fields as sent, before the column defaults fill the others.
    given["search_text"] = search_text(*(given.get(f) for f in table.search_fields))
    record = NewRecord(table, newrow.complete(table, given))
    if values.get("attachments"):
        attachments_written(session, table.name, record)
    return record, list(values)


def _created_event(
    session: Session, table: RecordTable, record: Any, sent: list[str], actor: Actor
) -> None:
    record_event(
        session,
        actor,
        table=table.name,
        record_id=record.id,
        action="create",
        after=_snapshot(record, sent),
        version=1,
        base_version=0,
    )


def create(
    session: Session,
    table: RecordTable,
    raw: dict,
    *,
    actor: Actor,
) -> WriteResult[SyncedRecord]:
    """Create a record from a complete client payload, as an ORM object in the session."""
    new, sent = _new_record(session, table, raw, actor)
    record = table.model(**new.values)
    session.add(record)
    changes.stamp(session, [record])
    _created_event(session, table, record, sent, actor)
    return WriteResult(record=record, created=True, applied=sorted(sent))


def create_row(
    session: Session,
    table: RecordTable,
    raw: dict,
    *,
    actor: Actor,
) -> WriteResult[NewRecord]:
    """Create a record from a complete client payload as a row for a set-based INSERT.

    The row is the one `create` adds through the ORM, column for column; the caller INSERTs
    it (server/sync_api/store.py) once it is stamped.
    """
    new, sent = _new_record(session, table, raw, actor)
    newrow.note(session, new)
    changes.stamp(session, [new])
    _created_event(session, table, new, sent, actor)
    return WriteResult(record=new, created=True, applied=sorted(sent))


def update(
    session: Session,
    table: RecordTable,
    record: SyncedRecord,
    raw: dict,
    *,
    base_version: int,
    actor: Actor,
    strict: bool,
) -> WriteResult[SyncedRecord]:
    """Apply an edit of some fields; strict edits need the current version, others merge."""
    _check_writable(session, record, actor.user)
    values = table.loader(partial=True).load(raw)
    for key in KEY_FIELDS:
        values.pop(key, None)
    check_references(session, table, values, actor.user, record)
    reason = "DELETED" if record.deleted else "LOCKED" if record.review_status in LOCKED else None
    if reason and strict:
        raise ApiError("RECORD_DELETED" if record.deleted else "RECORD_LOCKED")
    if reason:
        # Nothing is lost: every value the record refused is kept as a conflict to restore.
        lost = [n for n in values if getattr(record, n) != values[n]]
        conflicts = [
            _conflict(session, table, record, n, values[n], reason, base_version, actor)
            for n in lost
        ]
        changes.stamp(session, conflicts)
        code = "RECORD_DELETED" if record.deleted else "RECORD_LOCKED"
        raise KeptAsideError(code, conflicts)
    if strict:
        if base_version != record.version:
            raise ApiError("VERSION_MISMATCH", {"current_version": record.version})
        apply = {n: v for n, v in values.items() if getattr(record, n) != v}
        lost_fields = []
    else:
        current = {n: getattr(record, n) for n in values}
        outcome = merge_fields(
            current,
            record.field_versions or {},
            base_version,
            values,
            writers=record.version_writers or {},
            writer=actor.device_id,
        )
        apply = outcome.apply
        lost_fields = outcome.conflicts
    if apply:
        _validate_whole(table, record, apply)
    derived = table.derive(session, apply, actor, record) if apply and table.derive else {}
    before = _snapshot(record, apply)
    old_owner = record.owner_unit_id
    result = WriteResult(record=record, applied=sorted(apply))
    stamped: list = []
    if apply:
        _bump(record, actor)
        versions = dict(record.field_versions or {})
        for name, value in apply.items():
            setattr(record, name, value)
            versions[name] = record.version
        for name, value in derived.items():
            setattr(record, name, value)
        record.field_versions = versions
        _refresh_search(table, record)
        if "attachments" in apply:
            attachments_written(session, table.name, record)
        stamped.append(record)
        record_event(
            session,
            actor,
            table=table.name,
            record_id=record.id,
            action="update",
            before=before,
            after=_snapshot(record, apply),
            version=record.version,
            base_version=base_version,
        )
    for item in lost_fields:
        result.conflicts.append(
            _conflict(
                session,
                table,
                record,
                item.field,
                item.lost,
                "SAME_FIELD",
                base_version,
                actor,
            )
        )
    stamped.extend(result.conflicts)
    if "owner_unit_id" in apply and old_owner != record.owner_unit_id:
        stamped.extend(moves.owner_changed(session, table.name, record, old_owner))
    changes.stamp(session, stamped)
    return result


class KeptAsideError(ApiError):
    """A refused edit whose values were stored as conflicts."""

    def __init__(self, code: str, conflicts: list[Conflict]):
        super().__init__(code, {"conflict_ids": [c.id for c in conflicts]})
        self.conflicts = conflicts


def _conflict(
    session: Session,
    table: RecordTable,
    record: SyncedRecord,
    name: str,
    lost: Any,
    reason: str,
    base_version: int,
    actor: Actor,
) -> Conflict:
    conflict = Conflict(
        id=str(uuid.uuid4()),
        table_name=table.name,
        record_id=record.id,
        owner_unit_id=record.owner_unit_id,
        field=name,
        kept_value=to_wire(getattr(record, name)),
        lost_value=to_wire(lost),
        reason=reason,
        base_version=base_version,
        record_version=record.version,
        lost_by_id=actor.user_id,
        lost_device_id=actor.device_id,
        created_at=utcnow(),
    )
    session.add(conflict)
    record_event(
        session,
        actor,
        table=table.name,
        record_id=record.id,
        action="conflict",
        before={name: conflict.kept_value},
        after={name: conflict.lost_value},
        comment=reason,
    )
    return conflict


def delete(
    session: Session,
    table: RecordTable,
    record: SyncedRecord,
    *,
    base_version: int,
    actor: Actor,
    strict: bool,
) -> None:
    """Soft-delete a record, leaving a tombstone that devices pull.

    A merged (sync) delete made on an older version than fields others changed since would
    destroy edits its sender never saw: it is refused and recorded, and the device is shown the
    record (PROTOCOL.md §4.4).
    """
    _check_writable(session, record, actor.user)
    if record.deleted:
        return
    if record.review_status == "DA_DUYET":
        raise ApiError("RECORD_LOCKED")
    if strict and base_version != record.version:
        raise ApiError("VERSION_MISMATCH", {"current_version": record.version})
    unseen = [] if strict else changed_by_others(record, base_version, actor.device_id)
    if unseen:
        record_event(
            session,
            actor,
            table=table.name,
            record_id=record.id,
            action="conflict",
            before={"deleted": False},
            after={"deleted": True},
            comment=f"RECORD_CHANGED: {', '.join(unseen)}",
            version=record.version,
            base_version=base_version,
        )
        raise KeptAsideError("RECORD_CHANGED", [])
    record.deleted = True
    _bump(record, actor)
    changes.stamp(session, [record])
    record_event(
        session,
        actor,
        table=table.name,
        record_id=record.id,
        action="delete",
        before={"deleted": False},
        after={"deleted": True},
    )


def changed_by_others(record: SyncedRecord, base_version: int, me: str | None) -> list[str]:
    """Return the fields changed after base_version by a device other than this one (me)."""
    writers = record.version_writers or {}
    return sorted(
        name
        for name, version in (record.field_versions or {}).items()
        if int(version) > base_version and (me is None or writers.get(str(version)) != me)
    )


def restore(session: Session, table: RecordTable, record: SyncedRecord, *, actor: Actor) -> None:
    """Bring a deleted record back as a new version that every device in scope pulls."""
    if not (can_write(actor.user) or can_review(actor.user)):
        raise ApiError("FORBIDDEN")
    if not record.deleted:
        return  # restoring twice is harmless: two people restored it at once
    record.deleted = False
    _bump(record, actor)
    # A delete made before the restore, by someone who never saw it, must not undo it.
    record.field_versions = {**(record.field_versions or {}), "deleted": record.version}
    changes.stamp(session, [record])
    record_event(
        session,
        actor,
        table=table.name,
        record_id=record.id,
        action="restore",
        before={"deleted": True},
        after={"deleted": False},
        version=record.version,
    )


def review(
    session: Session,
    table: RecordTable,
    record: SyncedRecord,
    *,
    action: str,
    based_on: int,
    comment: str | None,
    actor: Actor,
) -> None:
    """Take a workflow step on a record, or restore a deleted one (PROTOCOL.md §7)."""
    unit = session.get(Unit, record.owner_unit_id)
    user = actor.user
    if not sees_unit(user, unit):
        raise ApiError("NOT_FOUND")
    if action == RESTORE:
        restore(session, table, record, actor=actor)
        return
    if record.deleted:
        raise ApiError("RECORD_DELETED")
    try:
        target = check_step(
            action,
            record.review_status,
            is_writer=can_write(user),
            is_reviewer=can_review(user),
            is_own_record=record.created_by_id == user.id,
            based_on=based_on,
            current_version=record.version,
            comment=comment,
        )
    except WorkflowError as exc:
        if exc.code == "VALIDATION_FAILED":
            # The workflow checks two pieces of data: a known action, and a comment where the
            # step needs one. Name the field like any other validation failure.
            if action not in STEPS:
                raise ValidationError({"action": [f"Must be one of: {', '.join(STEPS)}."]}) from exc
            raise ValidationError({"comment": [REQUIRED]}) from exc
        raise ApiError(
            exc.code,
            {
                "reason": exc.detail,
                "status": record.review_status,
                "current_version": record.version,
            },
        ) from exc
    refuse_own_work(session, table.name, record, actor.user, action)
    if action == "approve":
        require_minutes(session, table, record)
    # Submitted, approved, returned: as the person did it, not as their phone reported it.
    now = actor.acted_at(utcnow())
    before = _snapshot(record, REVIEW_FIELDS)
    record.review_status = _advance_approval(session, record, action, target, user, now)
    _bump(record, actor)
    record.field_versions = {**(record.field_versions or {}), "review_status": record.version}
    if action in ("approve", "return", "reopen"):
        record.review_comment = (comment or "").strip() or None
        record.reviewed_at = now
        record.reviewed_by_name = user.full_name
    changes.stamp(session, [record])
    record_event(
        session,
        actor,
        table=table.name,
        record_id=record.id,
        action=action,
        before=before,
        after=_snapshot(record, REVIEW_FIELDS),
        comment=comment,
        version=record.version,
    )


def require_minutes(session: Session, table: RecordTable, record: SyncedRecord) -> None:
    """Refuse to approve a meeting without received minutes where a unit requires them."""
    if table.name != "meetings":
        return
    owner = session.get(Unit, record.owner_unit_id)
    if owner is None:
        return
    unit_ids = [int(part) for part in owner.path.strip("/").split("/") if part]
    wanted = session.scalar(
        select(Unit.id).where(Unit.id.in_(unit_ids), Unit.requires_minutes.is_(True)).limit(1)
    )
    if wanted is None:
        return
    received = set(record.files_received or [])
    attachments = record.attachments or []
    if not any(a["kind"] == "BIEN_BAN" and a["sha256"] in received for a in attachments):
        raise ApiError("MINUTES_REQUIRED", {"unit_id": wanted})


def approval_chain(session: Session, record: SyncedRecord) -> list[int]:
    """Return, bottom-up, the units above a record's owner whose reviewers must approve it."""
    owner = session.get(Unit, record.owner_unit_id)
    if owner is None:  # units are never deleted: a record's owner exists
        raise LookupError(f"unit {record.owner_unit_id} not found")
    ancestor_ids = [int(part) for part in owner.path.strip("/").split("/")[:-1]]
    approving = set(
        session.scalars(
            select(Unit.id).where(Unit.id.in_(ancestor_ids), Unit.approves_records.is_(True))
        )
    )
    return [unit_id for unit_id in reversed(ancestor_ids) if unit_id in approving]


def _advance_approval(
    session: Session, record: SyncedRecord, action: str, target: str, user: User, now: datetime
) -> str:
    """Track submissions and approvals level by level; return the status the step leads to."""
    if action == "submit":
        chain = approval_chain(session, record)
        record.submitted_at = now
        record.approvals = []
        record.awaiting_unit_id = chain[0] if chain else None
        return target
    if action != "approve":
        record.approvals = []
        record.awaiting_unit_id = None
        return target
    chain = approval_chain(session, record)
    approved = [a["unit_id"] for a in record.approvals or []]
    try:
        status, level = approval_target(chain, approved, None if user.is_admin else user.unit_id)
    except WorkflowError as exc:
        raise ApiError(
            exc.code, {"reason": exc.detail, "awaiting_unit_id": record.awaiting_unit_id}
        ) from exc
    if level is not None:
        record.approvals = [
            *(record.approvals or []),
            {"unit_id": level, "by_name": user.full_name, "at": now.isoformat()},
        ]
    pending = [u for u in chain if u not in approved and u != level]
    record.awaiting_unit_id = pending[0] if status == SUBMITTED and pending else None
    return status


def history(session: Session, table: RecordTable, record: SyncedRecord) -> list:
    """Return the audit events of a record, oldest first."""
    return list(
        session.scalars(
            select(AuditEvent)
            .where(AuditEvent.table_name == table.name, AuditEvent.record_id == record.id)
            .order_by(AuditEvent.id)
        )
    )
