"""An administrator acts only inside its unit's subtree; one at the root is national.

The province administrator sits at "Nghệ An"; "Hà Tĩnh" is the foreign province. Every refusal
is a coded error and leaves the database as it was.
"""

import pytest

from server.extensions import db
from server.models import Device, Unit
from tests.conftest import model_payload
from tests.sync_helpers import device


@pytest.fixture
def province_admin(tree, create_user):
    """Return an administrator of the province."""
    return create_user("quantritinh", tree["province"], ["QUAN_TRI"])


def unit_row(unit_id: int) -> tuple:
    """Read a unit's stored place and name afresh."""
    db.session.expire_all()
    unit = db.session.get(Unit, unit_id)
    return unit.parent_id, unit.path, unit.name, sorted(s.id for s in unit.successors)


def error(response) -> dict:
    """Return the error envelope of a response."""
    return response.get_json()["error"]


def test_province_admin_cannot_move_a_commune_to_a_foreign_province(
    client, tree, province_admin, auth_headers
):
    commune = tree["commune"]
    before = unit_row(commune.id)
    response = client.patch(
        f"/api/v1/units/{commune.id}",
        json={"parent_id": tree["foreign"].id},
        headers=auth_headers(province_admin),
    )
    assert response.status_code == 404
    assert error(response)["code"] == "NOT_FOUND"
    assert "parent_id" in error(response)["details"]["fields"]
    assert unit_row(commune.id) == before


def test_province_admin_cannot_name_a_foreign_successor(client, tree, province_admin, auth_headers):
    commune = tree["commune"]
    before = unit_row(commune.id)
    response = client.patch(
        f"/api/v1/units/{commune.id}",
        json={"successor_ids": [tree["foreign_commune"].id]},
        headers=auth_headers(province_admin),
    )
    assert response.status_code == 404
    assert "successor_ids" in error(response)["details"]["fields"]
    assert unit_row(commune.id) == before


def test_province_admin_cannot_move_its_own_province(client, tree, province_admin, auth_headers):
    province = tree["province"]
    before = unit_row(province.id)
    headers = auth_headers(province_admin)
    for parent in (tree["foreign"], tree["root"]):
        response = client.patch(
            f"/api/v1/units/{province.id}", json={"parent_id": parent.id}, headers=headers
        )
        assert response.status_code == 404, parent.name
    response = client.patch(
        f"/api/v1/units/{province.id}", json={"parent_id": tree["commune"].id}, headers=headers
    )
    assert response.status_code == 422
    assert unit_row(province.id) == before


def test_province_admin_moves_inside_its_province(client, tree, province_admin, auth_headers):
    response = client.patch(
        f"/api/v1/units/{tree['sibling'].id}",
        json={"parent_id": tree["commune"].id},
        headers=auth_headers(province_admin),
    )
    assert response.status_code == 200
    assert response.get_json()["parent_id"] == tree["commune"].id


def test_province_admin_cannot_list_units_within_a_foreign_province(
    client, tree, province_admin, auth_headers
):
    response = client.get(
        f"/api/v1/units?within={tree['foreign'].id}", headers=auth_headers(province_admin)
    )
    assert response.status_code == 404


@pytest.mark.parametrize("route", ["/api/v1/dashboard", "/api/v1/reports/r1"])
def test_province_admin_cannot_report_on_a_foreign_province(
    client, tree, province_admin, auth_headers, route
):
    response = client.get(
        route, query_string={"unit_id": tree["foreign"].id}, headers=auth_headers(province_admin)
    )
    assert response.status_code == 404


def test_province_admin_cannot_revoke_a_foreign_device(
    client, tree, province_admin, create_user, auth_headers
):
    other = create_user("canbohatinh", tree["foreign_commune"], ["CAN_BO_NHAP"])
    auth_headers(other)
    device_id = db.session.scalar(db.select(Device.id).where(Device.user_id == other.id))
    headers = auth_headers(province_admin)
    response = client.post(f"/api/v1/devices/{device_id}/revoke", headers=headers)
    assert response.status_code == 404
    assert error(response)["code"] == "NOT_FOUND"
    db.session.expire_all()
    assert db.session.get(Device, device_id).revoked_at is None


def test_province_admin_syncs_only_its_province(
    client, tree, province_admin, create_user, auth_headers
):
    """PROTOCOL.md §5: a pull carries only the subtree, for an administrator too."""
    seeder = auth_headers(create_user("seeder", tree["root"], ["CAN_BO_NHAP"]))
    own = model_payload(tree["commune"])
    foreign = model_payload(tree["foreign_commune"])
    for body in (own, foreign):
        assert client.post("/api/v1/models", json=body, headers=seeder).status_code == 201
    phone = device(client, "quantritinh")
    phone.sync()
    assert set(phone.state.records["models"]) == {own["id"]}


def test_province_admin_cannot_approve_a_foreign_record_over_sync(
    client, tree, province_admin, create_user, auth_headers
):
    """PROTOCOL.md §7: a review outside the subtree is refused and changes nothing."""
    seeder = auth_headers(create_user("seeder", tree["root"], ["CAN_BO_NHAP"]))
    body = model_payload(tree["foreign_commune"])
    client.post("/api/v1/models", json=body, headers=seeder)
    url = f"/api/v1/models/{body['id']}"
    client.post(f"{url}/review", json={"action": "submit", "version": 1}, headers=seeder)
    phone = device(client, "quantritinh")
    phone.sync()
    phone.state.records["models"][body["id"]] = {"id": body["id"], "version": 2}
    phone.review("models", body["id"], "approve")
    report = phone.sync()
    assert [r["status"] for r in report.results] == ["rejected"]
    assert report.results[0]["code"] == "NOT_FOUND"
    stored = client.get(url, headers=seeder).get_json()
    assert (stored["version"], stored["review_status"]) == (2, "CHO_DUYET")


def test_national_admin_acts_everywhere(client, tree, admin, create_user, auth_headers):
    other = create_user("canbohatinh", tree["foreign_commune"], ["CAN_BO_NHAP"])
    auth_headers(other)
    headers = auth_headers(admin)
    foreign = tree["foreign_commune"]
    response = client.patch(f"/api/v1/units/{foreign.id}", json={"name": "Xã mới"}, headers=headers)
    assert response.status_code == 200
    listed = {d["user_id"] for d in client.get("/api/v1/devices", headers=headers).get_json()}
    assert other.id in listed
    device_id = db.session.scalar(db.select(Device.id).where(Device.user_id == other.id))
    response = client.post(f"/api/v1/devices/{device_id}/revoke", headers=headers)
    assert response.status_code == 200
