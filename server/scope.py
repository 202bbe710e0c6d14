"""Who may see and do what: every read and write is scoped to the user's unit subtree."""

from sqlalchemy import Select, SQLColumnExpression, select, true
from sqlalchemy.sql.elements import ColumnElement

from server.models import Unit, User

ADMIN_ROLE = "QUAN_TRI"
WRITER_ROLES = ("CAN_BO_NHAP", "CHUYEN_VIEN", "QUAN_TRI")
REVIEWER_ROLES = ("LANH_DAO_DUYET", "QUAN_TRI")


def subtree_ids(unit: Unit) -> Select[tuple[int]]:
    """Select the ids of a unit and all its descendants."""
    return select(Unit.id).where(Unit.path.startswith(unit.path, autoescape=True))


def unit_filter(user: User, column: SQLColumnExpression[int]) -> ColumnElement[bool]:
    """Restrict a unit-id column to the user's subtree (everything for a national admin)."""
    if user.is_admin:
        return true()
    return column.in_(subtree_ids(user.unit))


def sees_unit(user: User, unit: Unit | None) -> bool:
    """Tell whether a unit lies within the user's scope."""
    if unit is None:
        return False
    return user.is_admin or unit.path.startswith(user.unit.path)


def can_write(user: User) -> bool:
    """Tell whether the user may create and edit records."""
    return user.has_role(*WRITER_ROLES)


def can_review(user: User) -> bool:
    """Tell whether the user may approve or return records."""
    return user.has_role(*REVIEWER_ROLES)


def can_administer_user(actor: User, other: User) -> bool:
    """Tell whether the actor may manage another user's account and devices."""
    return actor.has_role(ADMIN_ROLE) and sees_unit(actor, other.unit)
