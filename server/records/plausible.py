"""Plausible values of records: ranges, some relative to today, and fields checked together.

A value outside its plausible range is refused with a coded message stating the range
(`server.errors` holds each code's Vietnamese and English wording). Bounds relative to today are
computed when a record is checked, here and in the PWA (`pwa/js/lib/record-rules.js`), never
frozen into the published schema. A rule binds only a write that sets one of its fields
(PROTOCOL.md §3.5): a record stored before the rule, edited elsewhere, still saves.
"""

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any, TypeGuard

VN_TZ = timezone(timedelta(hours=7))
PERIOD_YEARS = re.compile(r"^GD_(\d{4})_(\d{4})$")
_touched: ContextVar[frozenset[str] | None] = ContextVar("touched", default=None)

# code -> (Vietnamese, English); `server.errors.CATALOGUE` lists them, the PWA shows the same.
MESSAGES: dict[str, tuple[str, str]] = {
    "FILE_TOO_LARGE": (
        "Tệp quá lớn: tối đa 10 MB mỗi tệp.",
        "The file is too large: at most 10 MB a file.",
    ),
    "BIRTH_YEAR_RANGE": (
        "Năm sinh phải từ {min} đến {max}.",
        "The birth year must be from {min} to {max}.",
    ),
    "YEAR_REGISTERED_RANGE": (
        "Năm đăng ký phải từ {min} đến {max}.",
        "The year registered must be from {min} to {max}.",
    ),
    "DATE_RANGE": ("Ngày phải từ {min} đến {max}.", "The date must be from {min} to {max}."),
    "COUNT_RANGE": ("Số phải từ {min} đến {max}.", "The number must be from {min} to {max}."),
    "METRIC_VALUE_RANGE": (
        "Giá trị phải từ {min} đến {max}.",
        "The value must be from {min} to {max}.",
    ),
    "YEAR_OUTSIDE_PERIOD": (
        "Năm đăng ký phải thuộc giai đoạn: từ {min} đến {max}.",
        "The year registered must lie in the period: from {min} to {max}.",
    ),
    "START_AFTER_YEAR_REGISTERED": (
        "Ngày bắt đầu không được sau năm đăng ký: muộn nhất {max}.",
        "The start date may not be after the year registered: {max} at the latest.",
    ),
    "ACTUAL_ABOVE_PLANNED": (
        "Số thực tế phải từ {min} đến {max} (không quá {factor} lần số dự kiến).",
        "The actual number must be from {min} to {max} (at most {factor} times the planned).",
    ),
}


@dataclass(frozen=True)
class Bound:
    """One end of a range: `fixed` (a number or an ISO date), or relative to when it is checked.

    `years`: this year plus n; `days`: today (in Vietnam) plus n days.
    """

    kind: str
    value: int | str

    def resolve(self, today: date) -> int | date:
        """Return the bound as of today."""
        if self.kind == "years":
            return today.year + int(self.value)
        if self.kind == "days":
            return today + timedelta(days=int(self.value))
        if isinstance(self.value, str):
            return date.fromisoformat(self.value)
        return self.value

    def describe(self) -> dict:
        """Return the bound as published."""
        return {"kind": self.kind, "value": self.value}


@dataclass(frozen=True)
class Plausible:
    """One plausibility rule; `code` names its message.

    kind:
    - `range`: `field` (a number, a date or a date-time's day) lies within `low`..`high`; with
      `item`, the field is a list and each item's `item` key is checked (errors per item);
    - `year_in_period`: the year in `field` lies within the period `GD_YYYY_YYYY` in `other`;
    - `date_by_year`: the date in `field` is not after the end of the year in `other`;
    - `at_most_times`: `field` is at most `factor` times `other`, when `other` is at least 1.
    """

    code: str
    kind: str
    field: str
    low: Bound | None = None
    high: Bound | None = None
    other: str | None = None
    factor: int | None = None
    item: str | None = None

    def applies(self, touched: frozenset[str] | None) -> bool:
        """Tell whether a write that sets `touched` (None: all fields) is bound by the rule."""
        return touched is None or self.field in touched or self.other in touched

    def describe(self) -> dict:
        """Return the rule as published (x-plausible)."""
        out: dict = {"code": self.code, "kind": self.kind, "field": self.field}
        for key in ("low", "high"):
            if (bound := getattr(self, key)) is not None:
                out[key] = bound.describe()
        for key in ("other", "factor", "item"):
            if (value := getattr(self, key)) is not None:
                out[key] = value
        return out

    def breaches(self, data: dict, today: date) -> dict[str, dict]:
        """Return {error key: message params} for each value the rule refuses."""
        value = data.get(self.field)
        if self.kind == "range" and self.item:
            out = {}
            for i, item in enumerate(value if isinstance(value, list) else []):
                if isinstance(item, dict) and (p := self._range(item.get(self.item), today)):
                    out[f"{i}.{self.item}"] = p
            return out
        params = None
        if self.kind == "range":
            params = self._range(value, today)
        elif self.kind == "year_in_period":
            match = PERIOD_YEARS.match(str(data.get(self.other) or ""))
            if match and _is_int(value):
                low, high = int(match[1]), int(match[2])
                if not low <= value <= high:
                    params = {"min": low, "max": high}
        elif self.kind == "date_by_year":
            year = data.get(self.other)
            day = _day(value)
            if day and _is_int(year) and 1 <= year <= 9999 and day > date(year, 12, 31):
                params = {"max": show(date(year, 12, 31))}
        elif self.kind == "at_most_times":
            planned = data.get(self.other)
            limit = planned * (self.factor or 1) if _is_int(planned) and planned >= 1 else None
            if limit is not None and _is_int(value) and value > limit:
                params = {"min": 0, "max": limit, "factor": self.factor}
        else:
            raise ValueError(self.kind)
        return {self.field: params} if params else {}

    def _range(self, value: object, today: date) -> dict | None:
        # Bounds and value are alike: both numbers, or both days.
        low: Any = self.low.resolve(today) if self.low else None
        high: Any = self.high.resolve(today) if self.high else None
        probe: Any
        if isinstance(low or high, date):
            probe = _day(value)
        else:
            probe = value if _is_number(value) else None
        if probe is None:
            return None
        if (low is not None and probe < low) or (high is not None and probe > high):
            return {"min": show(low), "max": show(high)}
        return None


