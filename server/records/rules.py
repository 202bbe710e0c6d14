"""The cross-field rules of the record types, declared once.

The marshmallow input schemas check them (`check`), and the published JSON Schema
(`server.records.jsonschema`) and the PWA's generated module carry them, so a rule is written in
one place only. Each rule has a stable code; `message` is English (translated in server.errors)
and `message_key` names the PWA's label for it.
"""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from marshmallow import ValidationError

from server import enums

# Marshmallow's own wording for a missing field: the same error whether absent or blank.
REQUIRED = "Missing data for required field."
NAMED_ROLES = ("CHU_TRI", "DONG_CHU_TRI", "BAO_CAO_VIEN", "THU_KY")


@dataclass(frozen=True)
class Rule:
    """One rule on a record's fields together.

    kind:
    - `not_blank`: `field`, when present, holds more than white space;
    - `required_if`: when `when[0]` is one of `when[1]`, `field` is present and not blank
      (a string with more than white space, a non-empty list, not null);
    - `after`: when both are set, `field` is strictly later than `other`;
    - `contains`: `field` is a list with at least one item whose `item[0]` is one of `item[1]`;
    - `not_before`: when both are set, the date in `field` is not earlier than `other`;
    - `excluded_if`: when `when[0]` is one of `when[1]`, `field` is none of `excluded`.
    """

    code: str
    kind: str
    field: str
    message: str
    message_key: str
    when: tuple[str, tuple[str, ...]] | None = None
    other: str | None = None
    item: tuple[str, tuple[str, ...]] | None = None
    excluded: tuple[str, ...] = ()

    @property
    def condition(self) -> tuple[str, tuple[str, ...]]:
        """Return the `when` of a required_if rule."""
        if self.when is None:
            raise ValueError(f"{self.code}: a {self.kind} rule without `when`")
        return self.when

    @property
    def sought(self) -> tuple[str, tuple[str, ...]]:
        """Return the `item` of a contains rule."""
        if self.item is None:
            raise ValueError(f"{self.code}: a {self.kind} rule without `item`")
        return self.item

    def broken_by(self, data: dict[str, Any]) -> bool:
        """Tell whether loaded data breaks the rule."""
        value = data.get(self.field)
        if self.kind == "not_blank":
            return self.field in data and blank(value)
        if self.kind == "required_if":
            key, values = self.condition
            return data.get(key) in values and blank(value)
        if self.kind == "after":
            start = data.get(self.other) if self.other else None
            return isinstance(value, datetime) and isinstance(start, datetime) and value <= start
        if self.kind == "contains":
            key, values = self.sought
            return not any(isinstance(i, dict) and i.get(key) in values for i in value or [])
        if self.kind == "not_before":
            start = data.get(self.other) if self.other else None
            return isinstance(value, date) and isinstance(start, date) and value < start
        if self.kind == "excluded_if":
            key, values = self.condition
            return data.get(key) in values and value in self.excluded
        raise ValueError(self.kind)

    def describe(self) -> dict:
        """Return the rule as published (x-rules)."""
        out: dict = {
            "code": self.code,
            "kind": self.kind,
            "field": self.field,
            "message_key": self.message_key,
        }
        if self.when:
            out["when"] = {"field": self.when[0], "in": list(self.when[1])}
        if self.other:
            out["other"] = self.other
        if self.item:
            out["item"] = {"field": self.item[0], "in": list(self.item[1])}
        if self.excluded:
            out["excluded"] = list(self.excluded)
        return out


def blank(value: object) -> bool:
    """Tell whether a value counts as not given: null, white space or an empty list."""
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list):
        return not value
    return value is None


def _not_blank(table: str, field: str, key: str = "required") -> Rule:
    return Rule(f"{table}.{field}.not_blank", "not_blank", field, REQUIRED, key)


MODEL_RULES: tuple[Rule, ...] = (
    _not_blank("models", "name", "need_model_name"),
    _not_blank("models", "locality"),
    _not_blank("models", "objective"),
    _not_blank("models", "method"),
    Rule(
        "models.collective_name.required_if_tap_the",
        "required_if",
        "collective_name",
        REQUIRED,
        "required",
        when=("subject_type", ("TAP_THE",)),
    ),
    Rule(
        "models.person_name.required_if_ca_nhan",
        "required_if",
        "person_name",
        REQUIRED,
        "required",
        when=("subject_type", ("CA_NHAN",)),
    ),
)

