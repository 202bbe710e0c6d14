"""Write numbers, dates and times the Vietnamese way (1.554; 14,76; dd/mm/yyyy)."""

from datetime import UTC, date, datetime

from server.records.schemas import VN_TZ


def vn_number(value: float | int | None, *, signed: bool = False) -> str:
    """Write a number with dots between thousands and a decimal comma."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = f"{value:,}" if isinstance(value, int) else f"{value:,.3f}".rstrip("0").rstrip(".")
    text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return f"+{text}" if signed and value > 0 else text


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
