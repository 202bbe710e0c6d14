"""Wire schemas for models and meetings: input and output declared separately, by hand."""

import re
from datetime import timedelta, timezone

from marshmallow import Schema, fields, validate, validates_schema

from server import enums
from server.records import rules
from server.schemas import (
    NOT_A_CANONICAL_UUID,
    UUID_FORM,
    InputSchema,
    Text,
    canonical_uuid,
    id_arg,
    id_field,
    page_arg,
)

VN_TZ = timezone(timedelta(hours=7))
TEXT = 20_000  # long enough for minutes-style summaries, short enough to keep batches small
PERIOD_PATTERN = r"^GD_\d{4}_\d{4}$"  # periods are an open list (DOMAIN.md §6)
# Meeting times: local wall-clock time to the minute, as the PWA's datetime-local inputs give.
TIME_PATTERN = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$"
# Accepted on input too, so that an RFC 3339 date-time is: seconds and their fraction (dropped)
# and an offset (converted to UTC+7, then dropped).
INPUT_TIME_PATTERN = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?$"

# Messages are English here and translated in one place (server.errors) for each caller.
REQUIRED = rules.REQUIRED


def one_of(enum: dict) -> validate.OneOf:
    """Validate that a value is one of an enum's codes."""
    return validate.OneOf(list(enum))


class LocalDateTime(fields.DateTime):
    """A wall-clock time in Vietnam, to the minute (PROTOCOL.md §3.5).

    An offset, if sent, is converted to UTC+7 and dropped; seconds are dropped. The stored
    value is therefore the one every client receives back as `YYYY-MM-DDTHH:MM`.
    """

    PATTERN = INPUT_TIME_PATTERN

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str) or not re.fullmatch(self.PATTERN, value):
            raise self.make_error("invalid", input=value, obj_type=self.OBJ_TYPE)
        parsed = super()._deserialize(value, attr, data, **kwargs)
        if parsed.tzinfo is not None:
            try:
                parsed = parsed.astimezone(VN_TZ).replace(tzinfo=None)
            except OverflowError as exc:  # e.g. 9999-12-31T23:59-12:00 is past year 9999 here
                raise self.make_error("invalid", input=value, obj_type=self.OBJ_TYPE) from exc
        return parsed.replace(second=0, microsecond=0)


