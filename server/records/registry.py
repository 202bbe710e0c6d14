"""The record types, declared once: tables, fields, limits, enums, rules, search and forms.

The marshmallow input and output schemas (`server.records.schemas`), the published JSON Schema
(`server.records.jsonschema`), the sync allow-list (`server.records.tables`) and the PWA's
generated module (`server.records.export_schema`) are all built from these declarations, so
adding a field to a record type is one `F(...)` line here plus a migration for its column.
"""

from dataclasses import dataclass
from typing import Any

from server import enums
from server.records import plausible, rules
from server.records.plausible import Plausible

TEXT = 20_000  # long enough for minutes-style summaries, short enough to keep batches small
PERIOD_PATTERN = r"^GD_\d{4}_\d{4}$"  # periods are an open list (DOMAIN.md §6)
NO_DEFAULT: Any = object()


@dataclass(frozen=True)
class F:
    """One field of a record type.

    type: `string` (one line), `text` (may hold line breaks), `enum`, `int`, `float`, `date`,
    `datetime` (wall-clock minutes, PROTOCOL.md §3.5), `uuid`, `unit` (a unit id), `bool`,
    `list` (of `items`, a field, or of `shape`, a nested schema named without In/Out).
    The form hints (`widget`, `enum_name`, `show_if`) say how the PWA's form offers it.
    """

    name: str
    type: str
    required: bool = False
    nullable: bool = False
    min_len: int | None = None
    max_len: int | None = None
    choices: tuple[str, ...] | None = None
    minimum: float | None = None
    maximum: float | None = None
    pattern: str | None = None
    default: Any = NO_DEFAULT
    items: "F | None" = None
    shape: str | None = None
    max_items: int | None = None
    searchable: bool = False
    # "scoped": within the writer's scope; "exists": merely existing (DOMAIN.md §2.4).
    unit_ref: str | None = None
    model_ref: bool = False
    widget: str | None = None
    enum_name: str | None = None
    # (field, "in" | "not_in", values): the form shows the field only then.
    show_if: tuple[str, str, tuple[Any, ...]] | None = None


def enum(name: str, codes: dict, **kw: Any) -> F:
    """Return an enum field whose codes are an enum's keys."""
    return F(name, "enum", choices=tuple(codes), **kw)


def codes(name: str, codes: dict, max_items: int, **kw: Any) -> F:
    """Return a list-of-codes field, empty by default."""
    return F(
        name,
        "list",
        items=F("", "enum", choices=tuple(codes)),
        max_items=max_items,
        default=list,
        **kw,
    )


@dataclass(frozen=True)
class RecordType:
    """One synced record type: its table, wire fields, rules, plausible ranges and form."""

    table: str
    shape: str  # schema names: shape + "In" / "Out"
    fields: tuple[F, ...]
    rules: tuple[rules.Rule, ...]
    plausible: tuple[Plausible, ...]
    form: tuple[str, ...]  # the fields the form offers, in order
    date_field: str
    doc: str = ""

    def field(self, name: str) -> F:
        """Return the field of that name, common fields included."""
        return {f.name: f for f in (*COMMON, *self.fields)}[name]


PERSON = ("subject_type", "in", ("CA_NHAN",))

# Fields every record type shares: the client-chosen id, the owning unit and free notes.
COMMON: tuple[F, ...] = (
    F("id", "uuid", required=True),
    F("owner_unit_id", "unit", required=True, unit_ref="scoped", widget="select"),
    F("notes", "text", nullable=True, max_len=TEXT),
)

# Schema 2: the photos and documents a record declares, by content hash (PROTOCOL.md §12).
# Optional, so phones on schema 1 never send it and their edits never touch it (§9).
ATTACHMENTS = F("attachments", "list", shape="Attachment", max_items=20, default=list)

