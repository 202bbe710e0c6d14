"""PROTOCOL.md §7: a reviewer may not decide on a version they wrote part of since its submit.

The reviewer here also holds the officer's role, as some commune leaders do; the record is
another officer's, so the creator rule alone would let the decision through.
"""

import pytest

from server.extensions import db
from server.models import ModelRecord
from tests.conftest import model_payload
from tests.sync_helpers import device


@pytest.fixture
def both(tree, create_user):
    """Return a reviewer at the province who may also write records."""
    return create_user("kiemnhiem", tree["province"], ["LANH_DAO_DUYET", "CAN_BO_NHAP"])


@pytest.fixture
def submitted(client, officer, auth_headers, tree) -> dict:
    """Return a model the commune officer created and submitted."""
    headers = auth_headers(officer)
    body = model_payload(tree["commune"])
    assert client.post("/api/v1/models", json=body, headers=headers).status_code == 201
    url = f"/api/v1/models/{body['id']}/review"
    response = client.post(url, json={"action": "submit", "version": 1}, headers=headers)
    assert response.status_code == 200
    return response.get_json()


def review(client, headers, record: dict, action: str, version: int):
    """Post a decision on a record through the JSON API."""
    body = {"action": action, "version": version, "comment": "Xem lại số liệu"}
    return client.post(f"/api/v1/models/{record['id']}/review", json=body, headers=headers)


def stored(record_id: str) -> tuple:
    """Read the record's version and status afresh."""
    db.session.expire_all()
    row = db.session.get(ModelRecord, record_id)
    return row.version, row.review_status


@pytest.mark.parametrize("action", ["approve", "return"])
def test_reviewer_who_edited_the_submission_cannot_decide(
    client, both, auth_headers, submitted, action
):
    headers = auth_headers(both)
    edit = client.patch(
        f"/api/v1/models/{submitted['id']}",
        json={"version": submitted["version"], "results": "Số liệu do lãnh đạo sửa"},
        headers=headers,
    )
    assert edit.status_code == 200
    version = edit.get_json()["version"]
    response = review(client, headers, submitted, action, version)
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "REVIEW_OWN_WORK"
    assert stored(submitted["id"]) == (version, "CHO_DUYET")


def test_another_reviewer_decides_on_the_edited_version(
    client, both, reviewer, auth_headers, submitted
):
    edit = client.patch(
        f"/api/v1/models/{submitted['id']}",
        json={"version": submitted["version"], "results": "Số liệu do lãnh đạo sửa"},
        headers=auth_headers(both),
    )
    version = edit.get_json()["version"]
    response = review(client, auth_headers(reviewer), submitted, "approve", version)
    assert response.status_code == 200
    assert response.get_json()["review_status"] == "DA_DUYET"


def test_reviewer_who_did_not_edit_decides(client, both, auth_headers, submitted):
    response = review(client, auth_headers(both), submitted, "approve", submitted["version"])
    assert response.status_code == 200


def test_edits_before_the_submit_do_not_count(client, both, officer, auth_headers, tree):
    """The officer submitted the reviewer's draft edit as their own work."""
    officer_headers, headers = auth_headers(officer), auth_headers(both)
    body = model_payload(tree["commune"])
    client.post("/api/v1/models", json=body, headers=officer_headers)
    url = f"/api/v1/models/{body['id']}"
    client.patch(url, json={"version": 1, "results": "Bổ sung"}, headers=headers)
    submit = client.post(
        f"{url}/review", json={"action": "submit", "version": 2}, headers=officer_headers
    )
    version = submit.get_json()["version"]
    response = review(client, headers, {"id": body["id"]}, "approve", version)
    assert response.status_code == 200


def test_sync_review_of_own_edit_is_rejected(client, both, submitted):
    """PROTOCOL.md §7: the same rule for a `review` mutation; the edit itself is applied."""
    desk = device(client, "kiemnhiem", name="Máy tính tỉnh")
    desk.sync()
    desk.edit("models", submitted["id"], {"results": "Số liệu sửa trên máy"})
    assert [r["status"] for r in desk.sync().results] == ["applied"]
    desk.review("models", submitted["id"], "approve")
    report = desk.sync()
    assert [r["status"] for r in report.results] == ["rejected"]
    assert report.results[0]["code"] == "REVIEW_OWN_WORK"
    version, status = stored(submitted["id"])
    assert (version, status) == (submitted["version"] + 1, "CHO_DUYET")
