"""Append-only audit trail of every write."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.extensions import Model
from server.models.accounts import User
from server.models.types import BigId, UtcDateTime, utcnow


class AuditEvent(Model):
    """Who did what to which record, from which device, with the values before and after."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_record", "table_name", "record_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    # When the server received the change.
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    # When the person acted: the phone's clock for a synced change (offline for days, maybe),
    # checked and clamped by sync.clock; clock_flag says why it was clamped (sync.clock.FLAGS).
    acted_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    clock_flag: Mapped[str | None] = mapped_column(String(16))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    device_id: Mapped[str | None] = mapped_column(String(36))
    table_name: Mapped[str] = mapped_column(String(32))
    record_id: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(32))
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)
    comment: Mapped[str | None] = mapped_column(Text)
    # The record version the event produced, and the version the change was based on: the
    # history screen shows versions, and tests prove no edit silently overwrote another.
    version: Mapped[int | None]
    base_version: Mapped[int | None]

    user: Mapped[User | None] = relationship()
