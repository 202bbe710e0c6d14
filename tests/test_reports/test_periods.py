"""Pure rules: report periods, and numbers and dates written the Vietnamese way."""

from datetime import UTC, date, datetime

import pytest

from server.reports import periods
from server.reports.formats import vn_datetime, vn_number


@pytest.mark.parametrize(
    ("code", "start", "end", "label"),
    [
        ("NAM_2024", date(2024, 1, 1), date(2024, 12, 31), "Năm 2024"),
        ("6THANG_DAU_2024", date(2024, 1, 1), date(2024, 6, 30), "6 tháng đầu năm 2024"),
        ("6THANG_CUOI_2024", date(2024, 7, 1), date(2024, 12, 31), "6 tháng cuối năm 2024"),
        ("GD_2021_2025", date(2021, 1, 1), date(2025, 12, 31), "Giai đoạn 2021–2025"),
        ("GD_2023_2023", date(2023, 1, 1), date(2023, 12, 31), "Giai đoạn 2023–2023"),
    ],
)
def test_parse(code, start, end, label):
    period = periods.parse(code)
    assert (period.start, period.end, period.label, period.code) == (start, end, label, code)


@pytest.mark.parametrize(
    "code",
    ["", "NAM_1999", "NAM_2101", "NAM_24", "GD_2025_2021", "GD_2000_2020", "6THANG_2024", "x"],
)
def test_unknown_codes(code):
    with pytest.raises(periods.PeriodError):
        periods.parse(code)


@pytest.mark.parametrize(
    ("code", "previous"),
    [
        ("NAM_2024", "NAM_2023"),
        ("6THANG_DAU_2024", "6THANG_DAU_2023"),
        ("6THANG_CUOI_2024", "6THANG_CUOI_2023"),
        ("GD_2021_2025", "GD_2016_2020"),
        ("GD_2023_2025", "GD_2020_2022"),
        ("NAM_2000", "NAM_1999"),  # the comparison may fall before the years one can ask for
    ],
)
def test_previous(code, previous):
    assert periods.parse(code).previous().code == previous


def test_previous_of_dates_is_a_year_earlier():
    period = periods.between(date(2024, 2, 29), date(2024, 3, 31))
    previous = period.previous()
    assert (previous.start, previous.end) == (date(2023, 2, 28), date(2023, 3, 31))
    assert previous.label == "Từ ngày 28/02/2023 đến ngày 31/03/2023"


@pytest.mark.parametrize(
    ("start", "end", "whole"),
    [
        (date(2024, 1, 1), date(2024, 12, 31), True),
        (date(2021, 1, 1), date(2025, 12, 31), True),
        (date(2024, 1, 1), date(2024, 6, 30), False),
        (date(2024, 1, 2), date(2024, 12, 31), False),
    ],
)
def test_whole_years(start, end, whole):
    assert periods.between(start, end).whole_years is whole


def test_between_refuses_an_end_before_the_start():
    with pytest.raises(periods.PeriodError):
        periods.between(date(2024, 3, 2), date(2024, 3, 1))


def test_choices():
    codes = [p.code for p in periods.choices(date(2026, 3, 1))]
    assert codes[:3] == ["GD_2026_2030", "GD_2021_2025", "GD_2016_2020"]
    assert codes[3:6] == ["NAM_2026", "6THANG_CUOI_2026", "6THANG_DAU_2026"]
    assert codes[-1] == "6THANG_DAU_2016"


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0, "0"),
        (1554, "1.554"),
        (491267, "491.267"),
        (600000000.0, "600.000.000"),
        (14.76, "14,76"),
        (468.281, "468,281"),
        (-1554, "-1.554"),
        (None, ""),
    ],
)
def test_vn_number(value, text):
    assert vn_number(value) == text


def test_vn_number_signed():
    assert [vn_number(v, signed=True) for v in (3, 0, -3)] == ["+3", "0", "-3"]


def test_vn_datetime_is_vietnam_time():
    assert vn_datetime(datetime(2024, 6, 1, 20, 5, tzinfo=UTC)) == "02/06/2024 03:05"
    naive = datetime(2024, 6, 1, 20, 5)  # noqa: DTZ001 - meetings keep wall-clock times
    assert vn_datetime(naive) == "01/06/2024 20:05"
