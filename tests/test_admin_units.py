"""Units an administrator adds, changes and moves: the checks, and the preview of a move."""

from datetime import date

import pytest

from server.extensions import db
from server.models import Unit
from server.records.tables import TABLES
from tests.conftest import model_payload


@pytest.fixture
def headers(tree, create_user, auth_headers):
    """Return the province administrator's request headers."""
    return auth_headers(create_user("quantritinh", tree["province"], ["QUAN_TRI"]))


def fields_of(response) -> dict:
    """Return the fields a refusal names."""
    assert response.status_code in (404, 422), response.get_json()
    return response.get_json()["error"]["details"]["fields"]


def test_legacy_unit_with_end_date_and_successors(client, tree, headers):
    body = {
        "code": "H414",
        "name": "Thị xã Thái Hòa",
        "level": "HUYEN",
        "parent_id": tree["province"].id,
        "valid_to": "2025-06-30",
        "successor_ids": [tree["commune"].id, tree["sibling"].id],
    }
    response = client.post("/api/v1/units", json=body, headers=headers)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["successor_ids"] == sorted([tree["commune"].id, tree["sibling"].id])
    assert response.get_json()["parent_name"] == "Tỉnh Nghệ An"


def test_legacy_unit_without_end_date_is_refused(client, tree, headers):
    body = {
        "code": "H415",
        "name": "Huyện Nghĩa Đàn",
        "level": "HUYEN",
        "parent_id": tree["province"].id,
    }
    assert "valid_to" in fields_of(client.post("/api/v1/units", json=body, headers=headers))
    assert db.session.scalar(db.select(Unit).where(Unit.code == "H415")) is None


def test_successors_of_a_unit_that_has_not_ended_are_refused(client, tree, headers):
    response = client.patch(
        f"/api/v1/units/{tree['sibling'].id}",
        json={"successor_ids": [tree["commune"].id]},
        headers=headers,
    )
    assert "successor_ids" in fields_of(response)


def test_unit_cannot_succeed_itself(client, tree, headers):
    unit = tree["sibling"]
    response = client.patch(
        f"/api/v1/units/{unit.id}",
        json={"valid_to": "2025-06-30", "successor_ids": [unit.id]},
        headers=headers,
    )
    assert "successor_ids" in fields_of(response)
    db.session.expire_all()
    assert db.session.get(Unit, unit.id).valid_to is None


def test_unit_cannot_move_under_its_descendant(client, tree, headers, create_unit):
    hamlet = create_unit("Bản Na", tree["commune"], level="THON", code="THON-NA")
    commune = tree["commune"]
    response = client.patch(
        f"/api/v1/units/{commune.id}", json={"parent_id": hamlet.id}, headers=headers
    )
    assert "parent_id" in fields_of(response)
    preview = client.get(
        f"/api/v1/units/{commune.id}/move-preview?parent_id={hamlet.id}", headers=headers
    )
    assert "parent_id" in fields_of(preview)
    db.session.expire_all()
    assert db.session.get(Unit, commune.id).parent_id == tree["province"].id


def test_move_preview_says_what_changes_for_whom(client, tree, create_user, auth_headers):
    national = auth_headers(create_user("quantri", tree["root"], ["QUAN_TRI"]))
    officer = create_user("canbo", tree["commune"], ["CAN_BO_NHAP"])
    create_user("tinhcu", tree["province"], ["LANH_DAO_DUYET"])
    create_user("tinhmoi", tree["foreign"], ["LANH_DAO_DUYET"])
    create_user("tinhmoi2", tree["foreign"], ["XEM"])
    client.post(
        "/api/v1/models", json=model_payload(tree["commune"]), headers=auth_headers(officer)
    )
    commune = tree["commune"]
    response = client.get(
        f"/api/v1/units/{commune.id}/move-preview?parent_id={tree['foreign'].id}",
        headers=national,
    )
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["units"] == 1 and body["users"] == 1
    assert body["records"] == {name: int(name == "models") for name in TABLES}
    assert body["users_losing"] == 1 and body["users_gaining"] == 2
    assert body["old_parent"]["name"] == "Tỉnh Nghệ An"
    assert body["new_parent"]["name"] == "Tỉnh Hà Tĩnh"
    db.session.expire_all()
    assert db.session.get(Unit, commune.id).parent_id == tree["province"].id


def test_move_preview_outside_the_subtree_is_not_found(client, tree, headers):
    commune = tree["commune"]
    response = client.get(
        f"/api/v1/units/{commune.id}/move-preview?parent_id={tree['foreign'].id}",
        headers=headers,
    )
    assert response.status_code == 404
    assert "parent_id" in fields_of(response)


def test_ended_unit_shows_its_end(client, tree, headers):
    response = client.patch(
        f"/api/v1/units/{tree['sibling'].id}", json={"valid_to": "2025-06-30"}, headers=headers
    )
    assert response.get_json()["valid_to"] == date(2025, 6, 30).isoformat()