MEETING_RULES: tuple[Rule, ...] = (
    _not_blank("meetings", "title"),
    _not_blank("meetings", "location"),
    _not_blank("meetings", "content_summary"),
    Rule(
        "meetings.end_at.after_start",
        "after",
        "end_at",
        "The end must be after the start.",
        "end_after_start",
        other="start_at",
    ),
    Rule(
        "meetings.report_period.required_if_report",
        "required_if",
        "report_period",
        REQUIRED,
        "required",
        when=("type", ("SO_KET", "TONG_KET")),
    ),
    Rule(
        "meetings.sites.required_if_online",
        "required_if",
        "sites",
        "At least one connection point is needed.",
        "need_site",
        when=("format", ("TRUC_TUYEN",)),
    ),
    Rule(
        "meetings.attendees.needs_chair",
        "contains",
        "attendees",
        "At least one chair is needed.",
        "need_chair",
        item=("role", tuple(enums.CHAIR_ROLES)),
    ),
)

# Which stage, level and form go together (docs/REPORTS.md, "Recognition rules"): the national
# level commends and praises but does not recognise models or pick exemplars; a Bằng khen is
# given by a province or the centre, not by a commune or district; the Kỷ niệm chương
# "Vì sự nghiệp Dân vận" only by the centre; and recognising a model is not a commendation.
LOCAL_STAGES = ("CONG_NHAN", "TIEU_BIEU")
COMMENDATION_FORMS = ("GIAY_KHEN", "BANG_KHEN", "KY_NIEM_CHUONG")
LEVEL_FOR_STAGE = "This level does not go with this stage."
FORM_FOR_LEVEL = "This form is not given at this level."
FORM_FOR_STAGE = "This form is a commendation: use the stage Khen or Đề nghị khen."

RECOGNITION_RULES: tuple[Rule, ...] = (
    _not_blank("recognitions", "issuer"),
    Rule(
        "recognitions.decision_no.required_if_khen",
        "required_if",
        "decision_no",
        REQUIRED,
        "need_decision_no",
        when=("stage", ("KHEN",)),
    ),
    Rule(
        "recognitions.level.not_national_for_local_stage",
        "excluded_if",
        "level",
        LEVEL_FOR_STAGE,
        "level_for_stage",
        when=("stage", LOCAL_STAGES),
        excluded=("TOAN_QUOC",),
    ),
    Rule(
        "recognitions.form.bang_khen_from_province",
        "excluded_if",
        "form",
        FORM_FOR_LEVEL,
        "form_for_level",
        when=("level", ("XA", "HUYEN")),
        excluded=("BANG_KHEN", "KY_NIEM_CHUONG"),
    ),
    Rule(
        "recognitions.form.medal_national",
        "excluded_if",
        "form",
        FORM_FOR_LEVEL,
        "form_for_level",
        when=("level", ("TINH",)),
        excluded=("KY_NIEM_CHUONG",),
    ),
    Rule(
        "recognitions.form.not_for_local_stage",
        "excluded_if",
        "form",
        FORM_FOR_STAGE,
        "form_for_stage",
        when=("stage", LOCAL_STAGES),
        excluded=COMMENDATION_FORMS,
    ),
)

INSPECTION_RULES: tuple[Rule, ...] = (
    _not_blank("inspections", "subject"),
    Rule(
        "inspections.date_to.not_before_start",
        "not_before",
        "date_to",
        "The end date must not be before the start date.",
        "end_not_before_start",
        other="date_from",
    ),
    Rule(
        "inspections.follow_up_due.not_before_start",
        "not_before",
        "follow_up_due",
        "The follow-up date must not be before the start date.",
        "follow_up_not_before_start",
        other="date_from",
    ),
)

ATTENDEE_RULES: tuple[Rule, ...] = (
    Rule(
        "attendees.full_name.required_if_named_role",
        "required_if",
        "full_name",
        REQUIRED,
        "required",
        when=("role", NAMED_ROLES),
    ),
)


def broken(rules: tuple[Rule, ...], data: dict) -> dict[str, list[str]]:
    """Return {field: [message]} for every field whose rule the loaded data breaks."""
    errors: dict[str, list[str]] = {}
    for rule in rules:
        if rule.field not in errors and rule.broken_by(data):
            errors[rule.field] = [rule.message]
    return errors


def check(rules: tuple[Rule, ...], data: dict) -> None:
    """Raise a ValidationError naming every field whose rule the loaded data breaks."""
    if errors := broken(rules, data):
        raise ValidationError(errors)
