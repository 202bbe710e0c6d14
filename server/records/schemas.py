"""Wire schemas for models and meetings: input and output apart, record fields from the registry."""

import re
from datetime import timedelta, timezone
from typing import Any

from marshmallow import Schema, ValidationError, fields, post_load, validate, validates_schema

from server import enums
from server.records import plausible, rules
from server.records.registry import (
    COMMON,
    MEETINGS,
    MODELS,
    NO_DEFAULT,
    PERIOD_PATTERN,
    TEXT,
    F,
    RecordType,
)
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


SHA256_PATTERN = r"^[0-9a-f]{64}$"


class FileSize(validate.Range):
    """A declared file's size: 1 byte to MAX_FILE_BYTES, the excess coded FILE_TOO_LARGE."""

    def __init__(self) -> None:
        super().__init__(min=1, max=enums.MAX_FILE_BYTES)

    def __call__(self, value: Any) -> Any:
        if isinstance(value, int) and value > enums.MAX_FILE_BYTES:
            raise ValidationError(plausible.CodedMessage("FILE_TOO_LARGE", {}))
        return super().__call__(value)


class AttachmentIn(Schema):
    """A photo or document the record declares by content hash (PROTOCOL.md §12.1)."""

    sha256 = fields.String(required=True, validate=validate.Regexp(SHA256_PATTERN))
    kind = fields.String(required=True, validate=one_of(enums.ATTACHMENT_KIND))
    mime = fields.String(required=True, validate=validate.OneOf(enums.ATTACHMENT_MIME))
    size = fields.Integer(required=True, strict=True, validate=FileSize())
    caption = Text(validate=validate.Length(max=500), allow_none=True, load_default=None)
    file_name = fields.String(validate=validate.Length(max=255), allow_none=True, load_default=None)
    captured_at = LocalDateTime(allow_none=True, load_default=None)

    @post_load
    def _json_ready(self, data: dict, **kwargs: Any) -> dict:
        # Kept in a JSON column: the time in its wire form, to the minute (PROTOCOL.md §3.5).
        if data.get("captured_at") is not None:
            data["captured_at"] = data["captured_at"].isoformat(timespec="minutes")
        return data


def unique_hashes(items: list[dict]) -> None:
    """Refuse a list of attachments naming one file twice."""
    hashes = [item.get("sha256") for item in items]
    if len(set(hashes)) != len(hashes):
        raise ValidationError("Each file may be listed once (sha256 repeats).")


class SiteIn(Schema):
    """A connection point (điểm cầu) of an online meeting."""

    name = fields.String(required=True, validate=validate.Length(min=1, max=255))
    unit_id = id_field(allow_none=True)
    chair = fields.String(validate=validate.Length(max=255), allow_none=True)


def _validators(f: F) -> list[validate.Validator]:
    out: list[validate.Validator] = []
    if f.choices is not None:
        out.append(validate.OneOf(list(f.choices)))
    if f.min_len is not None or f.max_len is not None:
        out.append(validate.Length(min=f.min_len, max=f.max_len))
    if f.max_items is not None:
        out.append(validate.Length(max=f.max_items))
    if f.minimum is not None or f.maximum is not None:
        out.append(validate.Range(f.minimum, f.maximum))
    if f.pattern is not None:
        out.append(validate.Regexp(f.pattern))
    return out


def _item(f: F) -> F:
    if f.items is None:
        raise ValueError(f"list field {f.name} declares neither items nor shape")
    return f.items


def input_field(f: F) -> fields.Field:
    """Return the marshmallow input field a registry field declares."""
    kw: dict[str, Any] = {}
    if f.required:
        kw["required"] = True
    if f.nullable:
        kw["allow_none"] = True
    if f.default is not NO_DEFAULT:
        kw["load_default"] = f.default
    if f.type == "unit":
        return id_field(**kw)
    if checks := _validators(f):
        kw["validate"] = checks
    if f.type == "list":
        inner = fields.Nested(SHAPES[f.shape][0]) if f.shape else input_field(_item(f))
        if f.shape in LIST_CHECKS:
            kw["validate"] = [*kw.get("validate", []), LIST_CHECKS[f.shape]]
        return fields.List(inner, **kw)
    if f.type == "int":
        kw["strict"] = True  # 1.5 and "1" are not integers on the wire
    elif f.type == "float":
        kw["allow_nan"] = False
    return INPUT_TYPES[f.type](**kw)


