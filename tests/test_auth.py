"""Sign-in, bearer tokens bound to devices, rate limiting and the users CLI."""

import contextlib
import os
import threading
from datetime import timedelta

import pytest
from sqlalchemy import select, text

from server import create_app
from server.auth import passwords
from server.auth.limits import HashBudget, address_key
from server.auth.passwords import verify_password
from server.extensions import db
from server.models import Device, SignInCounter, User
from server.models.types import utcnow
from tests.conftest import TEST_PASSWORD

LOGIN = "/api/v1/auth/login"


ATTACKER = {"REMOTE_ADDR": "10.0.0.1"}
OFFICE = {"REMOTE_ADDR": "10.0.0.2"}


def sign_in(client, username="canbo", password=TEST_PASSWORD, *, environ_base=None, **extra):
    """Post credentials and return the response."""
    body = {"username": username, "password": password, "device_name": "Máy thử"}
    headers = extra.pop("headers", None)
    body.update(extra)
    return client.post(LOGIN, json=body, environ_base=environ_base or {}, headers=headers)


def counts() -> dict:
    """Return every sign-in counter by key."""
    db.session.expire_all()
    return {c.key: c.count for c in db.session.scalars(select(SignInCounter))}


def bearer(token: str) -> dict:
    """Return an Authorization header for a token."""
    return {"Authorization": f"Bearer {token}"}


def error_code(response) -> str:
    """Return the stable error code of an error response."""
    return response.get_json()["error"]["code"]


def test_login_returns_token_device_and_user(client, officer):
    body = sign_in(client, app_version="1.0.0").get_json()
    assert len(body["token"]) >= 40
    assert body["device"]["app_version"] == "1.0.0"
    assert body["user"]["username"] == "canbo"
    assert body["user"]["unit"]["code"] == "17000"


def test_token_authenticates(client, officer):
    token = sign_in(client).get_json()["token"]
    response = client.get("/api/v1/me", headers=bearer(token))
    assert response.status_code == 200
    assert response.get_json()["full_name"] == "Lò Văn Minh"


def test_token_is_stored_only_as_hash(client, officer):
    token = sign_in(client).get_json()["token"]
    rows = db.session.execute(text("SELECT * FROM devices")).all()
    assert len(rows) == 1
    assert all(token not in str(value) for value in rows[0])


def test_each_login_registers_a_new_device(client, officer):
    first = sign_in(client).get_json()
    second = sign_in(client).get_json()
    assert first["device"]["id"] != second["device"]["id"]
    assert first["token"] != second["token"]


@pytest.mark.parametrize(
    ("username", "password"),
    [("canbo", "mat-khau-sai"), ("khong-co", TEST_PASSWORD), ("CANBO", TEST_PASSWORD)],
)
def test_bad_credentials_are_refused(client, officer, username, password):
    response = sign_in(client, username, password)
    assert response.status_code == 401
    assert error_code(response) == "LOGIN_FAILED"


def test_inactive_user_cannot_sign_in(client, tree, create_user):
    create_user("nghiviec", tree["commune"], ["CAN_BO_NHAP"], active=False)
    assert error_code(sign_in(client, "nghiviec")) == "LOGIN_FAILED"


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer"},
        {"Authorization": "Bearer "},
        {"Authorization": "Basic Y2FuYm86eA=="},
        {"Authorization": "token-without-scheme"},
    ],
)
def test_missing_token_is_401(client, headers):
    response = client.get("/api/v1/me", headers=headers)
    assert response.status_code == 401
    assert error_code(response) == "UNAUTHENTICATED"


@pytest.mark.parametrize("token", ["sai", "x" * 43, "Đây-không-phải-token", "a" * 5000])
def test_wrong_token_is_401(client, officer, token):
    sign_in(client)
    response = client.get("/api/v1/me", headers=bearer(token))
    assert response.status_code == 401
    assert error_code(response) == "TOKEN_INVALID"


def test_logout_revokes_the_token(client, officer):
    token = sign_in(client).get_json()["token"]
    assert client.post("/api/v1/auth/logout", headers=bearer(token)).status_code == 204
    response = client.get("/api/v1/me", headers=bearer(token))
    assert response.status_code == 401
    assert error_code(response) == "TOKEN_INVALID"


def test_revoked_device_token_is_401(client, officer, admin):
    token = sign_in(client).get_json()["token"]
    device_id = db.session.scalar(select(Device.id))
    admin_token = sign_in(client, "quantri").get_json()["token"]
    revoked = client.post(f"/api/v1/devices/{device_id}/revoke", headers=bearer(admin_token))
    assert revoked.status_code == 200
    assert revoked.get_json()["revoked_at"] is not None
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 401


def test_revoking_one_device_keeps_the_other(client, officer):
    phone = sign_in(client).get_json()
    laptop = sign_in(client).get_json()
    client.post(f"/api/v1/devices/{phone['device']['id']}/revoke", headers=bearer(phone["token"]))
    assert client.get("/api/v1/me", headers=bearer(laptop["token"])).status_code == 200


