"""JSON Schema of the sync messages (PROTOCOL.md §3) for the OpenAPI document.

The limits come from sync.messages, the record shapes from the record schema, so nothing here
restates a rule the server checks elsewhere.
"""

from typing import Any

from marshmallow import validate

from server.records.schemas import ReviewIn
from sync.messages import MAX_COUNT, MAX_MUTATIONS, MAX_PAGE, MAX_SCOPE, MAX_SEQ, OPS

REF = "#/components/schemas/"
RECORD_TABLES = {
    "models": ("ModelIn", "ModelEdit"),
    "meetings": ("MeetingIn", "MeetingEdit"),
    "recognitions": ("RecognitionIn", "RecognitionEdit"),
    "inspections": ("InspectionIn", "InspectionEdit"),
    "evaluations": ("EvaluationIn", "EvaluationEdit"),
}

# The tables whose put data the mutation schema spells out (schema 1's).
DETAILED_PUTS = ("models", "meetings")


def _ref(name: str) -> dict:
    return {"$ref": REF + name}


def _when(condition: dict, then: dict) -> dict:
    return {"if": {"properties": condition, "required": list(condition)}, "then": then}


def _data(properties: dict, required: list[str]) -> dict:
    return {
        "properties": {
            "data": {
                "type": "object",
                "properties": properties,
                "required": required,
                "additionalProperties": False,
            }
        }
    }


ID = {"type": "string", "minLength": 1}
ACTIONS = [
    choice
    for check in ReviewIn().fields["action"].validators
    if isinstance(check, validate.OneOf)
    for choice in check.choices
]

MUTATION = {
    "type": "object",
    "description": "One outbox entry (§3.2). The envelope is checked for the whole request "
    "(422 VALIDATION_FAILED); `data` is checked per mutation, and a mismatch is a `rejected` "
    "result, not a refused request. `put` data is a create (every required field) for a record "
    "the server lacks, else an edit (only changed fields).",
    "properties": {
        "seq": {"type": "integer", "minimum": 1, "maximum": MAX_SEQ},
        "op": {"type": "string", "enum": list(OPS)},
        "table": {"type": "string", "minLength": 1},
        "base": {
            "type": "integer",
            "minimum": 0,
            "maximum": MAX_COUNT,
            "default": 0,
            "description": "put: the version the device last received of the record (0 for a "
            "create), even while earlier mutations of it are unanswered; delete: the version "
            "the device saw; review: the version decided on; resolve: ignored, send 0 (§3.2).",
        },
        "data": {"type": "object", "properties": {"id": ID}, "required": ["id"]},
        "at": {
            "type": ["string", "null"],
            "format": "date-time",
            "description": "When the user made the change, by the device's clock: RFC 3339 with "
            "seconds and an offset (§3.2). Left out or null: when it arrived.",
        },
    },
    "required": ["seq", "op", "table", "data"],
    "additionalProperties": False,
    "allOf": [
        # The shapes of schema 2's tables are published as components and at /api/v1/schema;
        # a condition per table here grows past what generators of examples can combine.
        *(
            _when(
                {"op": {"const": "put"}, "table": {"const": table}},
                {"properties": {"data": {"anyOf": [_ref(create), _ref(edit)]}}},
            )
            for table, (create, edit) in RECORD_TABLES.items()
            if table in DETAILED_PUTS
        ),
        _when({"op": {"const": "delete"}}, _data({"id": ID}, ["id"])),
        _when(
            {"op": {"const": "review"}},
            _data(
                {
                    "id": ID,
                    "action": {"type": "string", "enum": ACTIONS},
                    "comment": {"type": ["string", "null"]},
                },
                ["id", "action"],
            ),
        ),
        _when(
            {"op": {"const": "resolve"}},
            {
                "properties": {"table": {"const": "conflicts"}},
                **_data(
                    {"id": ID, "resolution": {"enum": ["KEEP_KEPT", "RESTORE_LOST"]}},
                    ["id", "resolution"],
                ),
            },
        ),
    ],
}

SYNC_REQUEST = {
    "type": "object",
    "description": "PROTOCOL.md §3.1. The body may be gzip-compressed (Content-Encoding: gzip).",
    "properties": {
        "protocol": {"type": "integer", "enum": [1]},
        "schema": {"type": "integer", "minimum": 1},
        "app_version": {"type": ["string", "null"], "maxLength": 64},
        "cursor": {"type": "integer", "minimum": 0, "maximum": MAX_SEQ},
        "pending": {"type": ["integer", "null"], "minimum": 0, "maximum": MAX_COUNT},
        "limit": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1000},
        "mutations": {"type": "array", "items": _ref("Mutation"), "maxItems": MAX_MUTATIONS},
        "scope": {
            "type": ["string", "null"],
            "maxLength": MAX_SCOPE,
            "description": "The `scope` of the response whose cursor this is (§5.4).",
        },
    },
    "required": ["protocol", "schema", "cursor", "mutations"],
    "additionalProperties": False,
}