class UuidString(fields.UUID):
    """A UUID in its one accepted spelling (lower case, 8-4-4-4-12, not nil), kept as sent."""

    default_error_messages = {"invalid_uuid": NOT_A_CANONICAL_UUID}

    def __init__(self, **kwargs):
        # The OpenAPI document tells clients the one accepted spelling.
        metadata = {"pattern": f"^{UUID_FORM.pattern}$", **kwargs.pop("metadata", {})}
        super().__init__(metadata=metadata, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if canonical_uuid(value) is None:
            raise self.make_error("invalid_uuid")
        return value


class MetricIn(Schema):
    """One measured result of a model: income, households, land donated…"""

    metric = fields.String(required=True, validate=validate.Length(min=1, max=200))
    value = fields.Float(required=True, allow_nan=False)
    unit = fields.String(validate=validate.Length(max=50), allow_none=True)


class AttendeeIn(Schema):
    """A person at a meeting (DOMAIN.md §2.5)."""

    full_name = fields.String(validate=validate.Length(max=255), allow_none=True)
    position = fields.String(validate=validate.Length(max=255), allow_none=True)
    org_name = fields.String(validate=validate.Length(max=255), allow_none=True)
    unit_id = id_field(allow_none=True)
    role = fields.String(required=True, validate=one_of(enums.ATTENDEE_ROLE))
    attendance = fields.String(load_default="CO_MAT", validate=one_of(enums.ATTENDANCE))
    absent_reason = fields.String(validate=validate.Length(max=500), allow_none=True)
    gender = fields.String(validate=one_of(enums.GENDER), allow_none=True)
    ethnicity = fields.String(validate=validate.Length(max=64), allow_none=True)
    phone = fields.String(validate=validate.Length(max=32), allow_none=True)

    RULES = rules.ATTENDEE_RULES

    @validates_schema
    def _rules(self, data, **kwargs):
        rules.check(self.RULES, data)


class SiteIn(Schema):
    """A connection point (điểm cầu) of an online meeting."""

    name = fields.String(required=True, validate=validate.Length(min=1, max=255))
    unit_id = id_field(allow_none=True)
    chair = fields.String(validate=validate.Length(max=255), allow_none=True)


class RecordIn(InputSchema):
    """Fields every record input shares."""

    id = UuidString(required=True)
    owner_unit_id = id_field(required=True)
    notes = Text(validate=validate.Length(max=TEXT), allow_none=True)


class ModelIn(RecordIn):
    """A model or exemplar as a client sends it (DOMAIN.md §2.3).

    A field left out of a create takes its `load_default`, published as the JSON Schema
    `default`, so a client can send, and keep, the record exactly as it will be stored.
    """

    kind = fields.String(required=True, validate=one_of(enums.MODEL_KIND))
    subject_type = fields.String(required=True, validate=one_of(enums.SUBJECT_TYPE))
    # The app offers a text area for long names and titles: a line break may be in them.
    name = Text(required=True, validate=validate.Length(min=1, max=500))
    field = fields.String(required=True, validate=one_of(enums.FIELD))
    collective_name = fields.String(validate=validate.Length(max=500), allow_none=True)
    person_name = fields.String(validate=validate.Length(max=255), allow_none=True)
    person_position = fields.String(validate=validate.Length(max=255), allow_none=True)
    person_gender = fields.String(validate=one_of(enums.GENDER), allow_none=True)
    person_ethnicity = fields.String(validate=validate.Length(max=64), allow_none=True)
    person_birth_year = fields.Integer(
        strict=True, validate=validate.Range(1900, 2100), allow_none=True
    )
    commune_unit_id = id_field(required=True)
    locality = fields.String(required=True, validate=validate.Length(min=1, max=255))
    lead_org = fields.String(validate=validate.Length(max=255), allow_none=True)
    start_date = fields.Date(required=True)
    status = fields.String(required=True, validate=one_of(enums.MODEL_STATUS))
    period = fields.String(required=True, validate=validate.Regexp(PERIOD_PATTERN))
    year_registered = fields.Integer(
        strict=True, required=True, validate=validate.Range(2000, 2100)
    )
    objective = Text(required=True, validate=validate.Length(min=1, max=TEXT))
    method = Text(required=True, validate=validate.Length(min=1, max=TEXT))
    results = Text(validate=validate.Length(max=TEXT), allow_none=True)
    metrics = fields.List(
        fields.Nested(MetricIn), validate=validate.Length(max=50), load_default=list
    )
    topic_tags = fields.List(
        fields.String(validate=one_of(enums.TOPIC_TAG)),
        validate=validate.Length(max=20),
        load_default=list,
    )
    replicated_from_id = UuidString(allow_none=True)
    geo_lat = fields.Float(validate=validate.Range(-90, 90), allow_none=True, allow_nan=False)
    geo_lon = fields.Float(validate=validate.Range(-180, 180), allow_none=True, allow_nan=False)
    geo_accuracy = fields.Float(validate=validate.Range(0, 1e6), allow_none=True, allow_nan=False)

    RULES = rules.MODEL_RULES

    @validates_schema
    def _rules(self, data, partial=None, **kwargs):
        # An edit is checked whole, once merged into the record (service._validate_whole).
        if not partial:
            rules.check(self.RULES, data)


class MeetingIn(RecordIn):
    """A meeting or activity as a client sends it (DOMAIN.md §2.4)."""

    type = fields.String(required=True, validate=one_of(enums.MEETING_TYPE))
    title = Text(required=True, validate=validate.Length(min=1, max=500))
    format = fields.String(required=True, validate=one_of(enums.MEETING_FORMAT))
    organizer_unit_id = id_field(required=True)
    co_organizer_ids = fields.List(id_field(), validate=validate.Length(max=50), load_default=list)
    start_at = LocalDateTime(required=True)
    end_at = LocalDateTime(allow_none=True)
    part_of_day = fields.String(
        validate=validate.OneOf(["SANG", "CHIEU", "TOI", "CA_NGAY"]), allow_none=True
    )
    location = fields.String(required=True, validate=validate.Length(min=1, max=500))
    geo_lat = fields.Float(validate=validate.Range(-90, 90), allow_none=True, allow_nan=False)
    geo_lon = fields.Float(validate=validate.Range(-180, 180), allow_none=True, allow_nan=False)
    sites = fields.List(fields.Nested(SiteIn), validate=validate.Length(max=200), load_default=list)
    planned_count = fields.Integer(
        strict=True, validate=validate.Range(0, 1_000_000), allow_none=True
    )
    actual_count = fields.Integer(
        strict=True, validate=validate.Range(0, 1_000_000), allow_none=True
    )
    # Optional: phones that never send it keep working (PROTOCOL.md §9).
    unnamed_count = fields.Integer(
        strict=True, validate=validate.Range(0, 1_000_000), allow_none=True
    )
    count_is_approx = fields.Boolean(load_default=False)
    audience = fields.List(
        fields.String(validate=one_of(enums.AUDIENCE)),
        validate=validate.Length(max=20),
        load_default=list,
    )
    report_period = fields.String(validate=one_of(enums.REPORT_PERIOD), allow_none=True)
    agenda = Text(validate=validate.Length(max=TEXT), allow_none=True)
    content_summary = Text(required=True, validate=validate.Length(min=1, max=TEXT))
    speeches_count = fields.Integer(
        strict=True, validate=validate.Range(0, 100_000), allow_none=True
    )
    conclusion = Text(validate=validate.Length(max=TEXT), allow_none=True)
    outcomes = Text(validate=validate.Length(max=TEXT), allow_none=True)
    linked_model_ids = fields.List(
        UuidString(), validate=validate.Length(max=100), load_default=list
    )
    minutes_no = fields.String(validate=validate.Length(max=64), allow_none=True)
    attendees = fields.List(
        fields.Nested(AttendeeIn), validate=validate.Length(max=2000), load_default=list
    )

    RULES = rules.MEETING_RULES

    @validates_schema
    def _rules(self, data, partial=None, **kwargs):
        # An edit is checked whole, once merged into the record (service._validate_whole).
        if not partial:
            rules.check(self.RULES, data)


class RecordOut(Schema):
    """Fields every record output shares, including the server-owned ones."""

    id = fields.String()
    version = fields.Integer()
    deleted = fields.Boolean()
    owner_unit_id = fields.Integer()
    review_status = fields.String()
    review_comment = fields.String(allow_none=True)
    reviewed_at = fields.DateTime(allow_none=True)
    reviewed_by_name = fields.String(allow_none=True)
    submitted_at = fields.DateTime(allow_none=True)
    approvals = fields.List(fields.Dict())
    awaiting_unit_id = fields.Integer(allow_none=True)
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    created_by_id = fields.Integer(allow_none=True)
    updated_by_id = fields.Integer(allow_none=True)
    notes = fields.String(allow_none=True)


class MetricOut(Schema):
    """One measured result."""

    metric = fields.String()
    value = fields.Float()
    unit = fields.String(allow_none=True)


class ModelOut(RecordOut):
    """A model or exemplar as clients receive it."""

    kind = fields.String()
    subject_type = fields.String()
    name = fields.String()
    field = fields.String()
    collective_name = fields.String(allow_none=True)
    person_name = fields.String(allow_none=True)
    person_position = fields.String(allow_none=True)
    person_gender = fields.String(allow_none=True)
    person_ethnicity = fields.String(allow_none=True)
    person_birth_year = fields.Integer(allow_none=True)
    commune_unit_id = fields.Integer()
    locality = fields.String()
    lead_org = fields.String(allow_none=True)
    start_date = fields.Date()
    status = fields.String()
    period = fields.String()
    year_registered = fields.Integer()
    objective = fields.String()
    method = fields.String()
    results = fields.String(allow_none=True)
    metrics = fields.List(fields.Nested(MetricOut))
    topic_tags = fields.List(fields.String())
    replicated_from_id = fields.String(allow_none=True)
    geo_lat = fields.Float(allow_none=True)
    geo_lon = fields.Float(allow_none=True)
    geo_accuracy = fields.Float(allow_none=True)


class AttendeeOut(Schema):
    """A person at a meeting."""

    full_name = fields.String(allow_none=True)
    position = fields.String(allow_none=True)
    org_name = fields.String(allow_none=True)
    unit_id = fields.Integer(allow_none=True)
    role = fields.String()
    attendance = fields.String()
    absent_reason = fields.String(allow_none=True)
    gender = fields.String(allow_none=True)
    ethnicity = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)