def test_expired_token_is_401(client, officer):
    token = sign_in(client).get_json()["token"]
    device = db.session.scalar(select(Device))
    device.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert error_code(client.get("/api/v1/me", headers=bearer(token))) == "TOKEN_INVALID"


def test_deactivated_users_token_is_401(client, officer):
    token = sign_in(client).get_json()["token"]
    officer.active = False
    db.session.commit()
    assert error_code(client.get("/api/v1/me", headers=bearer(token))) == "TOKEN_INVALID"


def test_token_lifetime_follows_config(app, client, officer):
    device = sign_in(client).get_json()["device"]
    stored = db.session.get(Device, device["id"])
    lifetime = stored.expires_at - stored.created_at
    assert lifetime == timedelta(days=app.config["TOKEN_LIFETIME_DAYS"])


def test_five_failures_lock_the_username_from_that_address(client, officer):
    for _ in range(5):
        assert sign_in(client, password="sai-roi").status_code == 401
    response = sign_in(client)
    assert response.status_code == 429
    assert error_code(response) == "LOGIN_RATE_LIMITED"
    assert response.get_json()["error"]["details"]["limit"] == "user"
    assert 0 < int(response.headers["Retry-After"]) <= 900


def test_guesses_from_another_address_do_not_lock_the_user_out(client, officer):
    """Someone who knows the user name cannot keep the officer from signing in."""
    for _ in range(8):
        sign_in(client, password="sai-roi", environ_base=ATTACKER)
    assert error_code(sign_in(client, password="sai-roi", environ_base=ATTACKER)) == (
        "LOGIN_RATE_LIMITED"
    )
    assert sign_in(client, environ_base=OFFICE).status_code == 201


def test_four_failures_still_allow_sign_in(client, officer):
    for _ in range(4):
        sign_in(client, password="sai-roi")
    assert sign_in(client).status_code == 201


def test_success_clears_the_failures(client, officer):
    for _ in range(4):
        sign_in(client, password="sai-roi")
    sign_in(client)
    assert counts() == {address_key("127.0.0.1"): 4}


def test_lock_is_per_username(client, officer, reviewer):
    for _ in range(5):
        sign_in(client, password="sai-roi")
    assert sign_in(client, "lanhdao").status_code == 201


def test_lock_lifts_after_the_window(app, client, officer):
    for _ in range(5):
        sign_in(client, password="sai-roi")
    old = utcnow() - timedelta(seconds=app.config["LOGIN_WINDOW_SECONDS"] + 1)
    for counter in db.session.scalars(select(SignInCounter)):
        counter.window_start = old
    db.session.commit()
    assert sign_in(client).status_code == 201


def test_unknown_usernames_are_rate_limited_too(client):
    for _ in range(5):
        sign_in(client, "khong-co")
    assert sign_in(client, "khong-co").status_code == 429


def test_an_address_trying_many_names_is_limited(app, client, officer):
    app.config["LOGIN_ADDRESS_MAX_FAILURES"] = 3
    for n in range(3):
        assert sign_in(client, f"ten-{n}", environ_base=ATTACKER).status_code == 401
    response = sign_in(client, "canbo", environ_base=ATTACKER)
    assert response.status_code == 429
    assert response.get_json()["error"]["details"]["limit"] == "address"
    assert sign_in(client, environ_base=OFFICE).status_code == 201


def test_successful_sign_ins_do_not_use_up_the_address(app, client, officer):
    """A commune office signs its officers in from one address all morning."""
    app.config["LOGIN_ADDRESS_MAX_FAILURES"] = 2
    for _ in range(5):
        assert sign_in(client, environ_base=OFFICE).status_code == 201
    assert counts() == {address_key("10.0.0.2"): 0}


def test_no_free_hashing_slot_refuses_at_once(app, client, officer, monkeypatch):
    hashes = []
    hasher = passwords._hasher

    class CountingHasher:
        """The test hasher, noting each Argon2 computation."""

        def hash(self, password: str) -> str:
            hashes.append("hash")
            return hasher.hash(password)

        def verify(self, stored_hash: str, password: str) -> bool:
            hashes.append("verify")
            return hasher.verify(stored_hash, password)

    monkeypatch.setattr(passwords, "_hasher", CountingHasher())
    budget = HashBudget(app.config["LOGIN_SLOT_DIR"], app.config["LOGIN_HASH_SLOTS"])
    with contextlib.ExitStack() as stack:
        for _ in range(app.config["LOGIN_HASH_SLOTS"]):
            assert stack.enter_context(budget.slot())
        response = sign_in(client)
    assert hashes == []  # refused before any password was hashed
    assert response.status_code == 429
    assert error_code(response) == "SIGN_IN_BUSY"
    assert response.headers["Retry-After"] == "1"
    # The refused attempt cost no database write and is not counted against the user.
    assert counts() == {}
    assert sign_in(client).status_code == 201
    assert hashes == ["verify"]  # the count sees a hash when one runs


