"""JSON Schema (draft 2020-12) of the record shapes, read from the marshmallow schemas and rules.

One document serves `GET /api/v1/schema`, the OpenAPI components of the record routes and the
PWA's generated module, so none of them restates a limit, an enum or a cross-field rule.
"""

import hashlib
import json
from functools import cache

from marshmallow import Schema, fields, missing, validate

from server.records import rules
from server.records.schemas import (
    AttachmentIn,
    AttachmentOut,
    AttendeeIn,
    AttendeeOut,
    LocalDateTime,
    MeetingIn,
    MeetingOut,
    MetricIn,
    MetricOut,
    ModelIn,
    ModelOut,
    NaiveDateTime,
    SiteIn,
    SiteOut,
)
from sync.messages import SCHEMA_VERSION

DIALECT = "https://json-schema.org/draft/2020-12/schema"
NOT_BLANK = r"\S"

# Every named shape, in the order it is published. Input shapes refuse unknown keys.
INPUTS: dict[str, type[Schema]] = {
    "ModelIn": ModelIn,
    "MeetingIn": MeetingIn,
    "MetricIn": MetricIn,
    "AttendeeIn": AttendeeIn,
    "SiteIn": SiteIn,
    "AttachmentIn": AttachmentIn,
}
OUTPUTS: dict[str, type[Schema]] = {
    "ModelOut": ModelOut,
    "MeetingOut": MeetingOut,
    "MetricOut": MetricOut,
    "AttendeeOut": AttendeeOut,
    "SiteOut": SiteOut,
    "AttachmentOut": AttachmentOut,
}
# List items are stored as their input schema loaded them.
ITEMS = {
    MetricOut: MetricIn,
    AttendeeOut: AttendeeIn,
    SiteOut: SiteIn,
    AttachmentOut: AttachmentIn,
}
NAMES = {cls: name for name, cls in {**INPUTS, **OUTPUTS}.items()}
# table -> (create shape, output shape)
TABLES = {"models": ("ModelIn", "ModelOut"), "meetings": ("MeetingIn", "MeetingOut")}

TIME_NOTE = (
    "Local wall-clock time in Vietnam (UTC+7), to the minute: YYYY-MM-DDTHH:MM. "
    "On input, seconds are dropped and an offset (Z or ±HH:MM) is converted to UTC+7 and "
    "dropped; the record then holds, and every client receives, the normalised value."
)


def _with_null(out: dict) -> dict:
    if "$ref" in out:
        return {"anyOf": [out, {"type": "null"}]}
    out = dict(out)
    out["type"] = [out["type"], "null"]
    if "enum" in out:
        out["enum"] = [*out["enum"], None]
    return out


def _validators(field: fields.Field, out: dict) -> None:
    for v in field.validators:
        if isinstance(v, validate.OneOf):
            out["enum"] = list(v.choices)
        elif isinstance(v, validate.Length):
            low, high = (
                ("minItems", "maxItems") if out["type"] == "array" else ("minLength", "maxLength")
            )
            if v.min is not None:
                out[low] = v.min
            if v.max is not None:
                out[high] = v.max
        elif isinstance(v, validate.Range):
            if v.min is not None:
                out["minimum" if v.min_inclusive else "exclusiveMinimum"] = v.min
            if v.max is not None:
                out["maximum" if v.max_inclusive else "exclusiveMaximum"] = v.max
        elif isinstance(v, validate.Regexp):
            out["pattern"] = v.regex.pattern


def field_schema(field: fields.Field, ref: str) -> dict:
    """Return the JSON Schema of one marshmallow field; nested shapes are referenced."""
    out: dict
    if isinstance(field, fields.Nested):
        nested = type(field.nested) if isinstance(field.nested, Schema) else field.nested
        if not (isinstance(nested, type) and issubclass(nested, Schema)):
            raise TypeError(f"nested shapes are schema classes, not {nested!r}")
        out = {"$ref": ref + NAMES[nested]}
    elif isinstance(field, fields.List):
        out = {"type": "array", "items": field_schema(field.inner, ref)}
    elif isinstance(field, LocalDateTime | NaiveDateTime):
        out = {"type": "string", "pattern": field.PATTERN, "description": TIME_NOTE}
    elif isinstance(field, fields.DateTime):
        out = {"type": "string", "format": "date-time"}
    elif isinstance(field, fields.Date):
        out = {"type": "string", "format": "date"}
    elif isinstance(field, fields.UUID):
        out = {"type": "string", "format": "uuid"}
    elif isinstance(field, fields.String):
        out = {"type": "string"}
    elif isinstance(field, fields.Integer):
        out = {"type": "integer"}
    elif isinstance(field, fields.Float):
        out = {"type": "number"}
    elif isinstance(field, fields.Boolean):
        out = {"type": "boolean"}
    elif isinstance(field, fields.Dict):
        out = {"type": "object"}
    else:  # fields.Raw: any JSON value
        return {}
    if "$ref" not in out:
        _validators(field, out)
    if field.load_default is not missing:
        default = field.load_default
        out["default"] = default() if callable(default) else default
    if field.allow_none:
        out = _with_null(out)
    return out


def _properties(schema: Schema, ref: str) -> dict:
    return {
        field.data_key or name: field_schema(field, ref)
        for name, field in schema.fields.items()
        if not field.dump_only
    }