class SiteOut(Schema):
    """A connection point."""

    name = fields.String()
    unit_id = fields.Integer(allow_none=True)
    chair = fields.String(allow_none=True)


class NaiveDateTime(fields.DateTime):
    """A wall-clock datetime written to the minute, without an offset."""

    PATTERN = TIME_PATTERN

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else value.replace(tzinfo=None).isoformat(timespec="minutes")


class MeetingOut(RecordOut):
    """A meeting as clients receive it."""

    type = fields.String()
    title = fields.String()
    format = fields.String()
    organizer_unit_id = fields.Integer()
    co_organizer_ids = fields.List(fields.Integer())
    start_at = NaiveDateTime()
    end_at = NaiveDateTime(allow_none=True)
    part_of_day = fields.String(allow_none=True)
    location = fields.String()
    geo_lat = fields.Float(allow_none=True)
    geo_lon = fields.Float(allow_none=True)
    sites = fields.List(fields.Nested(SiteOut))
    planned_count = fields.Integer(allow_none=True)
    actual_count = fields.Integer(allow_none=True)
    unnamed_count = fields.Integer(allow_none=True)
    count_is_approx = fields.Boolean()
    audience = fields.List(fields.String())
    report_period = fields.String(allow_none=True)
    agenda = fields.String(allow_none=True)
    content_summary = fields.String()
    speeches_count = fields.Integer(allow_none=True)
    conclusion = fields.String(allow_none=True)
    outcomes = fields.String(allow_none=True)
    linked_model_ids = fields.List(fields.String())
    minutes_no = fields.String(allow_none=True)
    attendees = fields.List(fields.Nested(AttendeeOut))


