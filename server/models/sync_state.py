"""Sync bookkeeping: the change counter, conflict records and scope removals."""

from datetime import datetime

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from server.extensions import Model
from server.models.types import BigId, UtcDateTime, utcnow


class SyncCounter(Model):
    """The single row holding the last change sequence handed out."""

    __tablename__ = "sync_counter"

    id: Mapped[int] = mapped_column(primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)


class Conflict(Model):
    """A value that lost a concurrent edit, kept so that a person can restore it."""

    __tablename__ = "conflicts"
    __table_args__ = (
        Index("ix_conflicts_seq", "change_seq"),
        Index("ix_conflicts_owner_seq", "owner_unit_id", "change_seq"),
        Index("ix_conflicts_record", "table_name", "record_id"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    table_name: Mapped[str] = mapped_column(String(32))
    record_id: Mapped[str] = mapped_column(String(36))
    owner_unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    field: Mapped[str] = mapped_column(String(64))
    kept_value: Mapped[object] = mapped_column(JSON, nullable=True)
    lost_value: Mapped[object] = mapped_column(JSON, nullable=True)
    reason: Mapped[str] = mapped_column(String(16))
    base_version: Mapped[int]
    record_version: Mapped[int]
    lost_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    lost_device_id: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    resolution: Mapped[str | None] = mapped_column(String(16))
    change_seq: Mapped[int] = mapped_column(BigInteger, default=0)


class ScopeRemoval(Model):
    """A synced row that left a unit's subtree: devices that saw it there must drop it."""

    __tablename__ = "scope_removals"
    __table_args__ = (Index("ix_scope_removals_seq", "change_seq"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    change_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    table_name: Mapped[str] = mapped_column(String(32))
    record_id: Mapped[str] = mapped_column(String(36))
    from_unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    to_unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    # The path of the unit it left, as it was then: the devices of that unit and of the units
    # above it then are the ones that held the record, wherever those units are now.
    from_path: Mapped[str] = mapped_column(String(512))
    note: Mapped[str | None] = mapped_column(Text)


class MutationResult(Model):
    """The result a device was sent for one mutation, to answer a retry of it the same way."""

    __tablename__ = "mutation_results"

    device_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("devices.id", ondelete="CASCADE"), primary_key=True
    )
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    result: Mapped[dict] = mapped_column(JSON)
    # The record whose server copy the answer carried (PROTOCOL.md §4.7): a retry carries it too.
    show_table: Mapped[str | None] = mapped_column(String(32))
    show_id: Mapped[str | None] = mapped_column(String(36))
