"""Administration of users, one-time codes and own passwords, through HTTP.

The province administrator sits at "Nghệ An"; "Hà Tĩnh" is the foreign province. Every refusal
is a coded error and leaves the database as it was; every change is audited.
"""

from datetime import timedelta

import pytest
from sqlalchemy import select

from server.extensions import db
from server.models import AuditEvent, Device, OneTimeCode, User
from server.models.types import utcnow
from tests.conftest import model_payload
from tests.factories import TEST_PASSWORD


@pytest.fixture
def province_admin(tree, create_user):
    """Return an administrator of the province."""
    return create_user("quantritinh", tree["province"], ["QUAN_TRI"])


@pytest.fixture
def headers(province_admin, auth_headers):
    """Return the province administrator's request headers."""
    return auth_headers(province_admin)


def error(response) -> str:
    """Return the error code of a response."""
    return response.get_json()["error"]["code"]


def stored(user_id: int) -> User:
    """Read a user afresh."""
    db.session.expire_all()
    return db.session.get(User, user_id)


def audited(action: str, user_id: int) -> int:
    """Count the audit events of an action on a user."""
    return len(
        db.session.scalars(
            select(AuditEvent).where(
                AuditEvent.table_name == "users",
                AuditEvent.record_id == str(user_id),
                AuditEvent.action == action,
            )
        ).all()
    )


def new_user(client, headers, unit, username="canbomoi", roles=("CAN_BO_NHAP",), **extra):
    """Create a user through the API and return its JSON."""
    body = {
        "username": username,
        "full_name": "Vi Văn Mới",
        "unit_id": unit.id,
        "roles": list(roles),
        **extra,
    }
    response = client.post("/api/v1/users", json=body, headers=headers)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_admin_creates_an_officer_in_its_province(client, tree, headers):
    created = new_user(client, headers, tree["commune"], password="mat-khau-moi-1")
    assert created["unit"]["id"] == tree["commune"].id
    assert created["roles"] == ["CAN_BO_NHAP"]
    assert audited("create", created["id"]) == 1
    login = client.post(
        "/api/v1/auth/login",
        json={"username": "canbomoi", "password": "mat-khau-moi-1", "device_name": "Máy"},
    )
    assert login.status_code == 201


def test_created_user_without_password_cannot_sign_in(client, tree, headers):
    new_user(client, headers, tree["commune"])
    login = client.post(
        "/api/v1/auth/login", json={"username": "canbomoi", "password": "!", "device_name": "Máy"}
    )
    assert error(login) == "LOGIN_FAILED"


def test_admin_cannot_create_a_user_in_a_foreign_province(client, tree, headers):
    body = {
        "username": "ngoai",
        "full_name": "Người ngoài",
        "unit_id": tree["foreign"].id,
        "roles": ["QUAN_TRI"],
    }
    response = client.post("/api/v1/users", json=body, headers=headers)
    assert response.status_code == 404
    assert "unit_id" in response.get_json()["error"]["details"]["fields"]
    assert db.session.scalar(select(User).where(User.username == "ngoai")) is None


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"roles": []}, "roles"),
        ({"roles": ["VUA"]}, "roles"),
        ({"username": "Có Dấu"}, "username"),
        ({"password": "ngan"}, "password"),
    ],
)
def test_bad_user_is_refused(client, tree, headers, body, field):
    full = {
        "username": "hople",
        "full_name": "Hợp Lệ",
        "unit_id": tree["commune"].id,
        "roles": ["XEM"],
        **body,
    }
    response = client.post("/api/v1/users", json=full, headers=headers)
    assert response.status_code == 422
    assert field in response.get_json()["error"]["details"]["fields"]


def test_duplicate_username_is_refused(client, tree, headers, officer):
    body = {
        "username": officer.username,
        "full_name": "Trùng",
        "unit_id": tree["commune"].id,
        "roles": ["XEM"],
    }
    response = client.post("/api/v1/users", json=body, headers=headers)
    assert error(response) == "DUPLICATE"


def test_list_shows_only_the_subtree_and_folds_diacritics(client, tree, headers, create_user):
    create_user("ngoaitinh", tree["foreign_commune"], ["CAN_BO_NHAP"], full_name="Hà Văn Ngoại")
    create_user("trongtinh", tree["commune"], ["CAN_BO_NHAP"], full_name="Lò Thị Hồng")
    listed = client.get("/api/v1/users?per_page=500", headers=headers).get_json()
    names = {u["username"] for u in listed["items"]}
    assert "trongtinh" in names and "ngoaitinh" not in names
    found = client.get("/api/v1/users?q=lo+thi+hong", headers=headers).get_json()
    assert [u["username"] for u in found["items"]] == ["trongtinh"]


