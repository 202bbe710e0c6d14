"""The PWA's view of the record registry: tables, form fields, search, workflow and messages.

Written into the generated `pwa/js/lib/record-schema.js` next to the JSON Schema, so the phone's
forms, search index, table lists and workflow buttons read the server's declarations.
"""

from server.records import plausible
from server.records.registry import COMMON, RECORD_TYPES, F, RecordType
from server.scope import REVIEWER_ROLES, WRITER_ROLES
from sync import scoring
from sync.workflow import LOCKED, RESTORE, STEPS

KINDS = {
    "string": "text",
    "text": "textarea",
    "enum": "select",
    "int": "int",
    "float": "number",
    "date": "date",
    "datetime": "datetime",
    "bool": "checkbox",
    "unit": "select",
}


def _kind(f: F) -> str:
    if f.widget:
        return f.widget
    if f.type == "list":
        return "list" if f.shape else "checks"
    return KINDS.get(f.type, "text")


def form_field(f: F, required_if: set[str]) -> dict:
    """Return what the form needs of a field: its control, flags, limit and when it shows."""
    out: dict = {"name": f.name, "kind": _kind(f)}
    if f.required or f.name in required_if:
        out["required"] = True
    if f.enum_name:
        out["enumName"] = f.enum_name
    if f.type == "unit":
        out["numeric"] = True
    if f.max_len is not None:
        out["max"] = f.max_len
    if f.show_if:
        key, test, values = f.show_if
        out["showIf"] = {"field": key, test: list(values)}
    return out


def _type(kind: RecordType) -> dict:
    fields = {f.name: f for f in (*COMMON, *kind.fields)}
    conditional = {r.field for r in kind.rules if r.kind == "required_if"}
    return {
        "form": [form_field(fields[name], conditional) for name in kind.form],
        "search": [f.name for f in fields.values() if f.searchable],
        "date_field": kind.date_field,
        "derived": [f.name for f in kind.fields if f.derived],
    }


def document() -> dict:
    """Return the registry as the PWA reads it (`RECORD_REGISTRY`)."""
    return {
        "tables": list(RECORD_TYPES),
        "types": {table: _type(kind) for table, kind in RECORD_TYPES.items()},
        "workflow": {
            "steps": {
                action: {
                    "sources": sorted(step.sources),
                    "target": step.target,
                    "byReviewer": step.by_reviewer,
                    "needsComment": step.needs_comment,
                }
                for action, step in STEPS.items()
            },
            "restore": RESTORE,
            "locked": sorted(LOCKED),
            "writer_roles": list(WRITER_ROLES),
            "reviewer_roles": list(REVIEWER_ROLES),
        },
        # Coded messages of the plausibility rules, [Vietnamese, English], as the server words them.
        "messages": {code: list(pair) for code, pair in plausible.MESSAGES.items()},
        # An evaluation's total and rating (sync/scoring.py; pwa/js/lib/scoring.js reads these).
        "scoring": {"ratings": list(scoring.RATINGS), "cents": scoring.CENTS},
    }