class RecordQuery(InputSchema):
    """Filters shared by the record lists."""

    q = fields.String(validate=validate.Length(max=200))
    unit_id = id_arg()
    review_status = fields.String(validate=one_of(enums.REVIEW_STATUS))
    date_from = fields.Date()
    date_to = fields.Date()
    include_deleted = fields.Boolean(load_default=False)
    page = page_arg()
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))


class ModelQuery(RecordQuery):
    """Filters for the model list."""

    field = fields.String(validate=one_of(enums.FIELD))
    kind = fields.String(validate=one_of(enums.MODEL_KIND))
    subject_type = fields.String(validate=one_of(enums.SUBJECT_TYPE))
    status = fields.String(validate=one_of(enums.MODEL_STATUS))
    period = fields.String(validate=validate.Regexp(PERIOD_PATTERN))
    year = fields.Integer(validate=validate.Range(2000, 2100))


class MeetingQuery(RecordQuery):
    """Filters for the meeting list."""

    type = fields.String(validate=one_of(enums.MEETING_TYPE))
    format = fields.String(validate=one_of(enums.MEETING_FORMAT))


class ModelPageOut(Schema):
    """A page of models."""

    items = fields.List(fields.Nested(ModelOut))
    total = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()


class MeetingPageOut(Schema):
    """A page of meetings."""

    items = fields.List(fields.Nested(MeetingOut))
    total = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()


class WriteMeta(InputSchema):
    """The version an update or delete is based on."""

    version = fields.Integer(strict=True, required=True, validate=validate.Range(min=0))


class ReviewIn(InputSchema):
    """A review decision or workflow step on a record."""

    action = fields.String(
        required=True,
        validate=validate.OneOf(
            ["submit", "withdraw", "approve", "return", "cancel", "reopen", "restore"]
        ),
    )
    version = fields.Integer(strict=True, required=True, validate=validate.Range(min=0))
    comment = Text(validate=validate.Length(max=TEXT), allow_none=True)
