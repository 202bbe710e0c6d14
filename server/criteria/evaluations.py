"""What an evaluation must satisfy beyond its shape, and its derived total and rating.

Checked on every create and on every edit that changes what they depend on (PROTOCOL.md §3.5):
- the set version is one the writer sees (issued by their unit, above or below it), else
  NOT_FOUND on `set_id`, the answer for a set that does not exist;
- the set applies to the model's kind (CRITERIA_SET_NOT_APPLICABLE);
- the evaluating unit (`owner_unit_id`) lies above the model's owner unit, or is that unit
  itself when the set allows self-evaluation (EVALUATOR_NOT_ABOVE);
- a create (or a change of `set_id`) made after the version was superseded, by its action time,
  is refused CRITERIA_SET_SUPERSEDED: what was scored offline before the edit still syncs;
- every criterion of the set is scored exactly once, from 0 to its points, with at most two
  decimals (VALIDATION_FAILED with a code per score, sync/scoring.py).
"""

import typing
from typing import Any

from marshmallow import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from server.actor import Actor
from server.criteria.service import UNKNOWN_SET, sees_set
from server.errors import ApiError, field_error, validation_error
from server.models import CriteriaSet, ModelRecord, SyncedRecord, Unit
from server.models.types import utcnow
from server.records import newrow
from server.records.plausible import CodedMessage
from sync import scoring

# The fields an evaluation's checks and derived values read.
DEPENDS = frozenset({"model_id", "set_id", "owner_unit_id", "scores"})
PROBLEM_CODES = {
    "unknown": ("code", "CRITERION_UNKNOWN"),
    "twice": ("code", "CRITERION_SCORED_TWICE"),
    "above_max": ("points", "SCORE_ABOVE_MAX"),
    "negative": ("points", "SCORE_ABOVE_MAX"),
    "precision": ("points", "SCORE_PRECISION"),
}


def applies_kind(model: ModelRecord) -> str:
    """Return what kind of subject a model is, as criteria sets name it."""
    if model.kind != "DIEN_HINH":
        return "MO_HINH"
    return "DIEN_HINH_CA_NHAN" if model.subject_type == "CA_NHAN" else "DIEN_HINH_TAP_THE"


def _load_set(session: Session, set_id: str) -> CriteriaSet | None:
    # A shared lock: an edit of the set (FOR UPDATE) waits for this write, then sees it used.
    query = (
        select(CriteriaSet)
        .where(CriteriaSet.id == set_id)
        .with_for_update(read=True)
        .execution_options(populate_existing=True)
    )
    return session.execute(query).scalar_one_or_none()


def derive(
    session: Session,
    values: dict[str, Any],
    actor: Actor,
    record: SyncedRecord | None,
) -> dict[str, Any]:
    """Check an evaluation as it will be after the write; return its total and rating.

    `values` are the fields the write sets; the others are read from `record` (an edit).
    """

    def value(name: str) -> Any:
        return values[name] if name in values or record is None else getattr(record, name)

    changed = set(values) if record is None else set(values) & DEPENDS
    if record is not None and not changed:
        return {}
    criteria_set = _load_set(session, value("set_id"))
    user = actor.user
    if criteria_set is None or (
        "set_id" in changed and not sees_set(user, session.get(Unit, criteria_set.issuer_unit_id))
    ):
        raise field_error("NOT_FOUND", {"set_id": [UNKNOWN_SET]})
    superseded = criteria_set.superseded_at
    if "set_id" in changed and superseded is not None and actor.acted_at(utcnow()) >= superseded:
        raise ApiError(
            "CRITERIA_SET_SUPERSEDED", {"superseded_by_id": criteria_set.superseded_by_id}
        )
    model = _model(session, value("model_id"))
    if model is None:
        raise field_error("NOT_FOUND", {"model_id": ["The record does not exist."]})
    if changed & {"set_id", "model_id"} and applies_kind(model) not in criteria_set.applies_to:
        raise ApiError(
            "CRITERIA_SET_NOT_APPLICABLE",
            {"applies_to": list(criteria_set.applies_to), "model_kind": applies_kind(model)},
        )
    if changed & {"set_id", "model_id", "owner_unit_id"}:
        _check_evaluator(session, value("owner_unit_id"), model, criteria_set)
    scores = value("scores") or []
    _check_scores(criteria_set, scores)
    total = scoring.total([float(s["points"]) for s in scores])
    return {"total": total, "rating": scoring.rating(total, criteria_set.thresholds or {})}


def _model(session: Session, model_id: str) -> ModelRecord | None:
    """Load a model, one created earlier in the same push (not flushed yet) included."""
    found = session.get(ModelRecord, model_id)
    if found is None:
        pending = (o for o in session.new if isinstance(o, ModelRecord) and o.id == model_id)
        found = next(pending, None)
    if found is None:
        # A model the push holds as a row for its one INSERT reads the same.
        found = typing.cast(ModelRecord | None, newrow.held(session, ModelRecord, model_id))
    return found


def _check_evaluator(
    session: Session, evaluator_id: int, model: ModelRecord, criteria_set: CriteriaSet
) -> None:
    evaluator = session.get(Unit, evaluator_id)
    owner = session.get(Unit, model.owner_unit_id)
    if evaluator is None or owner is None:
        raise ApiError("EVALUATOR_NOT_ABOVE")
    if owner.id == evaluator.id:
        if criteria_set.allow_self:
            return
        raise ApiError("EVALUATOR_NOT_ABOVE", {"allow_self": False})
    if not owner.path.startswith(evaluator.path):
        raise ApiError("EVALUATOR_NOT_ABOVE", {"allow_self": criteria_set.allow_self})


def _check_scores(criteria_set: CriteriaSet, scores: list[dict[str, Any]]) -> None:
    criteria = criteria_set.criteria or []
    maxima = {c["code"]: c["max_points"] for c in criteria}
    problems, missing = scoring.score_errors(criteria, scores)
    errors: dict[str, Any] = {}
    if problems:
        items: dict[int, Any] = {}
        for index, problem in problems.items():
            key, code = PROBLEM_CODES[problem]
            score = scores[index]
            params = {"code": score.get("code"), "max": _show(maxima.get(score.get("code"), 0))}
            items[index] = {key: [CodedMessage(code, params)]}
        errors["scores"] = items
    elif missing:
        errors["scores"] = [CodedMessage("CRITERION_NOT_SCORED", {"code": c}) for c in missing]
    if errors:
        raise validation_error(ValidationError(errors))


def _show(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)
