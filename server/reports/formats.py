"""Write numbers, dates and times the Vietnamese way (1.554; 14,76; dd/mm/yyyy)."""

import re
from datetime import UTC, date, datetime

from server.records.schemas import VN_TZ

# What no export keeps of stored text: controls Excel cannot hold in a cell and no reader wants,
# and direction overrides that would show a name reversed. Tab and line breaks stay; a vertical
# tab or form feed (Word's manual line and page breaks) becomes a line break.
_UNPRINTABLE = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_BREAKS = re.compile("[\x0b\x0c]")


def export_text(text: str) -> str:
    """Return stored text fit for a spreadsheet or a printed page."""
    return _UNPRINTABLE.sub("", _BREAKS.sub("\n", text))


def vn_number(value: float | int | None, *, signed: bool = False) -> str:
    """Write a number with dots between thousands and a decimal comma."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = f"{value:,}" if isinstance(value, int) else f"{value:,.3f}".rstrip("0").rstrip(".")
    text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return f"+{text}" if signed and value > 0 else text


def vn_percent(value: float | None) -> str:
    """Write a percentage with one decimal and a decimal comma: 87,3."""
    return "" if value is None else f"{value:.1f}".replace(".", ",")


def local_time(value: datetime) -> datetime:
    """Return a datetime as Vietnam's wall clock, without an offset (what Excel can hold)."""
    if value.tzinfo is None:
        return value  # meeting times are already wall-clock times in Vietnam
    return value.astimezone(UTC).astimezone(VN_TZ).replace(tzinfo=None)


def vn_datetime(value: datetime | None) -> str:
    """Write a time as dd/mm/yyyy hh:mm in Vietnam."""
    return "" if value is None else local_time(value).strftime("%d/%m/%Y %H:%M")


def vn_day(value: date | None) -> str:
    """Write a date as dd/mm/yyyy."""
    return "" if value is None else value.strftime("%d/%m/%Y")
