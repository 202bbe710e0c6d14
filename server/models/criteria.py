"""Criteria sets (bộ tiêu chí) and the evaluations of models against them, DOMAIN.md §2.6."""

from datetime import date, datetime

from sqlalchemy import JSON, BigInteger, Date, Float, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from server.extensions import Model
from server.models.records import SyncedRecord
from server.models.types import UtcDateTime, utcnow


class CriteriaSet(Model):
    """One version of a unit's criteria set; editing a used version makes the next one.

    Versions of one set share `family_id` (the first version's id). A superseded version stays,
    read only, for the evaluations made against it.
    """

    __tablename__ = "criteria_sets"
    __table_args__ = (
        Index("ix_criteria_sets_seq", "change_seq"),
        Index("ix_criteria_sets_family", "family_id", "version_no", unique=True),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    family_id: Mapped[str] = mapped_column(String(36))
    version_no: Mapped[int] = mapped_column(default=1)
    issuer_unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    name: Mapped[str] = mapped_column(String(500))
    doc_number: Mapped[str | None] = mapped_column(String(64))
    doc_date: Mapped[date | None] = mapped_column(Date)
    applies_to: Mapped[list] = mapped_column(JSON, default=list)
    period: Mapped[str | None] = mapped_column(String(16))
    # Whether the model's owner unit may evaluate its own models against this set.
    allow_self: Mapped[bool] = mapped_column(default=False)
    criteria: Mapped[list] = mapped_column(JSON, default=list)
    thresholds: Mapped[dict] = mapped_column(JSON, default=dict)
    max_score: Mapped[float] = mapped_column(Float, default=0)
    superseded_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    superseded_by_id: Mapped[str | None] = mapped_column(String(36))
    change_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class Evaluation(SyncedRecord, Model):
    """A model scored against one criteria set version by the unit that owns the evaluation."""

    __tablename__ = "evaluations"
    __table_args__ = (
        Index("ix_evaluations_seq", "change_seq"),
        Index("ix_evaluations_owner_seq", "owner_unit_id", "change_seq"),
        Index("ix_evaluations_model", "model_id"),
        Index("ix_evaluations_set", "set_id"),
    )

    model_id: Mapped[str] = mapped_column(String(36))
    set_id: Mapped[str] = mapped_column(String(36))
    eval_date: Mapped[date] = mapped_column(Date)
    evaluator_name: Mapped[str | None] = mapped_column(String(255))
    scores: Mapped[list] = mapped_column(JSON, default=list)
    # Derived on every write from the scores and the set's thresholds (sync/scoring.py).
    total: Mapped[float] = mapped_column(Float, default=0)
    rating: Mapped[str] = mapped_column(String(16), default="CHUA_DAT")
    proposal: Mapped[str | None] = mapped_column(String(24))
    notes: Mapped[str | None] = mapped_column(Text)
