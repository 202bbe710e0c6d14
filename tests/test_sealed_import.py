"""Revocation loses nothing: a phone's sealed export, imported by an admin (PROTOCOL.md §13)."""

import base64
import json
import os

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import func, select

from server.extensions import db
from server.models import AuditEvent, ModelRecord, User
from sync.messages import MUTATION_KEYS
from tests.conftest import TEST_PASSWORD, model_payload
from tests.sync_helpers import device

OAEP = padding.OAEP(mgf=padding.MGF1(hashes.SHA256()), algorithm=hashes.SHA256(), label=None)


def seal(spki_b64: str, key_id: str, header: dict, payload: dict) -> dict:
    """Seal a payload as the PWA does (pwa/js/store/crypto.js sealForServer)."""
    public = serialization.load_der_public_key(base64.b64decode(spki_b64))
    content_key = AESGCM.generate_key(bit_length=256)
    iv = os.urandom(12)
    head = json.dumps({**header, "format": "sotay-sealed/1", "key_id": key_id})
    ciphertext = AESGCM(content_key).encrypt(iv, json.dumps(payload).encode(), head.encode())
    return {
        "format": "sotay-sealed/1",
        "header": head,
        "key": base64.b64encode(public.encrypt(content_key, OAEP)).decode(),  # type: ignore[union-attr]
        "iv": base64.b64encode(iv).decode(),
        "ciphertext": base64.b64encode(ciphertext).decode(),
    }


def wire(outbox: list[dict]) -> list[dict]:
    """Return the outbox as the mutations a sync request carries."""
    return [{k: v for k, v in entry.items() if k in MUTATION_KEYS} for entry in outbox]


def server_key(client) -> dict:
    """Fetch the published export key without signing in."""
    response = client.get("/api/v1/export-key")
    assert response.status_code == 200
    return response.get_json()


def count_models() -> int:
    """Count model rows."""
    return db.session.scalar(select(func.count(ModelRecord.id)))


@pytest.fixture
def revoked_export(client, officer, tree):
    """Two records made on a phone that was then revoked, sealed for this server."""
    phone = device(client, "canbo", name="Điện thoại Nậm Cắn")
    device_id = phone.login("canbo", TEST_PASSWORD, device_name="Điện thoại Nậm Cắn")["device"][
        "id"
    ]
    phone.create("models", model_payload(tree["commune"], name="Mô hình nuôi ong"))
    phone.create("models", model_payload(tree["commune"], name="Mô hình đường hoa"))
    headers = {"Authorization": "Bearer " + phone.token}
    assert client.post(f"/api/v1/devices/{device_id}/revoke", headers=headers).status_code == 200
    with pytest.raises(Exception, match="TOKEN_INVALID"):
        phone.sync()
    key = server_key(client)
    header = {"user_id": officer.id, "device_id": device_id}
    payload = {**header, "schema": 1, "mutations": wire(phone.state.outbox)}
    return {"file": seal(key["spki"], key["key_id"], header, payload), "device_id": device_id}


def test_export_key_is_public_and_stable(client):
    """§13: the public key is published without sign-in, and the same on every call."""
    first, second = server_key(client), server_key(client)
    assert first == second
    assert first["algorithm"] == "RSA-OAEP-256"
    assert serialization.load_der_public_key(base64.b64decode(first["spki"]))


def test_admin_imports_a_revoked_phones_export_once(client, login, admin, officer, revoked_export):
    """§13: the mutations land under the officer, audited; a second import applies nothing."""
    headers = login("quantri")
    response = client.post("/api/v1/imports", json=revoked_export["file"], headers=headers)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["counts"] == {"applied": 2, "conflict": 0, "rejected": 0, "duplicate": 0}
    assert count_models() == 2
    creators = set(db.session.scalars(select(ModelRecord.created_by_id)))
    assert creators == {officer.id}
    again = client.post("/api/v1/imports", json=revoked_export["file"], headers=headers)
    assert again.status_code == 200
    assert again.get_json()["counts"]["applied"] == 0
    assert again.get_json()["counts"]["duplicate"] == 2
    assert count_models() == 2
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "import_export")
    ).all()
    assert [(e.user_id, e.record_id) for e in events] == [
        (admin.id, revoked_export["device_id"])
    ] * 2


def test_deactivated_users_export_is_imported(client, login, admin, officer, tree):
    """§13: a deactivated user cannot sync, but the phone's export still lands."""
    phone = device(client, "canbo")
    device_id = phone.login("canbo", TEST_PASSWORD)["device"]["id"]
    phone.create("models", model_payload(tree["commune"]))
    db.session.get(User, officer.id).active = False
    db.session.commit()
    with pytest.raises(Exception, match="TOKEN_INVALID"):
        phone.sync()
    key = server_key(client)
    header = {"user_id": officer.id, "device_id": device_id}
    file = seal(
        key["spki"], key["key_id"], header, {**header, "mutations": wire(phone.state.outbox)}
    )
    response = client.post("/api/v1/imports", json=file, headers=login("quantri"))
    assert response.status_code == 200, response.get_json()
    assert count_models() == 1