MODELS = RecordType(
    table="models",
    shape="Model",
    doc="A model or exemplar (DOMAIN.md §2.3).",
    date_field="start_date",
    fields=(
        enum("kind", enums.MODEL_KIND, required=True, enum_name="model_kind"),
        enum("subject_type", enums.SUBJECT_TYPE, required=True),
        # The app offers a text area for long names and titles: a line break may be in them.
        F("name", "text", required=True, min_len=1, max_len=500, searchable=True),
        enum("field", enums.FIELD, required=True),
        F(
            "collective_name",
            "string",
            nullable=True,
            max_len=500,
            searchable=True,
            show_if=("subject_type", "not_in", ("CA_NHAN",)),
        ),
        F("person_name", "string", nullable=True, max_len=255, searchable=True, show_if=PERSON),
        F("person_position", "string", nullable=True, max_len=255, show_if=PERSON),
        enum("person_gender", enums.GENDER, nullable=True, enum_name="gender", show_if=PERSON),
        F("person_ethnicity", "string", nullable=True, max_len=64, show_if=PERSON),
        F("person_birth_year", "int", nullable=True, minimum=1900, maximum=2100, show_if=PERSON),
        F("commune_unit_id", "unit", required=True, unit_ref="scoped", widget="select"),
        F("locality", "string", required=True, min_len=1, max_len=255, searchable=True),
        F("lead_org", "string", nullable=True, max_len=255, searchable=True),
        F("start_date", "date", required=True),
        enum("status", enums.MODEL_STATUS, required=True, enum_name="model_status"),
        F(
            "period",
            "string",
            required=True,
            pattern=PERIOD_PATTERN,
            widget="select",
            enum_name="period",
        ),
        F("year_registered", "int", required=True, minimum=2000, maximum=2100),
        F("objective", "text", required=True, min_len=1, max_len=TEXT, searchable=True),
        F("method", "text", required=True, min_len=1, max_len=TEXT),
        F("results", "text", nullable=True, max_len=TEXT),
        F("metrics", "list", shape="Metric", max_items=50, default=list),
        codes("topic_tags", enums.TOPIC_TAG, 20, enum_name="topic_tag"),
        F("replicated_from_id", "uuid", nullable=True, model_ref=True),
        F("geo_lat", "float", nullable=True, minimum=-90, maximum=90),
        F("geo_lon", "float", nullable=True, minimum=-180, maximum=180),
        F("geo_accuracy", "float", nullable=True, minimum=0, maximum=1e6),
        ATTACHMENTS,
    ),
    rules=rules.MODEL_RULES,
    plausible=plausible.MODEL_PLAUSIBLE,
    form=(
        "kind",
        "subject_type",
        "name",
        "field",
        "collective_name",
        "person_name",
        "person_position",
        "person_gender",
        "person_ethnicity",
        "person_birth_year",
        "owner_unit_id",
        "commune_unit_id",
        "locality",
        "lead_org",
        "start_date",
        "status",
        "period",
        "year_registered",
        "objective",
        "method",
        "results",
        "metrics",
        "topic_tags",
        "notes",
    ),
)

MEETINGS = RecordType(
    table="meetings",
    shape="Meeting",
    doc="A meeting or activity (DOMAIN.md §2.4).",
    date_field="start_at",
    fields=(
        enum("type", enums.MEETING_TYPE, required=True, enum_name="meeting_type"),
        F("title", "text", required=True, min_len=1, max_len=500, searchable=True),
        enum("format", enums.MEETING_FORMAT, required=True, enum_name="meeting_format"),
        F("organizer_unit_id", "unit", required=True, unit_ref="exists", widget="select"),
        F(
            "co_organizer_ids",
            "list",
            items=F("", "unit"),
            max_items=50,
            default=list,
            unit_ref="exists",
        ),
        F("start_at", "datetime", required=True),
        F("end_at", "datetime", nullable=True),
        F("part_of_day", "enum", nullable=True, choices=("SANG", "CHIEU", "TOI", "CA_NGAY")),
        F("location", "string", required=True, min_len=1, max_len=500, searchable=True),
        F("geo_lat", "float", nullable=True, minimum=-90, maximum=90),
        F("geo_lon", "float", nullable=True, minimum=-180, maximum=180),
        # Schema 2: the phone's accuracy in metres, sent only with the officer's consent.
        F("geo_accuracy", "float", nullable=True, minimum=0, maximum=1e6),
        F(
            "sites",
            "list",
            shape="Site",
            max_items=200,
            default=list,
            unit_ref="exists",
            show_if=("format", "not_in", (None, "TRUC_TIEP")),
        ),
        F("planned_count", "int", nullable=True, minimum=0, maximum=1_000_000),
        F("actual_count", "int", nullable=True, minimum=0, maximum=1_000_000),
        # People present but not named; optional, so phones that never send it keep working.
        F("unnamed_count", "int", nullable=True, minimum=0, maximum=1_000_000),
        F("count_is_approx", "bool", default=False),
        codes("audience", enums.AUDIENCE, 20),
        enum(
            "report_period",
            enums.REPORT_PERIOD,
            nullable=True,
            show_if=("type", "in", ("SO_KET", "TONG_KET")),
        ),
        F("agenda", "text", nullable=True, max_len=TEXT),
        F("content_summary", "text", required=True, min_len=1, max_len=TEXT, searchable=True),
        F("speeches_count", "int", nullable=True, minimum=0, maximum=100_000),
        F("conclusion", "text", nullable=True, max_len=TEXT),
        F("outcomes", "text", nullable=True, max_len=TEXT),
        F(
            "linked_model_ids",
            "list",
            items=F("", "uuid"),
            max_items=100,
            default=list,
            model_ref=True,
        ),
        F("minutes_no", "string", nullable=True, max_len=64, searchable=True),
        F(
            "attendees",
            "list",
            shape="Attendee",
            max_items=2000,
            default=list,
            searchable=True,
            unit_ref="exists",
        ),
        ATTACHMENTS,
    ),
    rules=rules.MEETING_RULES,
    plausible=plausible.MEETING_PLAUSIBLE,
    form=(
        "type",
        "title",
        "format",
        "organizer_unit_id",
        "owner_unit_id",
        "start_at",
        "end_at",
        "part_of_day",
        "location",
        "sites",
        "report_period",
        "actual_count",
        "planned_count",
        "count_is_approx",
        "audience",
        "agenda",
        "content_summary",
        "attendees",
        "unnamed_count",
        "speeches_count",
        "conclusion",
        "outcomes",
        "minutes_no",
        "notes",
    ),
)

RECORD_TYPES: dict[str, RecordType] = {t.table: t for t in (MODELS, MEETINGS)}