class CodedMessage(str):
    """An English field message that carries its code and params, to translate and to report."""

    code: str
    params: dict

    def __new__(cls, code: str, params: dict) -> "CodedMessage":
        text = str.__new__(cls, MESSAGES[code][1].format(**params))
        text.code, text.params = code, params
        return text

    def vietnamese(self) -> str:
        """Return the message in Vietnamese."""
        return MESSAGES[self.code][0].format(**self.params)


def show(value: object) -> str:
    """Write a bound as messages state it: dates as dd/mm/yyyy, numbers as digits."""
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: object) -> TypeGuard[int | float]:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _day(value: object) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else None


def today_in_vietnam() -> date:
    """Return today's date in Vietnam, against which relative bounds are taken."""
    return datetime.now(VN_TZ).date()


@contextmanager
def touching(names: frozenset[str]) -> Iterator[None]:
    """Check a whole record after an edit: only rules involving the edited fields bind."""
    token = _touched.set(names)
    try:
        yield
    finally:
        _touched.reset(token)


def errors(rules: tuple[Plausible, ...], data: dict, skip: set[str]) -> dict:
    """Return marshmallow-shaped errors for the rules the loaded data breaks (None: it is fine)."""
    touched = _touched.get()
    today = today_in_vietnam()
    out: dict = {}
    for rule in rules:
        if rule.field in skip or rule.field in out or not rule.applies(touched):
            continue
        for key, params in rule.breaches(data, today).items():
            message = [CodedMessage(rule.code, params)]
            if "." in key:
                index, name = key.split(".", 1)
                out.setdefault(rule.field, {}).setdefault(int(index), {})[name] = message
            else:
                out[key] = message
    return out


EARLIEST = Bound("fixed", "1945-01-01")  # nothing recorded predates the Republic
YEAR_AHEAD = Bound("days", 365)  # planned work and meetings: at most a year ahead
COUNT = (Bound("fixed", 0), Bound("fixed", 100_000))

MODEL_PLAUSIBLE: tuple[Plausible, ...] = (
    # An exemplar is an adult: at least 15 years old this year.
    Plausible(
        "BIRTH_YEAR_RANGE", "range", "person_birth_year", Bound("fixed", 1900), Bound("years", -15)
    ),
    Plausible(
        "YEAR_REGISTERED_RANGE", "range", "year_registered", Bound("fixed", 2000), Bound("years", 1)
    ),
    Plausible("YEAR_OUTSIDE_PERIOD", "year_in_period", "year_registered", other="period"),
    Plausible("DATE_RANGE", "range", "start_date", EARLIEST, YEAR_AHEAD),
    Plausible("START_AFTER_YEAR_REGISTERED", "date_by_year", "start_date", other="year_registered"),
    Plausible(
        "METRIC_VALUE_RANGE",
        "range",
        "metrics",
        Bound("fixed", 0),
        Bound("fixed", 10**15),
        item="value",
    ),
)

MEETING_PLAUSIBLE: tuple[Plausible, ...] = (
    Plausible("DATE_RANGE", "range", "start_at", EARLIEST, YEAR_AHEAD),
    Plausible("DATE_RANGE", "range", "end_at", EARLIEST, YEAR_AHEAD),
    Plausible("COUNT_RANGE", "range", "planned_count", *COUNT),
    Plausible("COUNT_RANGE", "range", "actual_count", *COUNT),
    Plausible(
        "ACTUAL_ABOVE_PLANNED", "at_most_times", "actual_count", other="planned_count", factor=10
    ),
    Plausible("COUNT_RANGE", "range", "speeches_count", Bound("fixed", 0), Bound("fixed", 10_000)),
)