def test_hashing_runs_at_the_lowest_priority(app):
    """A hash (and Argon2's lane threads, which inherit it) yields the CPU to every request."""
    budget = HashBudget(app.config["LOGIN_SLOT_DIR"], app.config["LOGIN_HASH_SLOTS"])

    def niceness() -> int:
        return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

    assert budget.run(niceness) == 19


def test_forwarded_address_is_ignored_without_a_trusted_proxy(client, officer):
    for n in range(5):
        sign_in(client, password="sai-roi", headers={"X-Forwarded-For": f"10.9.0.{n}"})
    assert sign_in(client, headers={"X-Forwarded-For": "10.9.0.99"}).status_code == 429


@pytest.mark.commits  # a second app signs in: it must see the user and take the write lock
def test_a_trusted_proxy_gives_the_client_address(app, officer):
    proxied_app = create_app({**app.config, "TRUSTED_PROXY_HOPS": 1})
    proxied = proxied_app.test_client()
    try:
        for _ in range(5):
            sign_in(proxied, password="sai-roi", headers={"X-Forwarded-For": "10.9.0.1"})
        assert sign_in(proxied, headers={"X-Forwarded-For": "10.9.0.1"}).status_code == 429
        assert sign_in(proxied, headers={"X-Forwarded-For": "10.9.0.2"}).status_code == 201
    finally:
        # Its connections would otherwise be collected open, during a later test.
        with proxied_app.app_context():
            db.engine.dispose()


def test_devices_lists_own_devices(client, officer):
    token = sign_in(client).get_json()["token"]
    devices = client.get("/api/v1/devices", headers=bearer(token)).get_json()
    assert [d["name"] for d in devices] == ["Máy thử"]
    assert "token_hash" not in devices[0]


def create_user_cli(runner, *args, stdin="mot-mat-khau-dai\n"):
    """Run `flask users create` with the password on standard input."""
    return runner.invoke(args=["users", "create", *args], input=stdin)


USER_ARGS = ("nguyenvana", "--full-name", "Nguyễn Văn A", "--unit", "17000", "--role", "XEM")


def test_users_create_reads_password_from_stdin(runner, tree):
    result = create_user_cli(runner, *USER_ARGS)
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.username == "nguyenvana"))
    assert user.roles == ["XEM"]
    assert user.unit_id == tree["commune"].id
    assert verify_password(user.password_hash, "mot-mat-khau-dai")


def test_users_create_stores_no_plain_password(runner, tree):
    create_user_cli(runner, *USER_ARGS)
    user = db.session.scalar(select(User).where(User.username == "nguyenvana"))
    assert "mot-mat-khau-dai" not in user.password_hash
    assert user.password_hash.startswith("$argon2id$")


def test_users_create_has_no_password_option(runner, tree):
    result = create_user_cli(runner, *USER_ARGS, "--password", "mot-mat-khau-dai")
    assert result.exit_code != 0
    assert "No such option" in result.output


@pytest.mark.parametrize("password", ["ngan\n", "1234567\n", "\n", ""])
def test_users_create_refuses_short_passwords(runner, tree, password):
    result = create_user_cli(runner, *USER_ARGS, stdin=password)
    assert result.exit_code != 0
    assert db.session.scalar(select(User).where(User.username == "nguyenvana")) is None


def test_users_create_accepts_multiple_roles(runner, tree):
    args = (*USER_ARGS, "--role", "LANH_DAO_DUYET")
    assert create_user_cli(runner, *args).exit_code == 0
    user = db.session.scalar(select(User).where(User.username == "nguyenvana"))
    assert user.roles == ["XEM", "LANH_DAO_DUYET"]


def test_users_create_refuses_unknown_unit(runner, tree):
    args = ("nguyenvana", "--full-name", "A", "--unit", "99999", "--role", "XEM")
    result = create_user_cli(runner, *args)
    assert result.exit_code != 0
    assert "no unit with code 99999" in result.output


def test_users_create_refuses_unknown_role(runner, tree):
    args = ("nguyenvana", "--full-name", "A", "--unit", "17000", "--role", "VUA")
    assert create_user_cli(runner, *args).exit_code != 0


def test_users_create_refuses_existing_username(runner, officer):
    args = ("canbo", "--full-name", "A", "--unit", "17000", "--role", "XEM")
    result = create_user_cli(runner, *args)
    assert result.exit_code != 0
    assert "user canbo exists" in result.output


def test_created_user_can_sign_in(runner, client, tree):
    create_user_cli(runner, *USER_ARGS)
    assert sign_in(client, "nguyenvana", "mot-mat-khau-dai").status_code == 201
