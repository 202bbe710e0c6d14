"""The record tables phones sync, with their schemas: the allow-list of the sync protocol.

Each table's references and searchable fields are read from `server.records.registry`.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import Any

from marshmallow import Schema

from server.criteria import evaluations
from server.fastdump import FastDumper
from server.models import Evaluation, Inspection, Meeting, ModelRecord, Recognition
from server.records import registry
from server.records.registry import COMMON, F, RecordType
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
)

RecordModel = (
    type[ModelRecord] | type[Meeting] | type[Evaluation] | type[Recognition] | type[Inspection]
)


@dataclass(frozen=True)
class RecordTable:
    """One synced record table: its model, schemas and the fields that carry meaning."""

    name: str
    model: RecordModel
    input_schema: type[Schema]
    output_schema: type[Schema]
    search_fields: tuple[str, ...]
    # Unit references that must lie within the writer's scope.
    scoped_unit_fields: tuple[str, ...]
    # Unit references that must merely exist: a meeting may name units of other provinces as
    # its organizer, co-organizers, connection points or attendees' units (DOMAIN.md §2.4).
    unit_fields: tuple[str, ...]
    date_field: str
    # Lists of unit ids, and lists of objects with a "unit_id", that must exist.
    unit_list_fields: tuple[str, ...] = ()
    nested_unit_fields: tuple[str, ...] = ()
    # References to models, which must exist, be live and lie within the writer's scope.
    model_fields: tuple[str, ...] = ()
    # (list of unit ids, unit field): each unit in the list lies within that unit's subtree.
    within_fields: tuple[tuple[str, str], ...] = ()
    # Checks against other rows, and the derived fields they yield (an evaluation's total).
    derive: Callable[..., dict[str, Any]] | None = None

    def loader(self, *, partial: bool = False) -> Schema:
        """Return the shared input schema instance (building one deep-copies every field)."""
        return _schema(self.input_schema, partial)

    def dumper(self) -> FastDumper:
        """Return the shared fast renderer of the output schema."""
        return _fast(self.output_schema)


@cache
def _fast(cls: type[Schema]) -> FastDumper:
    return FastDumper(cls())


@cache
def _schema(cls: type[Schema], partial: bool) -> Schema:
    # Schemas hold no per-call state, so one instance serves every request and thread.
    return cls(partial=partial) if partial else cls()


# Inspected units lie within the conducting unit's scope (DOMAIN.md §2.8).
WITHIN = {"inspections": (("target_unit_ids", "conducting_unit_id"),)}


def _table(
    kind: RecordType,
    model: RecordModel,
    input_schema: type[Schema],
    output: type[Schema],
    derive: Callable[..., dict[str, Any]] | None = None,
) -> RecordTable:
    """Return the sync table of a record type, its references read from the registry."""
    every = (*COMMON, *kind.fields)

    def named(test: Callable[[F], bool]) -> tuple[str, ...]:
        return tuple(f.name for f in every if test(f))

    return RecordTable(
        name=kind.table,
        model=model,
        input_schema=input_schema,
        output_schema=output,
        search_fields=named(lambda f: f.searchable),
        scoped_unit_fields=named(lambda f: f.unit_ref == "scoped"),
        unit_fields=named(lambda f: f.unit_ref == "exists" and f.type == "unit"),
        date_field=kind.date_field,
        unit_list_fields=named(lambda f: f.unit_ref == "exists" and f.items is not None),
        nested_unit_fields=named(lambda f: f.unit_ref == "exists" and f.shape is not None),
        model_fields=named(lambda f: f.model_ref),
        within_fields=WITHIN.get(kind.table, ()),
        derive=derive,
    )


MODELS = _table(registry.MODELS, ModelRecord, ModelIn, ModelOut)
MEETINGS = _table(registry.MEETINGS, Meeting, MeetingIn, MeetingOut)
EVALUATIONS = _table(
    registry.EVALUATIONS, Evaluation, EvaluationIn, EvaluationOut, evaluations.derive
)

RECOGNITIONS = _table(registry.RECOGNITIONS, Recognition, RecognitionIn, RecognitionOut)
INSPECTIONS = _table(registry.INSPECTIONS, Inspection, InspectionIn, InspectionOut)

TABLES: dict[str, RecordTable] = {
    t.name: t for t in (MODELS, MEETINGS, EVALUATIONS, RECOGNITIONS, INSPECTIONS)
}


def to_wire(value):
    """Turn a stored value into its JSON form, for audit events and conflict records."""
    if isinstance(value, datetime):
        # Meeting times are wall-clock minutes on the wire (PROTOCOL.md §3.5); keep that form.
        return value.isoformat(timespec="minutes") if value.tzinfo is None else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value
