"""Check the units and records a write names: they exist, and lie in scope where that matters.

A reference that fails is refused NOT_FOUND with the field named (PROTOCOL.md §10): the same
answer whether the target does not exist or lies outside the writer's scope, so a write never
reveals what lies outside it. On an edit only references the record does not hold yet are
checked: one that was valid when written does not block later edits.
"""

import typing
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from server.errors import field_error
from server.models import ModelRecord, SyncedRecord, Unit, User
from server.records import newrow
from server.records.tables import RecordTable
from server.scope import sees_unit

# Field messages, in English; server.errors translates them for each caller.
OUT_OF_SCOPE = "The unit is outside your scope."
M = TypeVar("M", Unit, ModelRecord)
# Where in the body an error goes: field names and list indexes.
Path = tuple[str | int, ...]
UNKNOWN_UNIT = "The unit does not exist."
UNKNOWN_RECORD = "The record does not exist or is outside your scope."


def check_references(
    session: Session,
    table: RecordTable,
    values: dict[str, Any],
    actor: User,
    record: SyncedRecord | None = None,
) -> None:
    """Refuse the write, NOT_FOUND naming each field, if a reference it adds fails."""
    units: list[tuple[Path, int, bool]] = []  # (error path, unit id, must be in scope)
    models: list[tuple[Path, str]] = []
    for name in table.scoped_unit_fields + table.unit_fields:
        if values.get(name) is not None and _new(record, name, values[name]):
            units.append(((name,), values[name], name in table.scoped_unit_fields))
    for name in table.unit_list_fields:
        for index, unit_id in enumerate(values.get(name) or []):
            if unit_id not in _held(record, name):
                units.append(((name, index), unit_id, False))
    for name in table.nested_unit_fields:
        held = {item.get("unit_id") for item in _held(record, name)}
        for index, item in enumerate(values.get(name) or []):
            unit_id = item.get("unit_id")
            if unit_id is not None and unit_id not in held:
                units.append(((name, index, "unit_id"), unit_id, False))
    for name in table.model_fields:
        value = values.get(name)
        if isinstance(value, list):
            held_ids = _held(record, name)
            models.extend(((name, i), v) for i, v in enumerate(value) if v not in held_ids)
        elif value is not None and _new(record, name, value):
            models.append(((name,), value))
    errors: dict[str | int, Any] = {}
    found_units = _load(session, Unit, {unit_id for _, unit_id, _ in units})
    for path, unit_id, scoped in units:
        unit = found_units.get(unit_id)
        if scoped and not sees_unit(actor, unit):
            _put(errors, path, OUT_OF_SCOPE)
        elif unit is None:
            _put(errors, path, UNKNOWN_UNIT)
    found_models = _load(session, ModelRecord, {model_id for _, model_id in models})
    owners = _load(session, Unit, {m.owner_unit_id for m in found_models.values()})
    for path, model_id in models:
        model = found_models.get(model_id)
        if model is None or model.deleted or not sees_unit(actor, owners.get(model.owner_unit_id)):
            _put(errors, path, UNKNOWN_RECORD)
    if errors:
        raise field_error("NOT_FOUND", errors)
    _check_within(session, table, values, record)


OUTSIDE_CONDUCTING = "The unit is outside the conducting unit's scope."


def _check_within(
    session: Session, table: RecordTable, values: dict[str, Any], record: SyncedRecord | None
) -> None:
    """Refuse units of a list that lie outside the subtree of the unit a field names.

    Checked whenever the list or the anchor changes, against the record as it will be, so
    moving the conducting unit cannot leave inspected units outside its scope.
    """
    errors: dict[str | int, Any] = {}
    for name, anchor_name in table.within_fields:
        if name not in values and anchor_name not in values:
            continue
        anchor_id = values.get(anchor_name, getattr(record, anchor_name, None))
        listed = values[name] if name in values else _held(record, name)
        found = _load(session, Unit, {anchor_id, *listed} - {None})
        anchor = found.get(anchor_id)
        for index, unit_id in enumerate(listed):
            unit = found.get(unit_id)
            if anchor is None or unit is None or not unit.path.startswith(anchor.path):
                _put(errors, (name, index), OUTSIDE_CONDUCTING)
    if errors:
        raise field_error("TARGET_OUTSIDE_CONDUCTING_UNIT", errors)


def _new(record: object, name: str, value: object) -> bool:
    return record is None or getattr(record, name) != value


def _held(record: object, name: str) -> list[Any]:
    return list(getattr(record, name) or []) if record is not None else []


def _load(session: Session, model: type[M], ids: set[Any]) -> dict[Any, M]:
    """Return the rows with these ids: from the session when it holds them, else in one query."""
    found: dict[Any, M] = {}
    missing: set[Any] = set()
    for key in ids:
        obj = session.identity_map.get(identity_key(model, key))
        if obj is None:
            missing.add(key)
        else:
            found[key] = obj
    if missing:
        for obj in session.scalars(select(model).where(model.id.in_(missing))):
            found[obj.id] = obj
        missing -= set(found)
    if missing:
        # Rows created earlier in the same batch are not flushed yet.
        found.update({o.id: o for o in session.new if isinstance(o, model) and o.id in missing})
        # And those a push holds as rows for its one INSERT (server/records/newrow.py).
        for key in missing - set(found):
            row = newrow.held(session, model, key)
            if row is not None:
                found[key] = typing.cast(M, row)
    return found


def _put(errors: dict[str | int, Any], path: Path, message: str) -> None:
    """Store a message at a marshmallow-style path: {field: {index: {key: [message]}}}."""
    *parents, last = path
    node = errors
    for key in parents:
        node = node.setdefault(key, {})
    node.setdefault(last, []).append(message)
