"""Issue, edit (versioned) and list criteria sets; who may see and manage them.

A set is issued by a unit (a province, a town, a commune) and seen by every user of that unit,
of the units above it and of the units below it: a commune officer scores against the
province's and the town's sets. Only a reviewer (LANH_DAO_DUYET) of the issuing unit itself, or
an administrator (QUAN_TRI) whose scope holds that unit, issues or edits one.

Versioning: an edit of a version no evaluation uses changes it in place; an edit of a version
some evaluation uses (deleted ones included: they can be restored) makes the next version, and
the old one stays, read only, marked superseded, for the evaluations that keep it.
"""

import uuid
from typing import Any

from sqlalchemy import ColumnElement, Select, exists, or_, select, true
from sqlalchemy.orm import Session

from server import changes
from server.actor import Actor
from server.audit import record_event
from server.criteria.schemas import CriteriaSetOut, max_score
from server.errors import ApiError, field_error
from server.models import CriteriaSet, Evaluation, Unit, User
from server.models.types import utcnow
from server.schemas import canonical_uuid
from server.scope import ADMIN_ROLE, sees_unit

MANAGER_ROLES = ("LANH_DAO_DUYET", ADMIN_ROLE)
UNKNOWN_SET = "The criteria set does not exist or is not issued for your units."
CONTENT = (
    "name",
    "doc_number",
    "doc_date",
    "applies_to",
    "period",
    "allow_self",
    "criteria",
    "thresholds",
)


def ancestor_ids(unit: Unit) -> list[int]:
    """Return the ids on a unit's path: the unit and every unit above it."""
    return [int(p) for p in unit.path.strip("/").split("/") if p]


def visible_filter(user: User, column: Any) -> ColumnElement[bool]:
    """Restrict an issuer column to the user's unit, the units above it and below it."""
    if user.is_admin:
        return true()
    below = select(Unit.id).where(Unit.path.startswith(user.unit.path, autoescape=True))
    return or_(column.in_(below), column.in_(ancestor_ids(user.unit)))


def sees_set(user: User, issuer: Unit | None) -> bool:
    """Tell whether a set issued by that unit is visible to the user."""
    if issuer is None:
        return False
    return sees_unit(user, issuer) or issuer.id in ancestor_ids(user.unit)


def may_manage(user: User, issuer: Unit) -> bool:
    """Tell whether the user may issue or edit a set for that unit."""
    if user.has_role(ADMIN_ROLE) and sees_unit(user, issuer):
        return True
    return user.has_role(*MANAGER_ROLES) and user.unit_id == issuer.id


def list_query(user: User, args: dict[str, Any]) -> Select[tuple[CriteriaSet]]:
    """Select the set versions the user sees: the latest of each unless asked for all."""
    query = select(CriteriaSet).where(visible_filter(user, CriteriaSet.issuer_unit_id))
    if "issuer_unit_id" in args:
        query = query.where(CriteriaSet.issuer_unit_id == args["issuer_unit_id"])
    if not args.get("include_superseded"):
        query = query.where(CriteriaSet.superseded_at.is_(None))
    return query.order_by(CriteriaSet.issuer_unit_id, CriteriaSet.name, CriteriaSet.version_no)


def filter_applies(rows: list[CriteriaSet], applies_to: str | None) -> list[CriteriaSet]:
    """Keep the sets for that kind of model (a JSON list: filtered here on both databases)."""
    return [r for r in rows if applies_to is None or applies_to in (r.applies_to or [])]


def visible(session: Session, user: User, set_id: str, *, for_update: bool = False) -> CriteriaSet:
    """Load a set version the user sees, or raise NOT_FOUND."""
    if canonical_uuid(set_id) != set_id:
        raise ApiError("NOT_FOUND")  # no set has such an id; keeps odd bytes out of SQL
    query = select(CriteriaSet).where(CriteriaSet.id == set_id)
    if for_update:
        query = query.with_for_update().execution_options(populate_existing=True)
    row = session.execute(query).scalar_one_or_none()
    if row is None or not sees_set(user, session.get(Unit, row.issuer_unit_id)):
        raise ApiError("NOT_FOUND")
    return row


