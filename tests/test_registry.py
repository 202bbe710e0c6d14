"""One registry of record types drives the schemas, the JSON Schema and the PWA's module."""

import json
import subprocess
import sys
from pathlib import Path

from marshmallow import fields

from server.records import pwa_registry, registry
from server.records.jsonschema import document
from server.records.schemas import (
    EvaluationIn,
    EvaluationOut,
    InspectionIn,
    InspectionOut,
    MeetingIn,
    MeetingOut,
    ModelIn,
    ModelOut,
    RecognitionIn,
    RecognitionOut,
    RecordIn,
    RecordOut,
)
from server.records.tables import TABLES
from server.scope import REVIEWER_ROLES, WRITER_ROLES
from sync.workflow import LOCKED, STEPS

ROOT = Path(__file__).resolve().parents[1]
SCHEMAS = {
    "models": (ModelIn, ModelOut),
    "meetings": (MeetingIn, MeetingOut),
    "recognitions": (RecognitionIn, RecognitionOut),
    "inspections": (InspectionIn, InspectionOut),
    "evaluations": (EvaluationIn, EvaluationOut),
}

# A field added to the models in a fresh interpreter, before anything else reads the registry.
ADD_A_FIELD = """
import dataclasses, json
from server.records import registry

extra = registry.F("households", "int", nullable=True, minimum=0, maximum=100_000)
registry.MODELS = dataclasses.replace(
    registry.MODELS,
    fields=(*registry.MODELS.fields, extra),
    form=(*registry.MODELS.form, "households"),
)
registry.RECORD_TYPES["models"] = registry.MODELS

from server.records import export_schema, jsonschema, schemas

model_in = schemas.ModelIn().load({"households": 12}, partial=True)
module = export_schema.render() + export_schema.render_registry()
print(json.dumps({
    "loaded": model_in,
    "input": type(schemas.ModelIn().fields["households"]).__name__,
    "output": schemas.ModelOut().dump({"households": 12}).get("households"),
    "json_schema": jsonschema.document()["$defs"]["ModelIn"]["properties"]["households"],
    "in_module": '"name": "households"' in module and '"households": {' in module,
}))
"""


def test_a_field_added_to_the_registry_appears_everywhere():
    """Adding a field is one line in the registry: schemas, JSON Schema and PWA module follow."""
    out = subprocess.run(
        [sys.executable, "-c", ADD_A_FIELD],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        timeout=60,
    )
    seen = json.loads(out.stdout)
    assert seen == {
        "loaded": {"households": 12},
        "input": "Integer",
        "output": 12,
        "json_schema": {"type": ["integer", "null"], "minimum": 0, "maximum": 100_000},
        "in_module": True,
    }


def test_schemas_have_exactly_the_registry_fields():
    """Every wire field of a record type is a registry field, in the registry's order."""
    common = [f.name for f in registry.COMMON]
    assert list(RecordIn().fields) == common
    server_owned = set(RecordOut().fields) - set(common)
    for table, kind in registry.RECORD_TYPES.items():
        schema_in, schema_out = SCHEMAS[table]
        names = [f.name for f in kind.fields]
        # Derived fields (an evaluation's total and rating) are output only.
        inputs = [f.name for f in kind.fields if not f.derived]
        assert list(schema_in().fields) == common + inputs
        assert [n for n in schema_out().fields if n not in server_owned | set(common)] == names
        for f in (*registry.COMMON, *(f for f in kind.fields if not f.derived)):
            loaded = schema_in().fields[f.name]
            assert loaded.required == f.required, f.name
            assert loaded.allow_none == f.nullable, f.name
            if f.type == "list":
                assert isinstance(loaded, fields.List), f.name


def test_tables_read_the_registry():
    """The sync allow-list's search and reference fields are the registry's."""
    for table, kind in registry.RECORD_TYPES.items():
        every = (*registry.COMMON, *kind.fields)
        assert TABLES[table].search_fields == tuple(f.name for f in every if f.searchable)
        assert TABLES[table].date_field == kind.date_field
    assert list(TABLES) == list(registry.RECORD_TYPES)


def test_pwa_module_carries_workflow_forms_and_ranges():
    """The generated module holds the workflow, roles, form fields and plausibility rules."""
    doc = pwa_registry.document()
    assert doc["tables"] == ["models", "meetings", "evaluations", "recognitions", "inspections"]
    assert set(doc["workflow"]["steps"]) == set(STEPS)
    for action, step in STEPS.items():
        assert doc["workflow"]["steps"][action]["sources"] == sorted(step.sources)
        assert doc["workflow"]["steps"][action]["target"] == step.target
    assert doc["workflow"]["locked"] == sorted(LOCKED)
    assert doc["workflow"]["writer_roles"] == list(WRITER_ROLES)
    assert doc["workflow"]["reviewer_roles"] == list(REVIEWER_ROLES)
    form = {f["name"]: f for f in doc["types"]["models"]["form"]}
    assert form["person_birth_year"]["showIf"] == {"field": "subject_type", "in": ["CA_NHAN"]}
    assert form["collective_name"]["required"] is True  # required_if: marked on the form
    plausible = document()["$defs"]["ModelIn"]["x-plausible"]
    birth = next(p for p in plausible if p["field"] == "person_birth_year")
    # Relative bounds are published as such, never as this year's number.
    assert birth["high"] == {"kind": "years", "value": -15}
