"""The records officers create on their phones: models/exemplars and meetings."""

from datetime import date, datetime

from sqlalchemy import JSON, BigInteger, Date, DateTime, Float, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from server.extensions import Model
from server.models.types import UtcDateTime, utcnow


class SyncedRecord:
    """Columns every table that phones sync carries."""

    # UUID made on the phone, so a record exists before it ever reaches the server.
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    version: Mapped[int] = mapped_column(default=1)
    # Server-assigned, globally monotonic: the pull cursor, never a clock.
    change_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    deleted: Mapped[bool] = mapped_column(default=False)
    review_status: Mapped[str] = mapped_column(String(16), default="NHAP")
    review_comment: Mapped[str | None] = mapped_column(Text)
    reviewed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # The reviewer's name as it was when they decided: what the officer's phone shows.
    reviewed_by_name: Mapped[str | None] = mapped_column(String(255))
    # When the current submission was made, who approved it at which level so far, and the
    # level that must act next (multi-level approval, PROTOCOL.md §7).
    submitted_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    approvals: Mapped[list] = mapped_column(JSON, default=list)
    awaiting_unit_id: Mapped[int | None]
    # The record version at which each field last changed: the base of field-level merge.
    field_versions: Mapped[dict] = mapped_column(JSON, default=dict)
    # Which device wrote each recent version ({"3": device_id}): a device never conflicts
    # with its own earlier edits, even when it made them before learning their versions.
    version_writers: Mapped[dict] = mapped_column(JSON, default=dict)
    # Diacritic-folded, lower-cased text of the searchable fields, filled on every write.
    search_text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    device_id: Mapped[str | None] = mapped_column(String(36))
    # The record as pulls send it, rendered by every ORM write (server/records/wire.py), and
    # the change_seq it was rendered at: a pull uses the text only while the two match.
    wire_json: Mapped[str | None] = mapped_column(Text)
    wire_seq: Mapped[int | None] = mapped_column(BigInteger)
    # The photos and documents the record declares (schema 2, PROTOCOL.md §12.1).
    attachments: Mapped[list | None] = mapped_column(JSON, default=list)
    # The declared files (attachments' sha256) the server holds complete, server-owned and sent
    # with the record, so a pull needs no join to tell "2/3 received" (PROTOCOL.md §12.3).
    files_received: Mapped[list | None] = mapped_column(JSON, default=list)

    @declared_attr
    def owner_unit_id(cls) -> Mapped[int]:  # noqa: N805 - SQLAlchemy passes the class
        return mapped_column(ForeignKey("units.id"), index=True)

    @declared_attr
    def created_by_id(cls) -> Mapped[int | None]:  # noqa: N805
        return mapped_column(ForeignKey("users.id"))

    @declared_attr
    def updated_by_id(cls) -> Mapped[int | None]:  # noqa: N805
        return mapped_column(ForeignKey("users.id"))

    @declared_attr
    def reviewed_by_id(cls) -> Mapped[int | None]:  # noqa: N805
        return mapped_column(ForeignKey("users.id"))


class ModelRecord(SyncedRecord, Model):
    """A "Dân vận khéo" model (mô hình) or exemplar (điển hình), DOMAIN.md §2.3."""

    __tablename__ = "dvk_models"
    __table_args__ = (
        Index("ix_dvk_models_seq", "change_seq"),
        Index("ix_dvk_models_owner_seq", "owner_unit_id", "change_seq"),
        # Covers every column the reports filter and count by, so a province's summary over a
        # million records is an index-only scan per unit (server/reports, bench/reports_scale).
        Index(
            "ix_dvk_models_rollup",
            "owner_unit_id",
            "year_registered",
            "start_date",
            "review_status",
            "deleted",
            "field",
            "subject_type",
            "status",
        ),
    )

    kind: Mapped[str] = mapped_column(String(16))
    subject_type: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(500))
    field: Mapped[str] = mapped_column(String(16))
    collective_name: Mapped[str | None] = mapped_column(String(500))
    person_name: Mapped[str | None] = mapped_column(String(255))
    person_position: Mapped[str | None] = mapped_column(String(255))
    person_gender: Mapped[str | None] = mapped_column(String(8))
    person_ethnicity: Mapped[str | None] = mapped_column(String(64))
    person_birth_year: Mapped[int | None]
    commune_unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    locality: Mapped[str] = mapped_column(String(255))
    lead_org: Mapped[str | None] = mapped_column(String(255))
    start_date: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16))
    period: Mapped[str] = mapped_column(String(16))
    year_registered: Mapped[int]
    objective: Mapped[str] = mapped_column(Text)
    method: Mapped[str] = mapped_column(Text)
    results: Mapped[str | None] = mapped_column(Text)
    metrics: Mapped[list] = mapped_column(JSON, default=list)
    topic_tags: Mapped[list] = mapped_column(JSON, default=list)
    replicated_from_id: Mapped[str | None] = mapped_column(String(36))
    geo_lat: Mapped[float | None] = mapped_column(Float)
    geo_lon: Mapped[float | None] = mapped_column(Float)
    geo_accuracy: Mapped[float | None] = mapped_column(Float)
    notes: Mapped[str | None] = mapped_column(Text)


class Meeting(SyncedRecord, Model):
    """A meeting or activity (hội nghị, tọa đàm, tập huấn…), DOMAIN.md §2.4–2.5."""

    __tablename__ = "meetings"
    __table_args__ = (
        Index("ix_meetings_seq", "change_seq"),
        Index("ix_meetings_owner_seq", "owner_unit_id", "change_seq"),
        Index("ix_meetings_report", "owner_unit_id", "start_at", "type"),
    )

    type: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(500))
    format: Mapped[str] = mapped_column(String(16))
    organizer_unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    co_organizer_ids: Mapped[list] = mapped_column(JSON, default=list)
    # Wall-clock time in Vietnam (one time zone, UTC+7): what the invitation says.
    start_at: Mapped[datetime] = mapped_column(DateTime)
    end_at: Mapped[datetime | None] = mapped_column(DateTime)
    part_of_day: Mapped[str | None] = mapped_column(String(8))
    location: Mapped[str] = mapped_column(String(500))
    geo_lat: Mapped[float | None] = mapped_column(Float)
    geo_lon: Mapped[float | None] = mapped_column(Float)
    geo_accuracy: Mapped[float | None] = mapped_column(Float)
    sites: Mapped[list] = mapped_column(JSON, default=list)
    planned_count: Mapped[int | None]
    actual_count: Mapped[int | None]
    # People present but not named in `attendees`; `actual_count` is the whole attendance.
    unnamed_count: Mapped[int | None]
    count_is_approx: Mapped[bool] = mapped_column(default=False)
    audience: Mapped[list] = mapped_column(JSON, default=list)
    report_period: Mapped[str | None] = mapped_column(String(16))
    agenda: Mapped[str | None] = mapped_column(Text)
    content_summary: Mapped[str] = mapped_column(Text)
    speeches_count: Mapped[int | None]
    conclusion: Mapped[str | None] = mapped_column(Text)
    outcomes: Mapped[str | None] = mapped_column(Text)
    linked_model_ids: Mapped[list] = mapped_column(JSON, default=list)
    minutes_no: Mapped[str | None] = mapped_column(String(64))
    # Attendees travel inside their meeting: they are entered, reviewed and merged with it.
    attendees: Mapped[list] = mapped_column(JSON, default=list)
    notes: Mapped[str | None] = mapped_column(Text)
