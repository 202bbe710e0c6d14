"""When the officer acted, through real sync requests (PROTOCOL.md §3.2, §7)."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from server.extensions import db
from server.models import AuditEvent, User
from server.models.types import utcnow
from tests.conftest import meeting_payload, model_payload

DAY = timedelta(days=1)
VIETNAM = timedelta(hours=7)


def wire(instant: datetime) -> str:
    """Write an instant as a phone in Vietnam does, with its +07:00 offset and milliseconds."""
    local = instant.astimezone(UTC) + VIETNAM
    return local.strftime("%Y-%m-%dT%H:%M:%S.") + f"{local.microsecond // 1000:03d}+07:00"


def at_ms(instant: datetime) -> datetime:
    """Return the instant cut to what the phone sends: milliseconds."""
    return instant.replace(microsecond=instant.microsecond // 1000 * 1000)


def parse(text: str) -> datetime:
    """Read a date-time of the API as an aware UTC instant."""
    return datetime.fromisoformat(text).astimezone(UTC)


@pytest.fixture
def veteran(officer):
    """Return the commune's officer, whose account is a month old."""
    db.session.execute(
        update(User).where(User.id == officer.id).values(created_at=utcnow() - 30 * DAY)
    )
    db.session.commit()
    return officer


@pytest.fixture
def phone(veteran, auth_headers):
    """Return the officer's phone headers."""
    return auth_headers(veteran, "Điện thoại Nậm Cắn")


def sync(client, headers, mutations: list[dict], seq: int = 1):
    """Push mutations numbered from seq and return the response."""
    numbered = [{"seq": seq + i, **m} for i, m in enumerate(mutations)]
    body = {"protocol": 1, "schema": 1, "cursor": 0, "mutations": numbered}
    return client.post("/api/v1/sync", json=body, headers=headers)


