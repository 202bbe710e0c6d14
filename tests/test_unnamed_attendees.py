"""A meeting's unnamed attendees (`unnamed_count`, PROTOCOL.md §3.5, §9)."""

from server.extensions import db
from server.models import Meeting
from tests.conftest import meeting_payload
from tests.sync_helpers import device


def _stored(record_id: str) -> Meeting:
    db.session.expire_all()
    return db.session.get(Meeting, record_id)


def test_unnamed_count_is_stored_and_pulled(client, phone, tree):
    """§3.5: the count of unnamed attendees travels up and comes back down to other devices."""
    body = meeting_payload(tree["commune"], actual_count=41, unnamed_count=40)
    phone.create("meetings", body)
    report = phone.sync()
    assert [r["status"] for r in report.results] == ["applied"]
    assert _stored(body["id"]).unnamed_count == 40
    other = device(client, "canbo", name="Máy thứ hai")
    other.sync()
    assert other.record("meetings", body["id"])["unnamed_count"] == 40


def test_protocol_1_phone_without_the_field_creates_and_edits(phone, tree):
    """§9: a phone that never sends `unnamed_count` creates with null and its edits keep it."""
    body = meeting_payload(tree["commune"])
    assert "unnamed_count" not in body
    phone.create("meetings", body)
    assert [r["status"] for r in phone.sync().results] == ["applied"]
    assert _stored(body["id"]).unnamed_count is None
    # A newer client sets it; the old phone's later edit of another field leaves it alone.
    phone.edit("meetings", body["id"], {"unnamed_count": 12})
    phone.sync()
    phone.edit("meetings", body["id"], {"title": "Tọa đàm đã sửa"})
    assert [r["status"] for r in phone.sync().results] == ["applied"]
    stored = _stored(body["id"])
    assert (stored.title, stored.unnamed_count) == ("Tọa đàm đã sửa", 12)


def test_negative_or_fractional_unnamed_count_is_refused(phone, tree):
    """§10: a count below 0 or not an integer is VALIDATION_FAILED on that field, nothing stored."""
    for bad in (-1, 2.5, "3"):
        body = meeting_payload(tree["commune"], unnamed_count=bad)
        phone.create("meetings", body)
        [result] = phone.sync().results
        assert (result["status"], result["code"]) == ("rejected", "VALIDATION_FAILED")
        assert "unnamed_count" in result["details"]["fields"]
        assert _stored(body["id"]) is None


def test_unnamed_count_over_the_rest_api(client, officer, auth_headers, tree):
    """The REST create answers the field, and null clears it on an edit."""
    headers = auth_headers(officer)
    body = meeting_payload(tree["commune"], unnamed_count=7)
    created = client.post("/api/v1/meetings", json=body, headers=headers)
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["unnamed_count"] == 7
    edited = client.patch(
        f"/api/v1/meetings/{body['id']}",
        json={"version": created.get_json()["version"], "unnamed_count": None},
        headers=headers,
    )
    assert edited.status_code == 200, edited.get_json()
    assert edited.get_json()["unnamed_count"] is None
