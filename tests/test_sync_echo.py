"""The writer holds what the server stored (PROTOCOL.md §5.5): normalised values come back."""

import uuid

import pytest

from server.extensions import db
from server.models import Meeting
from server.records.jsonschema import document

MEETING_FIELDS = list(document()["$defs"]["MeetingIn"]["properties"])


@pytest.fixture
def sync_as(client, officer, login):
    """Return a function that sends one sync request as a fresh device of the officer."""

    def make(name: str):
        headers = login("canbo", device_name=name)
        state = {"seq": 0}

        def send(*mutations, cursor: int = 0) -> dict:
            numbered = []
            for m in mutations:
                state["seq"] += 1
                numbered.append({"seq": state["seq"], **m})
            body = {"protocol": 1, "schema": 1, "cursor": cursor, "mutations": numbered}
            response = client.post("/api/v1/sync", json=body, headers=headers)
            assert response.status_code == 200, response.get_json()
            return response.get_json()

        return send

    return make


def _full_meeting(unit_id: int) -> dict:
    """Return a meeting with every field as the server stores it: nothing to normalise."""
    return {
        "id": str(uuid.uuid4()),
        "owner_unit_id": unit_id,
        "notes": None,
        "type": "TOA_DAM",
        "title": "Tọa đàm Dân vận khéo",
        "format": "TRUC_TIEP",
        "organizer_unit_id": unit_id,
        "co_organizer_ids": [],
        "start_at": "2026-09-25T08:30",
        "end_at": None,
        "part_of_day": None,
        "location": "Hội trường UBND xã",
        "geo_lat": None,
        "geo_lon": None,
        "geo_accuracy": None,
        "sites": [],
        "planned_count": None,
        "actual_count": 45,
        "count_is_approx": False,
        "audience": [],
        "report_period": None,
        "agenda": None,
        "content_summary": "Trao đổi kinh nghiệm",
        "speeches_count": None,
        "conclusion": None,
        "outcomes": None,
        "linked_model_ids": [],
        "minutes_no": None,
        "attachments": [],
        "attendees": [
            {
                "full_name": "Vi Văn Sơn",
                "position": "Bí thư",
                "org_name": None,
                "unit_id": None,
                "role": "CHU_TRI",
                "attendance": "CO_MAT",
                "absent_reason": None,
                "gender": None,
                "ethnicity": None,
                "phone": None,
            }
        ],
    }


def _put(data: dict, base: int = 0) -> dict:
    return {"op": "put", "table": "meetings", "base": base, "data": data}


def _wire(record: dict) -> dict:
    return {k: record[k] for k in MEETING_FIELDS}


def test_create_with_an_offset_and_omitted_defaults_gets_the_stored_record(sync_as, tree):
    """§5.5: a create the server normalised is sent back to its writer in the same response."""
    send = sync_as("Điện thoại A")
    cursor = send()["cursor"]
    sent = {
        "id": str(uuid.uuid4()),
        "owner_unit_id": tree["commune"].id,
        "type": "TOA_DAM",
        "title": "Tọa đàm",
        "format": "TRUC_TIEP",
        "organizer_unit_id": tree["commune"].id,
        "start_at": "2026-09-25T08:30:45+05:00",
        "end_at": "2026-09-25T03:45:10Z",
        "location": "Nhà văn hóa bản",
        "content_summary": "Trao đổi",
        "attendees": [{"full_name": "Vi Văn Sơn", "role": "CHU_TRI"}],
    }
    answer = send(_put(sent), cursor=cursor)
    assert answer["results"] == [{"seq": 1, "status": "applied", "version": 1}]
    [echo] = answer["changes"]["meetings"]
    assert echo["id"] == sent["id"] and echo["version"] == 1
    assert echo["start_at"] == "2026-09-25T10:30"
    assert echo["end_at"] == "2026-09-25T10:45"
    assert echo["attendees"][0]["attendance"] == "CO_MAT"
    assert echo["count_is_approx"] is False and echo["sites"] == [] and echo["audience"] == []
    stored = db.session.get(Meeting, sent["id"])
    # What is returned is what is kept: no seconds, no offset.
    assert stored.start_at.isoformat() == "2026-09-25T10:30:00"
    other = sync_as("Điện thoại B")()
    [pulled] = other["changes"]["meetings"]
    assert _wire(pulled) == _wire(echo)
    assert pulled["version"] == echo["version"]


