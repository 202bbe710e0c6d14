"""Report periods (kỳ báo cáo): parse, label in Vietnamese, and step back to the same period.

Codes follow the model `period` enum's style (GD_2021_2025):

- ``NAM_2024`` "Năm 2024";
- ``6THANG_DAU_2024`` "6 tháng đầu năm 2024", ``6THANG_CUOI_2024`` "6 tháng cuối năm 2024";
- ``GD_2021_2025`` "Giai đoạn 2021–2025";
- explicit dates (``date_from``/``date_to``) "Từ ngày 01/03/2024 đến ngày 31/05/2024".
"""

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from server.records.schemas import VN_TZ

MIN_YEAR, MAX_YEAR = 2000, 2100  # the years a model may be registered in (ModelIn)
# A phase longer than this is a typo, not a giai đoạn (real ones run 3 to 5 years).
MAX_PHASE_YEARS = 20
FIRST_CHOICE_YEAR = 2016  # the first phase the movement's records use (GD_2016_2020)

_YEAR = re.compile(r"NAM_(\d{4})")
_HALF = re.compile(r"6THANG_(DAU|CUOI)_(\d{4})")
_PHASE = re.compile(r"GD_(\d{4})_(\d{4})")


class PeriodError(ValueError):
    """A period code or date range that names no report period."""


def vn_today() -> date:
    """Return today's date in Vietnam."""
    return datetime.now(VN_TZ).date()


def vn_date(value: date) -> str:
    """Write a date the Vietnamese way: dd/mm/yyyy."""
    return value.strftime("%d/%m/%Y")


@dataclass(frozen=True)
class Period:
    """A closed range of days a report covers."""

    kind: str  # NAM, 6_THANG, GIAI_DOAN or TU_NGAY (explicit dates)
    start: date
    end: date
    code: str | None = None

    @property
    def label(self) -> str:
        """Return the Vietnamese name of the period, as the report header prints it."""
        if self.kind == "NAM":
            return f"Năm {self.start.year}"
        if self.kind == "6_THANG":
            half = "đầu" if self.start.month == 1 else "cuối"
            return f"6 tháng {half} năm {self.start.year}"
        if self.kind == "GIAI_DOAN":
            return f"Giai đoạn {self.start.year}–{self.end.year}"
        return f"Từ ngày {vn_date(self.start)} đến ngày {vn_date(self.end)}"

    @property
    def whole_years(self) -> bool:
        """Tell whether the period is made of whole calendar years."""
        return (self.start.month, self.start.day, self.end.month, self.end.day) == (1, 1, 12, 31)

    def previous(self) -> "Period":
        """Return the period compared against in "Tăng/giảm so với cùng kỳ"."""
        if self.kind == "GIAI_DOAN":
            span = self.end.year - self.start.year + 1
            return phase(self.start.year - span, self.start.year - 1)
        if self.kind == "NAM":
            return year(self.start.year - 1)
        if self.kind == "6_THANG":
            return half_year(self.start.year - 1, first=self.start.month == 1)
        return between(_year_before(self.start), _year_before(self.end))


def _year_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def _check_year(value: int) -> int:
    if not MIN_YEAR <= value <= MAX_YEAR:
        raise PeriodError(f"year {value} outside {MIN_YEAR}–{MAX_YEAR}")
    return value


def year(value: int) -> Period:
    """Return the calendar year as a period."""
    return Period("NAM", date(value, 1, 1), date(value, 12, 31), f"NAM_{value}")


def half_year(value: int, *, first: bool) -> Period:
    """Return the first or second half of a year."""
    if first:
        return Period("6_THANG", date(value, 1, 1), date(value, 6, 30), f"6THANG_DAU_{value}")
    return Period("6_THANG", date(value, 7, 1), date(value, 12, 31), f"6THANG_CUOI_{value}")


def phase(first: int, last: int) -> Period:
    """Return a phase (giai đoạn) of whole years."""
    if first > last or last - first + 1 > MAX_PHASE_YEARS:
        raise PeriodError(f"phase {first}–{last} is not a phase")
    return Period("GIAI_DOAN", date(first, 1, 1), date(last, 12, 31), f"GD_{first}_{last}")


def between(start: date, end: date) -> Period:
    """Return the period between two dates, both included."""
    if start > end:
        raise PeriodError("the end is before the start")
    return Period("TU_NGAY", start, end)


def parse(code: str) -> Period:
    """Return the period a code names, or raise PeriodError."""
    # Years are checked here only: the comparison period of an early one may lie before them.
    if match := _YEAR.fullmatch(code):
        return year(_check_year(int(match[1])))
    if match := _HALF.fullmatch(code):
        return half_year(_check_year(int(match[2])), first=match[1] == "DAU")
    if match := _PHASE.fullmatch(code):
        return phase(_check_year(int(match[1])), _check_year(int(match[2])))
    raise PeriodError(f"unknown period {code!r}")


def choices(today: date) -> list[Period]:
    """Return the periods a report picker offers: phases, then years and halves, newest first."""
    phases = [phase(first, first + 4) for first in range(FIRST_CHOICE_YEAR, today.year + 1, 5)]
    years = []
    for value in range(today.year, FIRST_CHOICE_YEAR - 1, -1):
        years += [year(value), half_year(value, first=False), half_year(value, first=True)]
    return [*reversed(phases), *years]


def day_after(day: date) -> date:
    """Return the next day: the exclusive end of a range of timestamps."""
    return day + timedelta(days=1)