def _rule_schema(rule: rules.Rule, properties: dict) -> dict | None:
    """Return the rule as JSON Schema, or None where JSON Schema cannot say it."""
    target = properties.get(rule.field, {})
    kind = target.get("type")
    is_list = kind == "array" or (isinstance(kind, list) and "array" in kind)
    filled = (
        {"type": "array", "minItems": 1} if is_list else {"type": "string", "pattern": NOT_BLANK}
    )
    if rule.kind == "not_blank":
        return {"properties": {rule.field: {"pattern": NOT_BLANK}}}
    if rule.kind == "required_if":
        key, values = rule.condition
        return {
            "if": {"properties": {key: {"enum": list(values)}}, "required": [key]},
            "then": {"properties": {rule.field: filled}, "required": [rule.field]},
        }
    if rule.kind == "contains":
        key, values = rule.sought
        return {
            "properties": {
                rule.field: {
                    "type": "array",
                    "contains": {"properties": {key: {"enum": list(values)}}, "required": [key]},
                }
            },
            "required": [rule.field],
        }
    return None


def input_schema(cls: type[Schema], ref: str) -> dict:
    """Return the JSON Schema of a create: every required field, the rules as far as possible."""
    schema = cls()
    properties = _properties(schema, ref)
    out: dict = {
        "type": "object",
        "properties": properties,
        "required": [k for k, f in schema.fields.items() if f.required],
        "additionalProperties": False,
    }
    own = getattr(cls, "RULES", ())
    checks = [s for s in (_rule_schema(r, properties) for r in own) if s is not None]
    if checks:
        out["allOf"] = checks
    if own:
        out["x-rules"] = [r.describe() for r in own]
    if plausible := getattr(cls, "PLAUSIBLE", ()):
        # Bounds relative to today are published as such: a client computes them when it checks.
        out["x-plausible"] = [p.describe() for p in plausible]
    return out


def edit_schema(cls: type[Schema], ref: str, *, key: str) -> dict:
    """Return the JSON Schema of an edit: any subset of the fields, plus `key` (required).

    The cross-field rules (x-rules of the create) apply to the record as it is after the edit.
    """
    schema = cls()
    # Defaults fill a create only; a field left out of an edit stays as it is.
    properties = {
        name: {k: v for k, v in prop.items() if k != "default"}
        for name, prop in _properties(schema, ref).items()
    }
    if key == "version":
        properties["version"] = {"type": "integer", "minimum": 0}
    return {
        "type": "object",
        "properties": properties,
        "required": [key],
        "additionalProperties": False,
        "description": "Only the fields that change. The record after the edit must satisfy "
        "the create's rules (x-rules); a field that must be filled cannot be emptied.",
    }


def output_schema(cls: type[Schema], ref: str, stored_as: type[Schema] | None = None) -> dict:
    """Return the JSON Schema of an output shape.

    A record always carries every field; an item of a list (a metric, a site, an attendee) is
    stored as it was loaded, so it carries the fields its input requires, and the others only
    when sent or filled by a create.
    """
    schema = cls()
    if stored_as is None:
        required = [field.data_key or name for name, field in schema.fields.items()]
    else:
        # Defaults are filled on a create only: an edit stores the items as sent.
        required = [name for name, field in stored_as().fields.items() if field.required]
    return {
        "type": "object",
        "properties": {
            field.data_key or name: field_schema(field, ref)
            for name, field in schema.fields.items()
            if not field.load_only
        },
        "required": required,
    }


def definitions(ref: str) -> dict:
    """Return every record shape by name, nested shapes referenced through `ref`."""
    out = {name: input_schema(cls, ref) for name, cls in INPUTS.items()}
    out.update({name: output_schema(cls, ref, ITEMS.get(cls)) for name, cls in OUTPUTS.items()})
    out["ModelEdit"] = edit_schema(ModelIn, ref, key="id")
    out["MeetingEdit"] = edit_schema(MeetingIn, ref, key="id")
    out["ModelPatch"] = edit_schema(ModelIn, ref, key="version")
    out["MeetingPatch"] = edit_schema(MeetingIn, ref, key="version")
    return out


@cache
def document() -> dict:
    """Return the published record schema (`GET /api/v1/schema`)."""
    ref = "#/$defs/"
    return {
        "$schema": DIALECT,
        "$id": "/api/v1/schema",
        "title": "Sổ tay Dân vận record shapes",
        "schema_version": SCHEMA_VERSION,
        "tables": {
            table: {
                "create": {"$ref": ref + create},
                "edit": {"$ref": ref + create.replace("In", "Edit")},
                "output": {"$ref": ref + output},
                "rules": [r.describe() for r in getattr(INPUTS[create], "RULES", ())],
                "plausible": [p.describe() for p in getattr(INPUTS[create], "PLAUSIBLE", ())],
            }
            for table, (create, output) in TABLES.items()
        },
        "$defs": definitions(ref),
    }


@cache
def document_bytes() -> bytes:
    """Return the document as served: compact UTF-8 JSON."""
    return json.dumps(document(), ensure_ascii=False, separators=(",", ":")).encode()


@cache
def etag() -> str:
    """Return the document's ETag: a digest of its bytes."""
    return hashlib.sha256(document_bytes()).hexdigest()[:32]