def test_admin_changes_unit_and_roles(client, tree, headers, officer):
    response = client.patch(
        f"/api/v1/users/{officer.id}",
        json={"unit_id": tree["sibling"].id, "roles": ["CAN_BO_NHAP", "XEM"]},
        headers=headers,
    )
    assert response.status_code == 200, response.get_json()
    user = stored(officer.id)
    assert user.unit_id == tree["sibling"].id
    assert user.roles == ["CAN_BO_NHAP", "XEM"]
    assert audited("update", officer.id) == 1


def test_admin_cannot_move_a_user_to_a_foreign_province(client, tree, headers, officer):
    response = client.patch(
        f"/api/v1/users/{officer.id}", json={"unit_id": tree["foreign"].id}, headers=headers
    )
    assert response.status_code == 404
    assert stored(officer.id).unit_id == tree["commune"].id


def test_deactivated_user_keeps_records_and_its_phone_stops_syncing(
    client, tree, headers, officer, auth_headers
):
    phone = auth_headers(officer)
    body = model_payload(tree["commune"])
    assert client.post("/api/v1/models", json=body, headers=phone).status_code == 201
    response = client.patch(f"/api/v1/users/{officer.id}", json={"active": False}, headers=headers)
    assert response.status_code == 200
    assert response.get_json()["active"] is False
    refused = client.post("/api/v1/sync", json={"protocol": 1}, headers=phone)
    assert error(refused) == "TOKEN_INVALID"
    assert client.get(f"/api/v1/models/{body['id']}", headers=headers).status_code == 200


def test_admin_cannot_deactivate_itself(client, headers, province_admin):
    response = client.patch(
        f"/api/v1/users/{province_admin.id}", json={"active": False}, headers=headers
    )
    assert error(response) == "CANNOT_DEACTIVATE_SELF"
    assert stored(province_admin.id).active


def test_last_national_admin_stays(client, tree, admin, create_user, auth_headers):
    other = create_user("quantri2", tree["root"], ["QUAN_TRI"])
    headers = auth_headers(other)
    for change in ({"active": False}, {"roles": ["XEM"]}, {"unit_id": tree["province"].id}):
        # Two national admins: the other may be changed, then put back.
        ok = client.patch(f"/api/v1/users/{admin.id}", json=change, headers=headers)
        assert ok.status_code == 200, ok.get_json()
        back = {"active": True, "roles": ["QUAN_TRI"], "unit_id": tree["root"].id}
        assert (
            client.patch(f"/api/v1/users/{admin.id}", json=back, headers=headers).status_code == 200
        )
    client.patch(f"/api/v1/users/{admin.id}", json={"active": False}, headers=headers)
    response = client.patch(
        f"/api/v1/users/{other.id}", json={"roles": ["XEM"]}, headers=auth_headers(other)
    )
    assert error(response) == "LAST_NATIONAL_ADMIN"
    assert stored(other.id).roles == ["QUAN_TRI"]


def test_province_admin_cannot_touch_a_foreign_user(client, tree, headers, create_user):
    foreign = create_user("ngoai", tree["foreign_commune"], ["CAN_BO_NHAP"])
    for method, url, body in (
        ("get", f"/api/v1/users/{foreign.id}", None),
        ("patch", f"/api/v1/users/{foreign.id}", {"active": False}),
        ("post", f"/api/v1/users/{foreign.id}/password-reset", None),
        ("post", f"/api/v1/users/{foreign.id}/enrolment", None),
    ):
        response = getattr(client, method)(url, json=body, headers=headers)
        assert response.status_code == 404, (url, response.get_json())
        assert error(response) == "NOT_FOUND"
    assert stored(foreign.id).active
    assert db.session.scalar(select(OneTimeCode.id)) is None


def test_reset_code_sets_a_new_password_once(client, tree, headers, officer):
    made = client.post(f"/api/v1/users/{officer.id}/password-reset", headers=headers)
    assert made.status_code == 201
    code = made.get_json()["display"]
    assert len(code) == 14 and code[4] == "-"
    body = {"code": code.lower().replace("-", " "), "new_password": "mat-khau-moi-2"}
    assert client.post("/api/v1/auth/password-reset", json=body).status_code == 204
    login = client.post(
        "/api/v1/auth/login",
        json={"username": officer.username, "password": "mat-khau-moi-2", "device_name": "Máy"},
    )
    assert login.status_code == 201
    again = client.post("/api/v1/auth/password-reset", json=body)
    assert error(again) == "ONE_TIME_CODE_USED"
    # Only the code's hash is kept.
    assert made.get_json()["code"] not in str(
        db.session.scalars(select(OneTimeCode)).all()[0].code_hash
    )


def test_user_changes_own_password(client, officer, auth_headers):
    headers = auth_headers(officer)
    wrong = client.post(
        "/api/v1/me/password",
        json={"current_password": "sai-mat-khau", "new_password": "mat-khau-moi-3"},
        headers=headers,
    )
    assert error(wrong) == "PASSWORD_WRONG"
    ok = client.post(
        "/api/v1/me/password",
        json={"current_password": TEST_PASSWORD, "new_password": "mat-khau-moi-3"},
        headers=headers,
    )
    assert ok.status_code == 204
    assert audited("password_change", officer.id) == 1


