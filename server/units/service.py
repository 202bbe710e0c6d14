"""Operations on the unit tree."""

from datetime import date

from marshmallow import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from server import changes
from server.actor import Actor
from server.audit import record_event
from server.errors import ApiError
from server.models import Unit
from server.search import search_text
from server.units.moves import carry_subtree

# Field messages, in English; server.errors translates them for each caller.
CYCLE = "A unit cannot move under itself or its own descendant."
UNKNOWN_UNIT = "The unit does not exist."
SELF_SUCCESSOR = "A unit cannot be its own successor."
NEEDS_END = "A former unit needs its end date."
ONLY_ENDED = "Only a unit that has ended has successors."
# Districts were abolished on 2025-07-01: one is always a former unit, kept for old reports.
LEGACY_LEVELS = ("HUYEN",)


def check_lifetime(unit: Unit) -> None:
    """Refuse a former unit without its end date, and successors of a unit that has not ended."""
    if unit.valid_to is None and unit.level in LEGACY_LEVELS:
        raise ValidationError({"valid_to": [NEEDS_END]})
    if unit.valid_to is None and unit.successors:
        raise ValidationError({"successor_ids": [ONLY_ENDED]})


def unit_snapshot(unit: Unit) -> dict:
    """Return the audited values of a unit."""
    return {
        "code": unit.code,
        "name": unit.name,
        "level": unit.level,
        "type": unit.type,
        "admin_kind": unit.admin_kind,
        "parent_id": unit.parent_id,
        "valid_from": unit.valid_from.isoformat() if unit.valid_from else None,
        "valid_to": unit.valid_to.isoformat() if unit.valid_to else None,
        "successor_ids": sorted(s.id for s in unit.successors),
        "aliases": list(unit.aliases or []),
    }


def refresh_search(unit: Unit) -> None:
    """Recompute the folded search text of a unit."""
    unit.search_text = search_text(unit.name, unit.code, *(unit.aliases or []))


def place(session: Session, unit: Unit, parent: Unit | None) -> list[Unit]:
    """Attach a unit under a parent and rewrite the paths of its subtree; return changed units."""
    if parent is not None and unit.id is not None and parent.path.startswith(unit.path or "\0"):
        raise ValidationError({"parent_id": [CYCLE]})
    unit.parent = parent
    session.flush()  # the new unit needs its id before its path can end with it
    old_path = unit.path
    unit.path = (parent.path if parent else "/") + f"{unit.id}/"
    unit.depth = (parent.depth + 1) if parent else 0
    return [unit, *rewrite_descendants(session, unit, old_path)]


def rewrite_descendants(session: Session, unit: Unit, old_path: str | None) -> list[Unit]:
    """Give the descendants of a unit whose path changed their new paths; return them."""
    if not old_path or old_path == unit.path:
        return []
    children = list(
        session.scalars(
            select(Unit).where(Unit.path.startswith(old_path, autoescape=True), Unit.id != unit.id)
        )
    )
    for child in children:
        child.path = unit.path + child.path[len(old_path) :]
        child.depth = child.path.count("/") - 2
    return children


def create_unit(session: Session, *, actor: Actor | None, data: dict) -> Unit:
    """Create a unit under a parent in the actor's scope; a None actor is the system."""
    if session.scalar(select(Unit.id).where(Unit.code == data["code"])) is not None:
        raise ApiError("DUPLICATE", {"fields": {"code": ["already used"]}})
    parent = session.get(Unit, data.pop("parent_id")) if data.get("parent_id") else None
    successor_ids = data.pop("successor_ids", None) or []
    unit = Unit(**data)
    unit.aliases = unit.aliases or []
    refresh_search(unit)
    session.add(unit)
    moved = place(session, unit, parent)
    unit.successors = _load_units(session, successor_ids)
    check_lifetime(unit)
    changes.stamp(session, moved)
    record_event(
        session,
        actor,
        table="units",
        record_id=unit.id,
        action="create",
        after=unit_snapshot(unit),
    )
    session.commit()
    return unit


def update_unit(session: Session, unit: Unit, *, actor: Actor | None, data: dict) -> Unit:
    """Change a unit's fields, parent or successors."""
    before = unit_snapshot(unit)
    if unit.id in (data.get("successor_ids") or []):
        raise ValidationError({"successor_ids": [SELF_SUCCESSOR]})
    moved: list[Unit] = [unit]
    if "parent_id" in data:
        parent_id = data.pop("parent_id")
        parent = session.get(Unit, parent_id) if parent_id else None
        if parent_id and parent is None:
            raise ValidationError({"parent_id": [UNKNOWN_UNIT]})
        if parent_id != unit.parent_id:
            old_parent = unit.parent
            moved = place(session, unit, parent)
            # Every device's view of the subtree changes with its paths (PROTOCOL.md §5.4).
            carry_subtree(session, unit, old_parent)
    if "successor_ids" in data:
        unit.successors = _load_units(session, data.pop("successor_ids") or [])
    for key, value in data.items():
        setattr(unit, key, value)
    check_lifetime(unit)
    refresh_search(unit)
    changes.stamp(session, moved)
    record_event(
        session,
        actor,
        table="units",
        record_id=unit.id,
        action="update",
        before=before,
        after=unit_snapshot(unit),
    )
    session.commit()
    return unit


def _load_units(session: Session, ids: list[int]) -> list[Unit]:
    units = list(session.scalars(select(Unit).where(Unit.id.in_(ids)))) if ids else []
    missing = set(ids) - {u.id for u in units}
    if missing:
        errors = {str(i): [UNKNOWN_UNIT] for i, unit_id in enumerate(ids) if unit_id in missing}
        raise ValidationError({"successor_ids": errors})
    return units


ROOT_CODE = "TW"
REFORM_DATE = date(2025, 7, 1)


def ensure_root(session: Session) -> Unit:
    """Return the central unit at the top of the tree, creating it if needed."""
    root = session.scalar(select(Unit).where(Unit.code == ROOT_CODE))
    if root is None:
        root = Unit(code=ROOT_CODE, name="Trung ương", level="TRUNG_UONG", aliases=[])
        refresh_search(root)
        session.add(root)
        changes.stamp(session, place(session, root, None))
    return root
