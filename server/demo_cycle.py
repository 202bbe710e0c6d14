"""Demo data for the evaluation cycle: a criteria set, evaluations, recognitions, an inspection.

The province issues its criteria set, its council scores models against it, models are
recognised and commended, and a team inspects the border communes: a new user sees the whole
cycle (DOMAIN.md §2.6–2.8). Keyed by fixed identifiers, like the rest of the demo.
"""

from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.actor import Actor
from server.criteria import service as criteria
from server.criteria.schemas import CriteriaSetIn
from server.models import CriteriaSet, Unit, User
from server.records.tables import EVALUATIONS, INSPECTIONS, RECOGNITIONS, RecordTable

# Keys that steer the loader and are not fields of the record.
META = ("key", "owner", "set", "model", "models", "targets", "issuer", "flow")

Payload = Callable[[dict[str, Any]], dict[str, Any]]


def ensure_sets(
    session: Session, items: list[dict[str, Any]], units: dict[str, Unit], reviewer: User
) -> dict[str, str]:
    """Issue the criteria sets not issued yet; return their ids by key."""
    ids = {}
    for item in items:
        issuer = units[item["issuer"]]
        found = session.scalar(
            select(CriteriaSet.id).where(
                CriteriaSet.issuer_unit_id == issuer.id,
                CriteriaSet.doc_number == item["doc_number"],
            )
        )
        if found is None:
            body = {k: v for k, v in item.items() if k not in META}
            data = CriteriaSetIn().load({**body, "issuer_unit_id": issuer.id})
            found = criteria.create(session, data, Actor.signed_in(reviewer)).id
            session.commit()
        ids[item["key"]] = found
    return ids


def _fields(item: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in item.items() if k not in META}


def ensure_cycle(
    session: Session,
    data: dict[str, Any],
    units: dict[str, Unit],
    ids: Callable[[str, str], str],
    ensure: Callable[[RecordTable, list[dict[str, Any]], Payload], list[Any]],
    reviewer: User,
) -> list[str]:
    """Create the cycle's sets and records once; return the console lines.

    `ensure` creates the records not made yet and takes them through their review flow.
    """
    sets = ensure_sets(session, data["criteria_sets"], units, reviewer)

    def evaluation(item: dict[str, Any]) -> dict[str, Any]:
        return {
            **_fields(item),
            "id": ids("evaluation", item["key"]),
            "owner_unit_id": units[item["owner"]].id,
            "set_id": sets[item["set"]],
            "model_id": ids("model", item["model"]),
        }

    def recognition(item: dict[str, Any]) -> dict[str, Any]:
        return {
            **_fields(item),
            "id": ids("recognition", item["key"]),
            "owner_unit_id": units[item["owner"]].id,
            "subject_model_id": ids("model", item["model"]),
            "issuer": item["issuer"],
        }

    def inspection(item: dict[str, Any]) -> dict[str, Any]:
        owner = units[item["owner"]]
        return {
            **_fields(item),
            "id": ids("inspection", item["key"]),
            "owner_unit_id": owner.id,
            "conducting_unit_id": owner.id,
            "target_unit_ids": [units[k].id for k in item["targets"]],
            "target_model_ids": [ids("model", k) for k in item["models"]],
        }

    made = {
        "evaluations": ensure(EVALUATIONS, data["evaluations"], evaluation),
        "recognitions": ensure(RECOGNITIONS, data["recognitions"], recognition),
        "inspections": ensure(INSPECTIONS, data["inspections"], inspection),
    }
    return [
        f"Bộ tiêu chí: {len(sets)}; đánh giá: {len(made['evaluations'])}; công nhận, khen "
        f"thưởng: {len(made['recognitions'])}; kiểm tra, giám sát: {len(made['inspections'])}."
    ]