def _content(data: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {name: data.get(name) for name in CONTENT}
    values["allow_self"] = bool(values["allow_self"])
    criteria: list[dict[str, Any]] = sorted(data["criteria"], key=lambda c: (c["order"], c["code"]))
    values["criteria"] = criteria
    values["max_score"] = max_score(criteria)
    return values


def _snapshot(row: CriteriaSet) -> dict[str, Any]:
    return {k: v for k, v in CriteriaSetOut().dump(row).items() if k in (*CONTENT, "max_score")}


def create(session: Session, data: dict[str, Any], actor: Actor) -> CriteriaSet:
    """Issue a new set (version 1) for a unit the user manages."""
    issuer = session.get(Unit, data["issuer_unit_id"])
    if issuer is None or not sees_unit(actor.user, issuer):
        raise field_error("NOT_FOUND", {"issuer_unit_id": ["The unit is outside your scope."]})
    if not may_manage(actor.user, issuer):
        raise ApiError("FORBIDDEN")
    now = utcnow()
    new_id = str(uuid.uuid4())
    row = CriteriaSet(
        id=new_id,
        family_id=new_id,
        version_no=1,
        issuer_unit_id=issuer.id,
        created_at=now,
        updated_at=now,
        created_by_id=actor.user_id,
        updated_by_id=actor.user_id,
        **_content(data),
    )
    session.add(row)
    changes.stamp(session, [row])
    record_event(
        session,
        actor,
        table="criteria_sets",
        record_id=row.id,
        action="create",
        after=_snapshot(row),
        version=1,
        base_version=0,
    )
    return row


def in_use(session: Session, set_id: str) -> bool:
    """Tell whether any evaluation, deleted or not, was made against this version."""
    return bool(session.scalar(select(exists().where(Evaluation.set_id == set_id))))


def edit(session: Session, row: CriteriaSet, data: dict[str, Any], actor: Actor) -> CriteriaSet:
    """Change a set's latest version: in place while unused, else as its next version.

    Returns the version that now holds the content (the same row or the new one).
    """
    issuer = session.get(Unit, row.issuer_unit_id)
    if issuer is None or not may_manage(actor.user, issuer):
        raise ApiError("FORBIDDEN")
    if row.superseded_at is not None:
        raise ApiError("CRITERIA_SET_SUPERSEDED", {"superseded_by_id": row.superseded_by_id})
    if data["version_no"] != row.version_no:
        raise ApiError("VERSION_MISMATCH", {"current_version": row.version_no})
    content = _content(data)
    before = _snapshot(row)
    now = utcnow()
    if not in_use(session, row.id):
        for name, value in content.items():
            setattr(row, name, value)
        row.updated_at = now
        row.updated_by_id = actor.user_id
        changes.stamp(session, [row])
        record_event(
            session,
            actor,
            table="criteria_sets",
            record_id=row.id,
            action="update",
            before=before,
            after=_snapshot(row),
            version=row.version_no,
            base_version=row.version_no,
        )
        return row
    successor = CriteriaSet(
        id=str(uuid.uuid4()),
        family_id=row.family_id,
        version_no=row.version_no + 1,
        issuer_unit_id=row.issuer_unit_id,
        created_at=now,
        updated_at=now,
        created_by_id=actor.user_id,
        updated_by_id=actor.user_id,
        **content,
    )
    session.add(successor)
    row.superseded_at = actor.acted_at(now)
    row.superseded_by_id = successor.id
    row.updated_at = now
    row.updated_by_id = actor.user_id
    changes.stamp(session, [row, successor])
    record_event(
        session,
        actor,
        table="criteria_sets",
        record_id=successor.id,
        action="new_version",
        before=before,
        after=_snapshot(successor),
        version=successor.version_no,
        base_version=row.version_no,
        comment=row.id,
    )
    return successor