def history(client, headers, table: str, record_id: str) -> list[dict]:
    """Return the record's history as the API shows it."""
    response = client.get(f"/api/v1/{table}/{record_id}/history", headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def put(table: str, data: dict, when: datetime | None = None, base: int = 0) -> dict:
    mutation = {"op": "put", "table": table, "base": base, "data": data}
    return mutation | ({"at": wire(when)} if when else {})


def review(table: str, record_id: str, action: str, base: int, when=None, comment=None) -> dict:
    data = {"id": record_id, "action": action} | ({"comment": comment} if comment else {})
    mutation = {"op": "review", "table": table, "base": base, "data": data}
    return mutation | ({"at": wire(when)} if when else {})


def test_offline_meeting_keeps_the_phones_times(client, tree, phone):
    """§3.2: created and submitted three days ago offline, synced now: history says then."""
    created = utcnow() - 3 * DAY
    submitted = created + timedelta(minutes=1, seconds=12)
    meeting = meeting_payload(tree["commune"])
    response = sync(
        client,
        phone,
        [
            put("meetings", meeting, created),
            review("meetings", meeting["id"], "submit", 1, submitted),
        ],
    )
    assert [r["status"] for r in response.get_json()["results"]] == ["applied", "applied"]
    events = history(client, phone, "meetings", meeting["id"])
    assert [e["action"] for e in events] == ["create", "submit"]
    assert [parse(e["acted_at"]) for e in events] == [at_ms(created), at_ms(submitted)]
    assert [e["clock_flag"] for e in events] == [None, None]
    # The arrival stays beside it.
    assert all(parse(e["at"]) > utcnow() - timedelta(minutes=1) for e in events)
    record = client.get(f"/api/v1/meetings/{meeting['id']}", headers=phone).get_json()
    assert parse(record["submitted_at"]) == at_ms(submitted)


def test_reviewer_decision_keeps_the_reviewers_time(client, tree, phone, reviewer, auth_headers):
    """§7: reviewed_at and the approval's time are when the reviewer decided, offline or not."""
    db.session.execute(
        update(User).where(User.id == reviewer.id).values(created_at=utcnow() - 30 * DAY)
    )
    db.session.commit()
    model = model_payload(tree["commune"])
    made = utcnow() - 3 * DAY
    sync(
        client,
        phone,
        [put("models", model, made), review("models", model["id"], "submit", 1, made)],
    )
    decided = utcnow() - timedelta(hours=2)
    desk = auth_headers(reviewer, "Máy tính tỉnh")
    response = sync(client, desk, [review("models", model["id"], "approve", 2, decided)])
    assert response.get_json()["results"][0]["status"] == "applied", response.get_json()
    record = client.get(f"/api/v1/models/{model['id']}", headers=desk).get_json()
    assert parse(record["reviewed_at"]) == at_ms(decided)
    assert [parse(a["at"]) for a in record["approvals"]] in ([], [at_ms(decided)])


def test_a_future_time_is_clamped_and_flagged(client, tree, phone):
    """§3.2: a phone clock a day ahead cannot put an action after its arrival."""
    model = model_payload(tree["commune"])
    response = sync(client, phone, [put("models", model, utcnow() + DAY)])
    assert response.get_json()["results"][0]["status"] == "applied"
    (event,) = history(client, phone, "models", model["id"])
    assert event["clock_flag"] == "FUTURE"
    assert parse(event["acted_at"]) <= parse(event["at"])
    assert parse(event["at"]) - parse(event["acted_at"]) < timedelta(minutes=1)


def test_a_reset_clock_is_the_arrival_and_flagged(client, tree, phone):
    """§3.2: 1970 (a flat battery) says nothing of when the officer acted."""
    model = model_payload(tree["commune"])
    sync(client, phone, [put("models", model, datetime(1970, 1, 1, 0, 5, tzinfo=UTC))])
    (event,) = history(client, phone, "models", model["id"])
    assert event["clock_flag"] == "TOO_OLD"
    assert parse(event["at"]) - parse(event["acted_at"]) < timedelta(minutes=1)


def test_an_edit_before_the_record_existed_is_clamped_to_its_creation(
    client, tree, phone, veteran, auth_headers
):
    """§3.2: another phone's edit stamped before the creation is moved up to it."""
    created = utcnow() - 2 * DAY
    model = model_payload(tree["commune"])
    sync(client, phone, [put("models", model, created)])
    other = auth_headers(veteran, "Máy thứ hai")
    edit = put("models", {"id": model["id"], "notes": "Bổ sung"}, created - 3 * DAY, base=1)
    assert sync(client, other, [edit]).get_json()["results"][0]["status"] == "applied"
    events = history(client, phone, "models", model["id"])
    assert [e["clock_flag"] for e in events] == [None, "BEFORE_CREATED"]
    assert parse(events[1]["acted_at"]) == at_ms(created)


def test_a_device_cannot_go_back_before_its_own_last_action(client, tree, phone):
    """§3.2: one device's actions on a record happen in seq order."""
    first = utcnow() - 3 * DAY
    model = model_payload(tree["commune"])
    response = sync(
        client,
        phone,
        [
            put("models", model, first),
            put("models", {"id": model["id"], "notes": "Một"}, first + DAY),
            put("models", {"id": model["id"], "notes": "Hai"}, first + timedelta(hours=12)),
        ],
    )
    assert [r["status"] for r in response.get_json()["results"]] == ["applied"] * 3
    events = history(client, phone, "models", model["id"])
    assert [e["clock_flag"] for e in events] == [None, None, "OUT_OF_ORDER"]
    assert parse(events[2]["acted_at"]) == at_ms(first + DAY)


def test_a_later_sync_is_held_to_the_history_already_stored(client, tree, phone):
    """§3.2: the bound holds across requests, read from the stored history."""
    first = utcnow() - 3 * DAY
    model = model_payload(tree["commune"])
    sync(client, phone, [put("models", model, first + DAY)])
    late = put("models", {"id": model["id"], "notes": "Sau"}, first, base=1)
    sync(client, phone, [late], seq=2)
    events = history(client, phone, "models", model["id"])
    assert [e["clock_flag"] for e in events] == [None, "BEFORE_CREATED"]
    assert parse(events[1]["acted_at"]) == at_ms(first + DAY)


def test_protocol_1_without_at_still_works(client, tree, phone):
    """§3.2: `at` is optional; without it the action time is the arrival."""
    model = model_payload(tree["commune"])
    response = sync(
        client, phone, [put("models", model), review("models", model["id"], "submit", 1)]
    )
    assert response.status_code == 200
    assert [r["status"] for r in response.get_json()["results"]] == ["applied", "applied"]
    events = history(client, phone, "models", model["id"])
    for event in events:
        assert event["clock_flag"] is None
        assert timedelta(0) <= parse(event["at"]) - parse(event["acted_at"]) < timedelta(minutes=1)
    record = client.get(f"/api/v1/models/{model['id']}", headers=phone).get_json()
    assert parse(record["submitted_at"]) == parse(events[1]["acted_at"])


@pytest.mark.parametrize("bad", ["2026-11-27T15:21:07", "hôm qua", 1764227000])
def test_a_malformed_at_refuses_the_request(client, tree, phone, bad):
    """§3.2, §10: like a malformed seq, a malformed `at` is 422 and nothing is applied."""
    model = model_payload(tree["commune"])
    response = sync(client, phone, [put("models", model) | {"at": bad}])
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "VALIDATION_FAILED"
    assert "mutations.0.at" in error["details"]["fields"]
    assert db.session.scalar(select(AuditEvent.id)) is None


def test_json_api_writes_act_when_they_arrive(client, tree, phone):
    """The JSON API has no offline queue: its action time is the request's."""
    model = model_payload(tree["commune"])
    assert client.post("/api/v1/models", json=model, headers=phone).status_code == 201
    (event,) = history(client, phone, "models", model["id"])
    assert event["acted_at"] == event["at"]
    assert event["clock_flag"] is None


def test_backlog_ages_count_from_the_officers_submission(
    client, tree, phone, reviewer, auth_headers
):
    """The dashboard's waiting time starts when the officer submitted, not when it arrived."""
    model = model_payload(tree["commune"])
    ten_days = utcnow() - 10 * DAY
    sync(
        client,
        phone,
        [put("models", model, ten_days), review("models", model["id"], "submit", 1, ten_days)],
    )
    response = client.get(
        "/api/v1/dashboard", query_string={"period": "NAM_2024"}, headers=auth_headers(reviewer)
    )
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["backlog"]["ages"] == {"lt_7": 0, "d7_30": 1, "gt_30": 0}
