"""When an officer acted: read a mutation's `at` and guard against wrong phone clocks (§3.2).

A phone's clock is a witness, not a judge: its time is kept when it is plausible and clamped to
the nearest plausible time, with a flag, when it is not. No I/O.
"""

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

# Ordinary drift between a phone and the server. Within it a time is clamped quietly; beyond it
# the clamp is flagged. Wider hides more wrong clocks; narrower flags phones that are merely a
# few minutes off (no NTP, manual time), which would make the flag noise that people ignore.
SKEW = timedelta(minutes=5)
# Nobody used the app before this day: an earlier time comes from a phone whose clock was reset
# (a flat battery often sends cheap phones back to 1970 or their firmware's date).
APP_EPOCH = datetime(2026, 1, 1, tzinfo=UTC)

FUTURE = "FUTURE"  # after the server received it
TOO_OLD = "TOO_OLD"  # before the app existed, or before the user's account did
BEFORE_CREATED = "BEFORE_CREATED"  # before the record's creation
OUT_OF_ORDER = "OUT_OF_ORDER"  # before the same device's previous action on the record
FLAGS = (FUTURE, TOO_OLD, BEFORE_CREATED, OUT_OF_ORDER)

# RFC 3339 date-time: the offset is required, so the instant is never a guess.
_RFC3339 = re.compile(
    r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})", re.ASCII
)


@dataclass(frozen=True)
class ActionTime:
    """When a change was made as the server keeps it, and why it differs from what was sent."""

    at: datetime
    flag: str | None = None


def parse_at(text: object) -> datetime | None:
    """Return an RFC 3339 date-time with an offset as an aware UTC datetime, else None."""
    if not isinstance(text, str) or not _RFC3339.fullmatch(text):
        return None
    try:
        return datetime.fromisoformat(text.upper()).astimezone(UTC)
    except (ValueError, OverflowError):
        return None


def action_time(
    sent: datetime | None,
    *,
    arrived: datetime,
    floor: datetime | None = None,
    created: datetime | None = None,
    previous: datetime | None = None,
) -> ActionTime:
    """Return the time to keep for an action the phone says it made at `sent`.

    arrived: when the server received it (an upper bound: nothing is done before it is sent).
    floor: the earliest the user could act (their account's creation); APP_EPOCH at least.
    created: the action time of the record's creation; previous: of the same device's last
    action on the record. Both are lower bounds and, being kept times, never after `arrived`.
    """
    if sent is None:
        return ActionTime(arrived)  # protocol-1 clients: the arrival is all there is
    if sent > arrived + SKEW:
        return ActionTime(arrived, FUTURE)
    earliest = max(APP_EPOCH, floor) if floor else APP_EPOCH
    if sent < earliest - SKEW:
        # A clock this wrong says nothing about when the officer acted; the arrival is what a
        # phone without `at` would get, and it is never later than the truth.
        return ActionTime(arrived, TOO_OLD)
    at, flag = max(min(sent, arrived), earliest), None
    for bound, name in ((created, BEFORE_CREATED), (previous, OUT_OF_ORDER)):
        if bound is not None and at < bound:
            # Phones disagree by a little; only a gap beyond drift is worth a flag.
            flag = flag or (name if bound - at > SKEW else None)
            at = bound
    return ActionTime(min(at, arrived), flag)
