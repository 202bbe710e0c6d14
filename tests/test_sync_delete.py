"""Deletes that never destroy unseen edits, restoring tombstones, and the smaller answers around
them, end to end through the sync client (PROTOCOL.md §3.4, §4.4, §5.4, §6.3, §7)."""

import pytest
from sqlalchemy import select

from server.extensions import db
from server.models import AuditEvent, ModelRecord
from tests.conftest import model_payload
from tests.sync_helpers import device


@pytest.fixture
def other(client, officer):
    """Return a second phone of the same officer, synced once."""
    d = device(client, "canbo", name="Máy thứ hai")
    d.sync()
    return d


@pytest.fixture
def shared(phone, other, tree):
    """Return a model the phone created and both phones hold at version 1."""
    body = model_payload(tree["commune"])
    phone.create("models", body)
    phone.sync()
    other.sync()
    assert other.record("models", body["id"])["version"] == 1
    return body


def stored(record_id: str) -> ModelRecord:
    """Return the server's row, read afresh."""
    db.session.expire_all()
    return db.session.get(ModelRecord, record_id)


def outcome(report) -> tuple:
    """Return the status and code of a sync's only result."""
    (result,) = report.results
    return result["status"], result.get("code")


def test_stale_delete_does_not_destroy_another_devices_edit(phone, other, shared):
    """§4.4: a delete made on version 1 meets an edit made since by another device: refused as a
    conflict RECORD_CHANGED, the record intact on the server and on both devices."""
    other.edit("models", shared["id"], {"results": "Thu nhập tăng 30%"})
    other.sync()
    phone.delete("models", shared["id"])
    report = phone.sync()
    (result,) = report.results
    assert (result["status"], result["code"], result["conflicts"]) == (
        "conflict",
        "RECORD_CHANGED",
        [],
    )
    assert result["version"] == 2
    row = stored(shared["id"])
    assert (row.deleted, row.results, row.version) == (False, "Thu nhập tăng 30%", 2)
    # The server copy went back to the phone with the response (§4.7).
    assert phone.record("models", shared["id"])["results"] == "Thu nhập tăng 30%"
    other.sync()
    assert other.record("models", shared["id"])["results"] == "Thu nhập tăng 30%"
    refused = db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.record_id == shared["id"], AuditEvent.action == "conflict"
        )
    ).one()
    assert refused.comment == "RECORD_CHANGED: results"
    assert (refused.base_version, refused.version) == (1, 2)


def test_stale_delete_after_a_review_step_is_refused(phone, desk, shared):
    """§4.4: a reviewer's return, made after the delete's base, is a change the deleter never
    saw."""
    phone.review("models", shared["id"], "submit")
    phone.sync()
    desk.sync()
    desk.review("models", shared["id"], "return", "Bổ sung số liệu")
    desk.sync()
    assert phone.record("models", shared["id"])["version"] == 2  # the phone missed the return
    phone.delete("models", shared["id"])
    assert outcome(phone.sync()) == ("conflict", "RECORD_CHANGED")
    assert stored(shared["id"]).deleted is False
    assert phone.record("models", shared["id"])["review_comment"] == "Bổ sung số liệu"


def test_delete_after_own_edits_applies(phone, shared):
    """§4.4: a device never conflicts with its own edits, even on an old base."""
    phone.edit("models", shared["id"], {"name": "Tên sửa trước khi xóa"})
    phone.delete("models", shared["id"])
    report = phone.sync()
    assert [r["status"] for r in report.results] == ["applied", "applied"]
    assert stored(shared["id"]).deleted is True


def test_delete_on_the_current_version_applies(phone, other, shared):
    """§4.4: a delete made on the version the server holds applies."""
    other.edit("models", shared["id"], {"results": "Số liệu mới"})
    other.sync()
    phone.sync()
    phone.delete("models", shared["id"])
    assert outcome(phone.sync()) == ("applied", None)
    assert stored(shared["id"]).deleted is True


def test_json_api_stale_delete_keeps_version_mismatch(client, login, officer, shared):
    """§4.4: the JSON API's strict delete still answers VERSION_MISMATCH."""
    headers = login("canbo")
    edited = client.patch(
        f"/api/v1/models/{shared['id']}", json={"version": 1, "name": "Tên mới"}, headers=headers
    )
    assert edited.status_code == 200
    response = client.delete(f"/api/v1/models/{shared['id']}", json={"version": 1}, headers=headers)
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "VERSION_MISMATCH"


def test_delete_of_unknown_id_has_no_version(phone):
    """§3.4, §4.4: a delete of an id the server never had is applied, with no version key."""
    phone.delete("models", "00000000-0000-4000-8000-00000000abcd")
    (result,) = phone.sync().results
    assert result == {"seq": result["seq"], "status": "applied"}