def _result(status: str, properties: dict, required: list[str]) -> dict:
    if status != "duplicate":
        # The first result of a seq sent again, exactly as it was answered then (§3.4).
        properties = {**properties, "duplicate": {"const": True}}
    return {
        "type": "object",
        "properties": {
            "seq": {"type": "integer", "minimum": 1},
            "status": {"const": status},
            **properties,
        },
        "required": ["seq", "status", *required],
    }


RESULT = {
    "description": "The outcome of one mutation (§3.4).",
    "oneOf": [
        # version is absent when there is no record: a delete of an id never created (§4.4)
        _result("applied", {"version": {"type": "integer", "minimum": 0}}, []),
        _result("duplicate", {}, []),
        _result(
            "conflict",
            {
                "version": {"type": "integer", "minimum": 0},
                "conflicts": {"type": "array", "items": {"type": "string"}},
                "code": {
                    "type": "string",
                    "enum": ["RECORD_LOCKED", "RECORD_DELETED", "RECORD_CHANGED"],
                },
            },
            ["version", "conflicts"],
        ),
        _result(
            "rejected",
            {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "details": {"type": "object"},
            },
            ["code", "message", "details"],
        ),
    ],
}

TOMBSTONE = {
    "type": "object",
    "description": "A deleted record (§3.3).",
    "properties": {
        "id": {"type": "string"},
        "version": {"type": "integer"},
        "deleted": {"const": True},
    },
    "required": ["id", "version", "deleted"],
}

CHANGES = {
    "type": "object",
    "description": "What changed after the cursor (§3.3); a key with nothing to say is left out.",
    "properties": {
        "units": {"type": "array", "items": _ref("UnitOut")},
        "models": {"type": "array", "items": {"anyOf": [_ref("ModelOut"), _ref("Tombstone")]}},
        "meetings": {
            "type": "array",
            "items": {"anyOf": [_ref("MeetingOut"), _ref("Tombstone")]},
        },
        "recognitions": {
            "type": "array",
            "items": {"anyOf": [_ref("RecognitionOut"), _ref("Tombstone")]},
        },
        "inspections": {
            "type": "array",
            "items": {"anyOf": [_ref("InspectionOut"), _ref("Tombstone")]},
        },
        "evaluations": {
            "type": "array",
            "items": {"anyOf": [_ref("EvaluationOut"), _ref("Tombstone")]},
        },
        "criteria_sets": {
            "type": "array",
            "description": "Criteria set versions issued by the user's unit, the units above "
            "it and below it (§3.3); read only on devices.",
            "items": _ref("CriteriaSetOut"),
        },
        "conflicts": {"type": "array", "items": _ref("ConflictOut")},
        "removed": {
            "type": "object",
            "description": "Ids of rows that left the device's scope (§5.4); a client MUST "
            "ignore a key it does not know.",
            "properties": {
                **{
                    table: {"type": "array", "items": {"type": "string"}}
                    for table in (*RECORD_TABLES, "conflicts")
                },
                "units": {"type": "array", "items": {"type": "integer"}},
            },
            "additionalProperties": False,
        },
    },
    "additionalProperties": False,
}

SYNC_RESPONSE = {
    "type": "object",
    "description": "PROTOCOL.md §3.3.",
    "properties": {
        "protocol": {"type": "integer"},
        "last_seq": {"type": "integer", "minimum": 0},
        "results": {"type": "array", "items": _ref("Result")},
        "cursor": {"type": "integer", "minimum": 0},
        "more": {"type": "boolean"},
        "reset": {"type": "boolean"},
        "scope": {
            "type": "string",
            "maxLength": MAX_SCOPE,
            "description": "The device's scope token: store it with the cursor, send it back.",
        },
        "changes": _ref("Changes"),
    },
    "required": [
        "protocol",
        "last_seq",
        "results",
        "cursor",
        "more",
        "reset",
        "scope",
        "changes",
    ],
}

SCHEMAS: dict[str, dict[str, Any]] = {
    "SyncRequest": SYNC_REQUEST,
    "Mutation": MUTATION,
    "SyncResponse": SYNC_RESPONSE,
    "Result": RESULT,
    "Changes": CHANGES,
    "Tombstone": TOMBSTONE,
}