def enrolment(client, headers, user) -> dict:
    """Make an enrolment code for a user and return its JSON."""
    response = client.post(f"/api/v1/users/{user.id}/enrolment", headers=headers)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def redeem(client, code: str):
    """Redeem an enrolment code from a new phone."""
    return client.post("/api/v1/auth/enrol", json={"code": code, "device_name": "Máy mới"})


def test_enrolment_code_gives_a_device_once(client, headers, officer):
    made = enrolment(client, headers, officer)
    assert made["qr_svg"].startswith("<svg") and made["url"].endswith("#/enrol/" + made["code"])
    first = redeem(client, made["display"])
    assert first.status_code == 201, first.get_json()
    token = first.get_json()["token"]
    assert first.get_json()["user"]["id"] == officer.id
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.get_json()["username"] == officer.username
    assert error(redeem(client, made["code"])) == "ONE_TIME_CODE_USED"
    assert db.session.scalar(select(OneTimeCode.code_hash)) != made["code"]


def test_expired_and_wrong_enrolment_codes_are_refused(client, headers, officer):
    made = enrolment(client, headers, officer)
    row = db.session.scalar(select(OneTimeCode))
    row.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert error(redeem(client, made["code"])) == "ONE_TIME_CODE_EXPIRED"
    assert error(redeem(client, "ABCD-EFGH-JKMN")) == "ONE_TIME_CODE_INVALID"
    assert error(redeem(client, "ngắn")) == "ONE_TIME_CODE_INVALID"
    assert db.session.scalar(select(Device).where(Device.name == "Máy mới")) is None


def test_a_new_code_replaces_the_earlier_one(client, headers, officer):
    first = enrolment(client, headers, officer)
    second = enrolment(client, headers, officer)
    assert error(redeem(client, first["code"])) == "ONE_TIME_CODE_EXPIRED"
    assert redeem(client, second["code"]).status_code == 201


def test_reviewer_enrols_an_officer_but_not_another_reviewer(
    client, tree, reviewer, officer, create_user, auth_headers
):
    headers = auth_headers(reviewer)
    assert client.post(f"/api/v1/users/{officer.id}/enrolment", headers=headers).status_code == 201
    other = create_user("lanhdao2", tree["commune"], ["LANH_DAO_DUYET"])
    response = client.post(f"/api/v1/users/{other.id}/enrolment", headers=headers)
    assert error(response) == "FORBIDDEN"
    assert (
        client.post(f"/api/v1/users/{officer.id}/password-reset", headers=headers).status_code
        == 403
    )


def test_officer_manages_no_user(client, officer, auth_headers):
    headers = auth_headers(officer)
    assert client.get("/api/v1/users", headers=headers).status_code == 403
    assert client.post(f"/api/v1/users/{officer.id}/enrolment", headers=headers).status_code == 403


def test_rotated_token_replaces_the_old(client, officer, auth_headers):
    old = auth_headers(officer)
    response = client.post("/api/v1/auth/rotate", headers=old)
    assert response.status_code == 200
    new = {"Authorization": "Bearer " + response.get_json()["token"]}
    assert client.get("/api/v1/me", headers=new).status_code == 200
    assert error(client.get("/api/v1/me", headers=old)) == "TOKEN_INVALID"


def test_devices_name_their_user(client, headers, officer, auth_headers):
    auth_headers(officer, device_name="Máy xã")
    listed = client.get("/api/v1/devices", headers=headers).get_json()
    mine = [d for d in listed if d["name"] == "Máy xã"]
    assert mine[0]["user"]["username"] == officer.username
    assert "pending_count" in mine[0] and "app_version" in mine[0]


def test_revoking_a_device_is_audited(client, headers, officer, auth_headers):
    auth_headers(officer, device_name="Máy xã")
    device_id = db.session.scalar(select(Device.id).where(Device.user_id == officer.id))
    response = client.post(f"/api/v1/devices/{device_id}/revoke", headers=headers)
    assert response.status_code == 200
    assert audited("revoke_device", officer.id) == 1


def test_enrolled_user_without_a_password_sets_one(client, tree, headers):
    created = new_user(client, headers, tree["commune"])
    made = client.post(f"/api/v1/users/{created['id']}/enrolment", headers=headers).get_json()
    token = redeem(client, made["code"]).get_json()["token"]
    phone = {"Authorization": f"Bearer {token}"}
    response = client.post(
        "/api/v1/me/password", json={"new_password": "mat-khau-dau-tien"}, headers=phone
    )
    assert response.status_code == 204
    again = client.post(
        "/api/v1/me/password", json={"new_password": "mat-khau-thu-hai"}, headers=phone
    )
    assert again.get_json()["error"]["code"] == "PASSWORD_WRONG"
