"""The review workflow through the API: levels, locks, refusals (PROTOCOL.md §7)."""

import pytest

from server.extensions import db
from server.models import ModelRecord
from tests.conftest import model_payload


@pytest.fixture
def levels(tree, create_unit):
    """Make the province and an intermediate office both approve the commune's records."""
    province = tree["province"]
    office = create_unit(
        "Văn phòng cụm Tây Nam", province, level="TRUNG_GIAN", code="40-TN", approves_records=True
    )
    commune = create_unit("Xã Tà Cạ", office, level="XA", code="16840")
    province.approves_records = True
    db.session.commit()
    return {"province": province, "office": office, "commune": commune}


@pytest.fixture
def people(levels, create_user, login):
    """Sign in an officer of the commune and reviewers at the office and the province."""
    create_user("canbo.taca", levels["commune"], ["CAN_BO_NHAP"])
    create_user("duyet.cum", levels["office"], ["LANH_DAO_DUYET"], full_name="Lương Văn Cụm")
    create_user("duyet.tinh", levels["province"], ["LANH_DAO_DUYET"], full_name="Nguyễn Thị Hoa")
    return {name: login(name) for name in ("canbo.taca", "duyet.cum", "duyet.tinh")}


def review(client, headers, record_id, action, version, comment=None):
    """Post a workflow step."""
    body = {"action": action, "version": version}
    if comment is not None:
        body["comment"] = comment
    return client.post(f"/api/v1/models/{record_id}/review", json=body, headers=headers)


@pytest.fixture
def submitted(client, levels, people):
    """Return a model the officer created and submitted."""
    body = model_payload(levels["commune"])
    assert client.post("/api/v1/models", json=body, headers=people["canbo.taca"]).status_code == 201
    response = review(client, people["canbo.taca"], body["id"], "submit", 1)
    assert response.status_code == 200
    return response.get_json()


def test_submission_waits_for_the_lowest_level(submitted, levels):
    assert submitted["review_status"] == "CHO_DUYET"
    assert submitted["awaiting_unit_id"] == levels["office"].id
    assert submitted["submitted_at"] is not None


def test_upper_level_cannot_approve_first(client, submitted, people):
    response = review(
        client, people["duyet.tinh"], submitted["id"], "approve", submitted["version"]
    )
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "AWAITING_LOWER_LEVEL"
    assert db.session.get(ModelRecord, submitted["id"]).version == submitted["version"]


def test_levels_approve_in_turn(client, submitted, people, levels):
    first = review(client, people["duyet.cum"], submitted["id"], "approve", submitted["version"])
    assert first.status_code == 200
    body = first.get_json()
    assert (body["review_status"], body["awaiting_unit_id"]) == ("CHO_DUYET", levels["province"].id)
    assert [a["unit_id"] for a in body["approvals"]] == [levels["office"].id]
    second = review(client, people["duyet.tinh"], submitted["id"], "approve", body["version"])
    assert second.status_code == 200
    final = second.get_json()
    assert (final["review_status"], final["awaiting_unit_id"]) == ("DA_DUYET", None)
    assert [a["by_name"] for a in final["approvals"]] == ["Lương Văn Cụm", "Nguyễn Thị Hoa"]


def test_approved_record_is_locked_until_reopened(client, submitted, people):
    version = submitted["version"]
    for who in ("duyet.cum", "duyet.tinh"):
        version = review(client, people[who], submitted["id"], "approve", version).get_json()[
            "version"
        ]
    locked = client.patch(
        f"/api/v1/models/{submitted['id']}",
        json={"version": version, "name": "Sửa sau khi duyệt"},
        headers=people["canbo.taca"],
    )
    assert locked.status_code == 409
    assert locked.get_json()["error"]["code"] == "RECORD_LOCKED"
    reopened = review(
        client, people["duyet.tinh"], submitted["id"], "reopen", version, "Bổ sung ảnh minh họa"
    )
    assert reopened.get_json()["review_status"] == "TRA_LAI"
    edited = client.patch(
        f"/api/v1/models/{submitted['id']}",
        json={"version": reopened.get_json()["version"], "name": "Tên mới"},
        headers=people["canbo.taca"],
    )
    assert edited.status_code == 200


def test_return_clears_the_approvals(client, submitted, people):
    body = review(
        client, people["duyet.cum"], submitted["id"], "approve", submitted["version"]
    ).get_json()
    returned = review(
        client, people["duyet.tinh"], submitted["id"], "return", body["version"], "Thiếu số liệu"
    )
    assert returned.status_code == 200
    assert (returned.get_json()["approvals"], returned.get_json()["awaiting_unit_id"]) == ([], None)


@pytest.mark.parametrize(
    ("who", "action", "stale", "comment", "status", "code"),
    [
        ("duyet.cum", "approve", True, None, 409, "VERSION_MISMATCH"),
        ("duyet.cum", "return", False, None, 422, "VALIDATION_FAILED"),
        ("duyet.cum", "return", False, "   ", 422, "VALIDATION_FAILED"),
        ("canbo.taca", "approve", False, None, 403, "FORBIDDEN"),
        ("outsider", "approve", False, None, 404, "NOT_FOUND"),
        ("duyet.cum", "publish", False, None, 422, "VALIDATION_FAILED"),
    ],
)
def test_refused_decisions_change_nothing(
    client, submitted, people, tree, create_user, login, who, action, stale, comment, status, code
):
    if who == "outsider":
        create_user("duyet.hatinh", tree["foreign"], ["LANH_DAO_DUYET"])
        headers = login("duyet.hatinh")
    else:
        headers = people[who]
    version = submitted["version"] - 1 if stale else submitted["version"]
    response = review(client, headers, submitted["id"], action, version, comment)
    assert response.status_code == status
    assert response.get_json()["error"]["code"] == code
    record = db.session.get(ModelRecord, submitted["id"])
    assert (record.version, record.review_status) == (submitted["version"], "CHO_DUYET")


def test_reviewer_may_not_decide_on_own_record(client, tree, reviewer, login):
    headers = login("lanhdao")
    body = model_payload(tree["province"])
    # A reviewer may hold the writer role as well; here an admin-made record is not the point:
    # the reviewer creates it through a second role.
    reviewer.roles = ["LANH_DAO_DUYET", "CAN_BO_NHAP"]
    db.session.commit()
    client.post("/api/v1/models", json=body, headers=headers)
    version = review(client, headers, body["id"], "submit", 1).get_json()["version"]
    response = review(client, headers, body["id"], "approve", version)
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "FORBIDDEN"


def test_history_lists_every_step(client, submitted, people):
    version = review(
        client,
        people["duyet.cum"],
        submitted["id"],
        "return",
        submitted["version"],
        "Bổ sung số liệu",
    ).get_json()["version"]
    history = client.get(
        f"/api/v1/models/{submitted['id']}/history", headers=people["canbo.taca"]
    ).get_json()
    assert [(e["action"], e["user_name"]) for e in history] == [
        ("create", "Canbo.Taca"),
        ("submit", "Canbo.Taca"),
        ("return", "Lương Văn Cụm"),
    ]
    assert history[-1]["comment"] == "Bổ sung số liệu"
    assert history[-1]["version"] == version
    assert all(e["at"] for e in history)