def output_field(f: F) -> fields.Field:
    """Return the marshmallow output field a registry field declares."""
    kw: dict[str, Any] = {"allow_none": True} if f.nullable else {}
    if f.type == "list":
        inner = fields.Nested(SHAPES[f.shape][1]) if f.shape else output_field(_item(f))
        return fields.List(inner, **kw)
    return OUTPUT_TYPES[f.type](**kw)


INPUT_TYPES: dict[str, type[fields.Field]] = {
    "string": fields.String,
    "enum": fields.String,
    "text": Text,
    "int": fields.Integer,
    "float": fields.Float,
    "date": fields.Date,
    "datetime": LocalDateTime,
    "uuid": UuidString,
    "bool": fields.Boolean,
}
# List items (metrics, attendees, connection points) keep their hand-declared schemas.
SHAPES: dict[str, tuple[type[Schema], type[Schema]]] = {}
# Checks of a whole list of a shape, beyond each item's.
LIST_CHECKS: dict[str, validate.Validator | Any] = {"Attachment": unique_hashes}


class RecordRules(InputSchema):
    """Check a record's cross-field rules and plausible values once its fields are loaded."""

    RULES: tuple[rules.Rule, ...] = ()
    PLAUSIBLE: tuple[plausible.Plausible, ...] = ()

    @validates_schema
    def _rules(self, data, partial=None, **kwargs):
        # An edit is checked whole, once merged into the record (service._validate_whole).
        if partial:
            return
        errors = rules.broken(self.RULES, data)
        errors.update(plausible.errors(self.PLAUSIBLE, data, skip=set(errors)))
        if errors:
            raise ValidationError(errors)


def _input_schema(
    base: type[Schema], name: str, decls: tuple[F, ...], **attrs: Any
) -> type[Schema]:
    """Declare an input schema class from registry fields (marshmallow reads class attributes)."""
    body = {f.name: input_field(f) for f in decls}
    return type(name, (base,), {"__module__": __name__, **body, **attrs})


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
    # Server-owned (PROTOCOL.md §12.3): the declared files the server holds complete.
    files_received = fields.List(fields.String())


class MetricOut(Schema):
    """One measured result."""

    metric = fields.String()
    value = fields.Float()
    unit = fields.String(allow_none=True)


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
        if isinstance(value, str):  # kept inside a JSON column, already in its wire form
            return value
        return None if value is None else value.replace(tzinfo=None).isoformat(timespec="minutes")


class AttachmentOut(Schema):
    """A declared photo or document."""

    sha256 = fields.String()
    kind = fields.String()
    mime = fields.String()
    size = fields.Integer()
    caption = fields.String(allow_none=True)
    file_name = fields.String(allow_none=True)
    captured_at = NaiveDateTime(allow_none=True)


OUTPUT_TYPES: dict[str, type[fields.Field]] = {
    **dict.fromkeys(("string", "enum", "text", "uuid"), fields.String),
    **dict.fromkeys(("int", "unit"), fields.Integer),
    "float": fields.Float,
    "date": fields.Date,
    "datetime": NaiveDateTime,
    "bool": fields.Boolean,
}
SHAPES.update(
    Metric=(MetricIn, MetricOut),
    Attendee=(AttendeeIn, AttendeeOut),
    Site=(SiteIn, SiteOut),
    Attachment=(AttachmentIn, AttachmentOut),
)

# Record fields come from the registry; server-owned fields (RecordOut) are declared above.
RecordIn = _input_schema(
    RecordRules, "RecordIn", COMMON, __doc__="Fields every record input shares."
)


def _record_schemas(kind: RecordType) -> tuple[type[Schema], type[Schema]]:
    """Return a record type's input and output schema classes, built from the registry."""
    name = kind.shape
    doc = f"{kind.doc} Declared in server.records.registry."
    schema_in = _input_schema(
        RecordIn,
        f"{name}In",
        kind.fields,
        __doc__=doc,
        RULES=kind.rules,
        PLAUSIBLE=kind.plausible,
    )
    body = {f.name: output_field(f) for f in kind.fields}
    schema_out = type(f"{name}Out", (RecordOut,), {"__module__": __name__, "__doc__": doc, **body})
    return schema_in, schema_out


ModelIn, ModelOut = _record_schemas(MODELS)
MeetingIn, MeetingOut = _record_schemas(MEETINGS)


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
