"""Input and output shapes of criteria sets, declared by hand (DOMAIN.md §2.6)."""

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from server import enums
from server.records.plausible import CodedMessage
from server.records.registry import PERIOD_PATTERN
from server.schemas import InputSchema, Text, id_arg, id_field
from sync import scoring

CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"
DUPLICATE_CODE = "Each criterion needs its own code."
DUPLICATE_APPLIES = "Each kind is listed once."


class CriterionIn(Schema):
    """One criterion: its place, code, wording, points and whether evidence is required."""

    order = fields.Integer(strict=True, required=True, validate=validate.Range(min=1, max=1000))
    code = fields.String(
        required=True, validate=[validate.Length(min=1, max=32), validate.Regexp(CODE_PATTERN)]
    )
    text = Text(required=True, validate=validate.Length(min=1, max=2000))
    max_points = fields.Float(
        required=True,
        allow_nan=False,
        validate=validate.Range(min=0, max=10_000, min_inclusive=False),
    )
    evidence_required = fields.Boolean(load_default=False)


def _threshold() -> fields.Float:
    # Bounded so that counting it in hundredths never overflows; the max score bounds it anyway.
    return fields.Float(
        allow_none=True,
        load_default=None,
        allow_nan=False,
        validate=validate.Range(min=-1_000_000, max=1_000_000),
    )


class ThresholdsIn(Schema):
    """The minimum total of each rating; CHUA_DAT is every total below DAT's."""

    XUAT_SAC = _threshold()
    TOT = _threshold()
    KHA = _threshold()
    DAT = _threshold()


class CriteriaSetBody(InputSchema):
    """The content of a criteria set version, whole (an edit sends it all again)."""

    name = Text(required=True, validate=validate.Length(min=1, max=500))
    doc_number = fields.String(validate=validate.Length(max=64), allow_none=True)
    doc_date = fields.Date(allow_none=True)
    applies_to = fields.List(
        fields.String(validate=validate.OneOf(list(enums.APPLIES_TO))),
        required=True,
        validate=validate.Length(min=1, max=len(enums.APPLIES_TO)),
    )
    period = fields.String(validate=validate.Regexp(PERIOD_PATTERN), allow_none=True)
    allow_self = fields.Boolean(load_default=False)
    criteria = fields.List(
        fields.Nested(CriterionIn), required=True, validate=validate.Length(min=1, max=200)
    )
    thresholds = fields.Nested(ThresholdsIn, required=True)

    @validates_schema
    def _whole(self, data: dict[str, Any], **kwargs: Any) -> None:
        errors: dict[str, Any] = {}
        applies = data.get("applies_to") or []
        if len(set(applies)) != len(applies):
            errors["applies_to"] = [DUPLICATE_APPLIES]
        criteria = data.get("criteria") or []
        seen: set[str] = set()
        for index, item in enumerate(criteria):
            if item["code"] in seen:
                errors.setdefault("criteria", {})[index] = {"code": [DUPLICATE_CODE]}
            elif scoring.cents(item["max_points"]) is None:
                message = CodedMessage("SCORE_PRECISION", {})
                errors.setdefault("criteria", {})[index] = {"max_points": [message]}
            seen.add(item["code"])
        if "thresholds" in data and criteria:
            most = max_score(criteria)
            for name, problem in scoring.threshold_errors(data["thresholds"], most).items():
                code = "THRESHOLD_PASS_REQUIRED" if problem == "missing_dat" else "THRESHOLD_ORDER"
                message = CodedMessage(code, {"max": _show(most)})
                errors.setdefault("thresholds", {})[name] = [message]
        if errors:
            raise ValidationError(errors)


class CriteriaSetIn(CriteriaSetBody):
    """A new criteria set, issued by a unit."""

    issuer_unit_id = id_field(required=True)


class CriteriaSetEdit(CriteriaSetBody):
    """An edit of a set's latest version: its content whole and the version it is based on."""

    version_no = fields.Integer(strict=True, required=True, validate=validate.Range(min=1))


class CriteriaSetQuery(InputSchema):
    """Filters of the criteria set list."""

    issuer_unit_id = id_arg()
    applies_to = fields.String(validate=validate.OneOf(list(enums.APPLIES_TO)))
    include_superseded = fields.Boolean(load_default=False)


class CriterionOut(Schema):
    """One criterion."""

    order = fields.Integer()
    code = fields.String()
    text = fields.String()
    max_points = fields.Float()
    evidence_required = fields.Boolean()


class ThresholdsOut(Schema):
    """Minimum totals per rating."""

    XUAT_SAC = fields.Float(allow_none=True)
    TOT = fields.Float(allow_none=True)
    KHA = fields.Float(allow_none=True)
    DAT = fields.Float(allow_none=True)


class CriteriaSetOut(Schema):
    """One version of a criteria set, as the API and pulls send it."""

    id = fields.String()
    family_id = fields.String()
    version_no = fields.Integer()
    issuer_unit_id = fields.Integer()
    name = fields.String()
    doc_number = fields.String(allow_none=True)
    doc_date = fields.Date(allow_none=True)
    applies_to = fields.List(fields.String())
    period = fields.String(allow_none=True)
    allow_self = fields.Boolean()
    criteria = fields.List(fields.Nested(CriterionOut))
    thresholds = fields.Nested(ThresholdsOut)
    max_score = fields.Float()
    superseded_at = fields.DateTime(allow_none=True)
    superseded_by_id = fields.String(allow_none=True)
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


def max_score(criteria: list[dict[str, Any]]) -> float:
    """Return the set's maximum total: the sum of its criteria's points, to the hundredth."""
    return scoring.total([float(c["max_points"]) for c in criteria])


def _show(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)