def test_restore_brings_a_tombstone_back_to_every_device(phone, other, desk, shared):
    """§7: a reviewer in scope restores a deleted record; every device in scope gets it back."""
    desk.sync()
    phone.delete("models", shared["id"])
    phone.sync()
    other.sync()
    desk.sync()
    assert other.record("models", shared["id"]) is None
    desk.review("models", shared["id"], "restore")
    assert outcome(desk.sync()) == ("applied", None)
    row = stored(shared["id"])
    assert (row.deleted, row.version) == (False, 3)
    for d in (phone, other, desk):
        d.sync()
        record = d.record("models", shared["id"])
        assert (record["name"], record["version"], record["deleted"]) == (shared["name"], 3, False)
    actions = db.session.scalars(
        select(AuditEvent.action)
        .where(AuditEvent.record_id == shared["id"])
        .order_by(AuditEvent.id)
    ).all()
    assert actions == ["create", "delete", "restore"]


def test_stale_delete_does_not_undo_a_restore(phone, other, desk, shared):
    """§4.4, §7: a delete made before someone restored the record is refused."""
    phone.delete("models", shared["id"])
    phone.sync()
    desk.sync()
    desk.review("models", shared["id"], "restore")
    desk.sync()
    other.delete("models", shared["id"])  # still on version 1: never saw delete nor restore
    assert outcome(other.sync()) == ("conflict", "RECORD_CHANGED")
    assert stored(shared["id"]).deleted is False
    assert other.record("models", shared["id"]) is not None


def test_officer_restores_through_the_json_api(client, login, phone, shared):
    """§7: restore is a review action of the JSON API too."""
    phone.delete("models", shared["id"])
    phone.sync()
    response = client.post(
        f"/api/v1/models/{shared['id']}/review",
        json={"action": "restore", "version": 2},
        headers=login("canbo"),
    )
    assert response.status_code == 200
    assert (response.get_json()["deleted"], response.get_json()["version"]) == (False, 3)


def test_restore_out_of_scope_is_not_found(client, login, phone, shared, tree, create_user):
    """§7, §10: a tombstone outside the user's scope cannot be restored, nor seen to exist."""
    phone.delete("models", shared["id"])
    phone.sync()
    create_user("canbo.hatinh", tree["foreign_commune"], ["CAN_BO_NHAP"])
    foreign = device(client, "canbo.hatinh", name="Máy Hà Tĩnh")
    foreign.review("models", shared["id"], "restore")
    assert outcome(foreign.sync()) == ("rejected", "NOT_FOUND")
    response = client.post(
        f"/api/v1/models/{shared['id']}/review",
        json={"action": "restore", "version": 2},
        headers=login("canbo.hatinh"),
    )
    assert response.status_code == 404
    assert stored(shared["id"]).deleted is True


def test_review_of_a_tombstone_is_record_deleted(client, login, phone, other, shared):
    """§7, §10: a workflow step on a deleted record answers RECORD_DELETED, as a put does."""
    other.delete("models", shared["id"])
    other.sync()
    phone.review("models", shared["id"], "submit")
    assert outcome(phone.sync()) == ("rejected", "RECORD_DELETED")
    assert phone.record("models", shared["id"]) is None  # the tombstone was shown (§4.7)
    response = client.post(
        f"/api/v1/models/{shared['id']}/review",
        json={"action": "submit", "version": 2},
        headers=login("canbo"),
    )
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "RECORD_DELETED"


def test_restore_lost_answers_the_records_version_now(phone, other, shared):
    """§6.3: RESTORE_LOST answers the version the restore wrote, not the conflict's."""
    phone.edit("models", shared["id"], {"name": "A"})
    other.edit("models", shared["id"], {"name": "B"})
    phone.sync()
    other.sync()
    phone.edit("models", shared["id"], {"locality": "Bản Xốp Phe"})
    phone.sync()
    (conflict_id,) = other.state.conflicts
    other.resolve(conflict_id, "RESTORE_LOST")
    (result,) = other.sync().results
    row = stored(shared["id"])
    assert (row.name, row.version) == ("B", 4)
    assert (result["status"], result["version"]) == ("applied", 4)


def test_cursor_above_the_counter_resets(phone, shared):
    """§5.4: a cursor the server never handed out answers reset and pages from 0."""
    phone.state.cursor += 1000
    report = phone.sync()
    assert report.reset is True
    assert phone.record("models", shared["id"])["name"] == shared["name"]
    assert phone.sync().reset is False