def test_identical_create_is_not_echoed(sync_as, tree):
    """§5.5: a record stored exactly as sent is not sent back (bytes matter on 2G)."""
    send = sync_as("Điện thoại A")
    cursor = send()["cursor"]
    answer = send(_put(_full_meeting(tree["commune"].id)), cursor=cursor)
    assert answer["results"][0]["status"] == "applied"
    assert "meetings" not in answer["changes"]


def test_edit_with_seconds_gets_the_stored_value(sync_as, tree):
    """§5.5: an edit the server normalised comes back; an edit stored as sent does not."""
    send = sync_as("Điện thoại A")
    meeting = _full_meeting(tree["commune"].id)
    cursor = send(_put(meeting))["cursor"]
    plain = send(_put({"id": meeting["id"], "title": "Tọa đàm mới"}, base=1), cursor=cursor)
    assert plain["results"][0]["version"] == 2
    assert "meetings" not in plain["changes"]
    answer = send(
        _put({"id": meeting["id"], "start_at": "2026-09-25T09:15:59"}, base=2),
        cursor=plain["cursor"],
    )
    assert answer["results"][0]["version"] == 3
    [echo] = answer["changes"]["meetings"]
    assert echo["start_at"] == "2026-09-25T09:15" and echo["version"] == 3


def test_json_api_returns_the_normalised_time(client, officer, login, tree):
    """§5.5: the record routes answer with the stored, normalised record too."""
    body = {**_full_meeting(tree["commune"].id), "start_at": "2026-09-25T01:30:00Z"}
    response = client.post("/api/v1/meetings", json=body, headers=login("canbo"))
    assert response.status_code == 201
    assert response.get_json()["start_at"] == "2026-09-25T08:30"


def test_edit_to_the_same_minute_still_corrects_the_writer(sync_as, tree):
    """§5.5: an edit that changes nothing once normalised still tells the writer the value."""
    send = sync_as("Điện thoại A")
    meeting = _full_meeting(tree["commune"].id)
    cursor = send(_put(meeting))["cursor"]
    answer = send(
        _put({"id": meeting["id"], "start_at": "2026-09-25T08:30:59"}, base=1), cursor=cursor
    )
    assert answer["results"][0] == {"seq": 2, "status": "applied", "version": 1}
    [echo] = answer["changes"]["meetings"]
    assert echo["start_at"] == "2026-09-25T08:30"


def test_create_with_the_published_defaults_is_not_echoed(sync_as, tree):
    """§3.5, §5.5: a client that fills the schema's defaults holds the stored record already."""
    doc = document()["$defs"]
    send = sync_as("Điện thoại A")
    cursor = send()["cursor"]
    full = _full_meeting(tree["commune"].id)
    given = {
        k: v
        for k, v in full.items()
        if v is not None and "default" not in doc["MeetingIn"]["properties"][k]
    }
    given["attendees"] = [{"full_name": "Vi Văn Sơn", "role": "CHU_TRI"}]
    filled = {k: p["default"] for k, p in doc["MeetingIn"]["properties"].items() if "default" in p}
    filled.update(given)
    filled["attendees"] = [
        {
            "attendance": doc["AttendeeIn"]["properties"]["attendance"]["default"],
            **given["attendees"][0],
        }
    ]
    answer = send(_put(filled), cursor=cursor)
    assert answer["results"][0]["status"] == "applied"
    assert "meetings" not in answer["changes"]