def _tamper(file: dict, name: str) -> dict:
    raw = bytearray(base64.b64decode(file[name]))
    raw[len(raw) // 2] ^= 1
    return {**file, name: base64.b64encode(bytes(raw)).decode()}


@pytest.mark.parametrize(
    ("change", "code"),
    [
        (lambda f: _tamper(f, "ciphertext"), "EXPORT_TAMPERED"),
        (lambda f: _tamper(f, "key"), "EXPORT_TAMPERED"),
        (lambda f: _tamper(f, "iv"), "EXPORT_TAMPERED"),
        (
            lambda f: {**f, "header": f["header"].replace('"user_id": ', '"user_id": 1')},
            "EXPORT_TAMPERED",
        ),
        (
            lambda f: {**f, "header": f["header"].replace('"key_id": "', '"key_id": "x')},
            "EXPORT_WRONG_SERVER",
        ),
        (lambda f: {**f, "format": "sotay-unsynced/1"}, "EXPORT_INVALID"),
        (lambda f: {**f, "header": "[1]"}, "EXPORT_INVALID"),
        (lambda f: {**f, "ciphertext": "***"}, "EXPORT_INVALID"),
    ],
    ids=[
        "ciphertext",
        "wrapped key",
        "iv",
        "header user",
        "other server",
        "format",
        "header",
        "b64",
    ],
)
def test_altered_export_is_refused_and_applies_nothing(
    client, login, admin, revoked_export, change, code
):
    """§13: a tampered file, or one for another server, gets a coded error and changes nothing."""
    response = client.post(
        "/api/v1/imports", json=change(revoked_export["file"]), headers=login("quantri")
    )
    assert response.status_code in (403, 422)
    assert response.get_json()["error"]["code"] == code
    assert count_models() == 0


def test_file_sealed_for_another_servers_key_is_refused(
    client, login, admin, officer, revoked_export
):
    """§13: a file wrapped for a different key under this server's key id does not open."""
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048).public_key()
    spki = base64.b64encode(
        other.public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    ).decode()
    header = {"user_id": officer.id, "device_id": revoked_export["device_id"]}
    file = seal(spki, server_key(client)["key_id"], header, {**header, "mutations": []})
    response = client.post("/api/v1/imports", json=file, headers=login("quantri"))
    assert response.get_json()["error"]["code"] == "EXPORT_TAMPERED"


def test_admin_outside_the_users_subtree_cannot_import(
    client, login, create_user, tree, revoked_export
):
    """§13: a foreign province's admin is refused with a code, and nothing is applied."""
    create_user("qt_hatinh", tree["foreign"], ["QUAN_TRI"])
    response = client.post(
        "/api/v1/imports", json=revoked_export["file"], headers=login("qt_hatinh")
    )
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "IMPORT_OUT_OF_SCOPE"
    assert count_models() == 0


def test_officer_cannot_import(client, login, officer, revoked_export):
    """§13: only an admin imports."""
    response = client.post("/api/v1/imports", json=revoked_export["file"], headers=login("canbo"))
    assert response.get_json()["error"]["code"] == "FORBIDDEN"
    assert count_models() == 0


def test_escrow_key_is_the_same_for_a_phone_salt_and_differs_per_user(
    client, officer, create_user, tree
):
    """§13: sign-in with key_salt answers the user's escrow key; without it, none (protocol 1)."""
    create_user("canbo2", tree["commune"], ["CAN_BO_NHAP"])

    def sign_in(username, **extra):
        body = {"username": username, "password": TEST_PASSWORD, "device_name": "máy", **extra}
        response = client.post("/api/v1/auth/login", json=body)
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    salt = base64.b64encode(os.urandom(16)).decode()
    first = sign_in("canbo", key_salt=salt)
    assert len(base64.b64decode(first["escrow_key"])) == 32
    assert sign_in("canbo", key_salt=salt)["escrow_key"] == first["escrow_key"]
    assert sign_in("canbo2", key_salt=salt)["escrow_key"] != first["escrow_key"]
    assert "escrow_key" not in sign_in("canbo")
    headers = {"Authorization": "Bearer " + first["token"]}
    again = client.post("/api/v1/auth/escrow", json={"key_salt": salt}, headers=headers)
    assert again.get_json()["escrow_key"] == first["escrow_key"]
    bad = client.post("/api/v1/auth/escrow", json={"key_salt": "short"}, headers=headers)
    assert bad.status_code == 422


def test_cli_imports_a_sealed_export_once(runner, admin, revoked_export, tmp_path):
    """§13: `flask sync import-export FILE --admin NAME` applies like the endpoint, once."""
    path = tmp_path / "export.sotay.json"
    path.write_text(json.dumps(revoked_export["file"]), encoding="utf-8")
    args = ["sync", "import-export", str(path), "--admin", "quantri"]
    first = runner.invoke(args=args)
    assert first.exit_code == 0, first.output
    assert "2 applied" in first.output
    second = runner.invoke(args=args)
    assert "0 applied, 2 already there" in second.output
    assert count_models() == 2
    tampered = tmp_path / "bad.json"
    tampered.write_text(json.dumps({**revoked_export["file"], "format": "x"}), encoding="utf-8")
    refused = runner.invoke(args=["sync", "import-export", str(tampered), "--admin", "quantri"])
    assert refused.exit_code != 0 and "EXPORT_INVALID" in refused.output
    not_admin = runner.invoke(args=["sync", "import-export", str(path), "--admin", "canbo"])
    assert not_admin.exit_code != 0
