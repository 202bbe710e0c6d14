"""What a unit's move changes, for whom: said to the administrator before it is confirmed."""

from dataclasses import dataclass, field

from marshmallow import ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from server.models import Unit, User
from server.records.tables import TABLES
from server.units.service import CYCLE


@dataclass
class MovePreview:
    """The counts an administrator reads before moving a unit under another parent."""

    unit: Unit
    old_parent: Unit | None
    new_parent: Unit
    # Units in the moved subtree (the unit itself included), their users and records.
    units: int = 0
    users: int = 0
    records: dict[str, int] = field(default_factory=dict)
    # Users above the old parent who stop seeing the subtree, and those above the new who start.
    users_losing: int = 0
    users_gaining: int = 0


def _ancestor_ids(unit: Unit | None) -> set[int]:
    return {int(part) for part in unit.path.strip("/").split("/")} if unit else set()


def _users_at(session: Session, unit_ids: set[int]) -> int:
    if not unit_ids:
        return 0
    query = select(func.count(User.id)).where(User.unit_id.in_(unit_ids), User.active)
    return session.scalar(query) or 0


def preview_move(session: Session, unit: Unit, new_parent: Unit) -> MovePreview:
    """Count the units, users and records that move with a unit, and who loses or gains them."""
    if new_parent.path.startswith(unit.path):
        raise ValidationError({"parent_id": [CYCLE]})
    result = MovePreview(unit=unit, old_parent=unit.parent, new_parent=new_parent)
    subtree = select(Unit.id).where(Unit.path.startswith(unit.path, autoescape=True))
    result.units = session.scalar(select(func.count()).select_from(subtree.subquery())) or 0
    result.users = (
        session.scalar(select(func.count(User.id)).where(User.unit_id.in_(subtree), User.active))
        or 0
    )
    for name, table in TABLES.items():
        model = table.model
        query = select(func.count()).where(
            model.owner_unit_id.in_(subtree), model.deleted.is_(False)
        )
        result.records[name] = session.scalar(query) or 0
    old_above = _ancestor_ids(unit.parent)
    new_above = _ancestor_ids(new_parent)
    result.users_losing = _users_at(session, old_above - new_above)
    result.users_gaining = _users_at(session, new_above - old_above)
    return result
