"""Token rotation in two phases (PROTOCOL.md §2): a lost answer never strands a phone."""

from datetime import timedelta

from sqlalchemy import select

from server.extensions import db
from server.models import Device


def bearer(token: str) -> dict[str, str]:
    """Return request headers carrying a token."""
    return {"Authorization": f"Bearer {token}"}


def rotate(client, headers) -> str:
    """Rotate the token of the calling device and return the new one."""
    response = client.post("/api/v1/auth/rotate", headers=headers)
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["expires_at"]
    return response.get_json()["token"]


def status(client, headers) -> int:
    """Return the status of an authenticated sync (pull only) with these headers."""
    return client.post(
        "/api/v1/sync",
        json={"protocol": 1, "schema": 2, "cursor": 0, "mutations": []},
        headers=headers,
    ).status_code


def error(response) -> str:
    """Return the error code of a response."""
    return response.get_json()["error"]["code"]


def test_s2_old_token_syncs_until_the_new_one_is_first_used(client, officer, auth_headers):
    old = auth_headers(officer)
    new = bearer(rotate(client, old))
    assert status(client, old) == 200
    assert status(client, new) == 200
    assert error(client.get("/api/v1/me", headers=old)) == "TOKEN_INVALID"
    assert status(client, new) == 200


def test_s2_lost_rotation_answer_is_retried_with_the_old_token(client, officer, auth_headers):
    old = auth_headers(officer)
    lost = bearer(rotate(client, old))  # the answer never reached the phone
    assert status(client, old) == 200
    new = bearer(rotate(client, old))
    assert new != lost
    # Only the answer the phone holds works; the lost one was never used and is gone.
    assert error(client.get("/api/v1/me", headers=lost)) == "TOKEN_INVALID"
    assert status(client, old) == 200
    assert status(client, new) == 200
    assert error(client.get("/api/v1/me", headers=old)) == "TOKEN_INVALID"
    assert error(client.post("/api/v1/auth/rotate", headers=old)) == "TOKEN_INVALID"


def test_s2_rotating_twice_keeps_only_the_token_in_use(client, officer, auth_headers):
    first = auth_headers(officer)
    second = bearer(rotate(client, first))
    third = bearer(rotate(client, second))  # the second's first use ends the first
    assert error(client.get("/api/v1/me", headers=first)) == "TOKEN_INVALID"
    assert status(client, second) == 200  # still the previous one: the third is unused
    assert status(client, third) == 200
    assert error(client.get("/api/v1/me", headers=second)) == "TOKEN_INVALID"


def test_s2_old_token_dies_after_the_grace_period(client, officer, auth_headers):
    old = auth_headers(officer)
    new = bearer(rotate(client, old))
    device = db.session.scalar(select(Device).where(Device.user_id == officer.id))
    device.rotated_at -= timedelta(days=31)
    db.session.commit()
    assert error(client.get("/api/v1/me", headers=old)) == "TOKEN_INVALID"
    assert status(client, new) == 200


def test_s2_revoked_device_loses_both_tokens(client, officer, auth_headers):
    old = auth_headers(officer)
    new = bearer(rotate(client, old))
    assert client.post("/api/v1/auth/logout", headers=old).status_code in (200, 204)
    assert error(client.get("/api/v1/me", headers=old)) == "TOKEN_INVALID"
    assert error(client.get("/api/v1/me", headers=new)) == "TOKEN_INVALID"
    assert error(client.post("/api/v1/auth/rotate", headers=old)) == "TOKEN_INVALID"


def test_s2_the_grace_period_is_a_setting(app, client, officer, auth_headers):
    old = auth_headers(officer)
    rotate(client, old)
    device = db.session.scalar(select(Device).where(Device.user_id == officer.id))
    device.rotated_at -= timedelta(days=3)
    db.session.commit()
    assert status(client, old) == 200  # within the default 30 days
    app.config["TOKEN_ROTATION_GRACE_DAYS"] = 2
    assert error(client.get("/api/v1/me", headers=old)) == "TOKEN_INVALID"
