"""When the officer acted: reading `at` and clamping wrong phone clocks (PROTOCOL.md §3.2)."""

from datetime import UTC, datetime, timedelta

import pytest

from sync.clock import (
    APP_EPOCH,
    BEFORE_CREATED,
    FUTURE,
    OUT_OF_ORDER,
    SKEW,
    TOO_OLD,
    ActionTime,
    action_time,
    parse_at,
)
from sync.messages import ProtocolError, parse_request

ARRIVED = datetime(2026, 11, 27, 8, 24, tzinfo=UTC)
MINUTE = timedelta(minutes=1)
DAY = timedelta(days=1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-27T15:21:07.123+07:00", datetime(2026, 11, 27, 8, 21, 7, 123000, tzinfo=UTC)),
        ("2026-11-27T08:21:07Z", datetime(2026, 11, 27, 8, 21, 7, tzinfo=UTC)),
        ("2026-11-27t08:21:07z", datetime(2026, 11, 27, 8, 21, 7, tzinfo=UTC)),
        ("2026-11-27T08:21:07.123456789-01:30", datetime(2026, 11, 27, 9, 51, 7, 123456, UTC)),
    ],
)
def test_parse_at_reads_rfc3339_with_an_offset(text, expected):
    assert parse_at(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "2026-11-27T15:21:07",  # no offset: which instant?
        "2026-11-27",
        "2026-11-27 15:21:07Z",
        "20261127T152107Z",
        "2026-11-27T15:21Z",
        "2026-02-30T10:00:00Z",
        "2026-11-27T15:21:07+25:00",
        "0001-01-01T00:00:00+01:00",  # before datetime's first instant in UTC
        "",
        1764227000,
        None,
        ["2026-11-27T15:21:07Z"],
    ],
)
def test_parse_at_refuses_anything_else(text):
    assert parse_at(text) is None


def test_no_at_is_the_arrival():
    """§3.2: a protocol-1 client without `at` acted when its mutation arrived."""
    assert action_time(None, arrived=ARRIVED) == ActionTime(ARRIVED)


def test_a_plausible_time_is_kept():
    sent = ARRIVED - 3 * DAY
    assert action_time(sent, arrived=ARRIVED) == ActionTime(sent)


@pytest.mark.parametrize(
    ("sent", "expected"),
    [
        (ARRIVED + MINUTE, ActionTime(ARRIVED)),  # drift: quietly the arrival
        (ARRIVED + SKEW, ActionTime(ARRIVED)),
        (ARRIVED + SKEW + MINUTE, ActionTime(ARRIVED, FUTURE)),
        (ARRIVED + 400 * DAY, ActionTime(ARRIVED, FUTURE)),
    ],
)
def test_a_time_after_arrival_is_clamped_to_it(sent, expected):
    assert action_time(sent, arrived=ARRIVED) == expected


@pytest.mark.parametrize(
    "sent",
    [datetime(1970, 1, 1, tzinfo=UTC), APP_EPOCH - SKEW - MINUTE, ARRIVED - 60 * DAY],
)
def test_a_time_before_anyone_could_act_is_the_arrival(sent):
    floor = ARRIVED - 30 * DAY
    assert action_time(sent, arrived=ARRIVED, floor=floor) == ActionTime(ARRIVED, TOO_OLD)


def test_a_time_just_before_the_floor_is_the_floor():
    floor = ARRIVED - 30 * DAY
    got = action_time(floor - MINUTE, arrived=ARRIVED, floor=floor)
    assert got == ActionTime(floor)


def test_a_time_before_the_records_creation_is_clamped_to_it():
    created = ARRIVED - 2 * DAY
    got = action_time(created - DAY, arrived=ARRIVED, created=created)
    assert got == ActionTime(created, BEFORE_CREATED)


def test_a_time_before_the_devices_previous_action_is_clamped_to_it():
    previous = ARRIVED - DAY
    got = action_time(
        previous - 2 * DAY, arrived=ARRIVED, created=ARRIVED - 5 * DAY, previous=previous
    )
    assert got == ActionTime(previous, OUT_OF_ORDER)


def test_two_phones_a_little_apart_are_not_flagged():
    """Another phone's clock a minute fast made the record 'later' than this edit."""
    created = ARRIVED - DAY
    got = action_time(created - MINUTE, arrived=ARRIVED, created=created)
    assert got == ActionTime(created)


def test_the_kept_time_is_never_after_the_arrival():
    got = action_time(
        ARRIVED + MINUTE, arrived=ARRIVED, created=ARRIVED - MINUTE, previous=ARRIVED - MINUTE
    )
    assert got.at == ARRIVED


def _request(mutation: dict) -> dict:
    base = {"seq": 1, "op": "put", "table": "models", "base": 0, "data": {"id": "x"}}
    return {"protocol": 1, "schema": 1, "cursor": 0, "mutations": [{**base, **mutation}]}


def test_envelope_carries_at_in_utc():
    """§3.2: `at` is optional and reaches the server as an aware UTC time."""
    parsed = parse_request(_request({"at": "2026-11-27T15:21:07.123+07:00"}))
    assert parsed.mutations[0].at == datetime(2026, 11, 27, 8, 21, 7, 123000, tzinfo=UTC)
    assert parse_request(_request({})).mutations[0].at is None
    assert parse_request(_request({"at": None})).mutations[0].at is None


@pytest.mark.parametrize("bad", ["2026-11-27T15:21:07", "yesterday", 1764227000, True, {}])
def test_envelope_refuses_a_malformed_at(bad):
    """§3.2, §10: a malformed `at` is a malformed envelope, like a bad seq or base."""
    with pytest.raises(ProtocolError) as caught:
        parse_request(_request({"at": bad}))
    assert caught.value.code == "VALIDATION_FAILED"
    assert list(caught.value.details["fields"]) == ["mutations.0.at"]
