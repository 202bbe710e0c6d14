"""Open a file sealed for this server and apply its mutations under the original user.

The file is the phone's outbox, exported when it could no longer sync (PROTOCOL.md §13). Its
mutations go through the normal push path for the device that made them, so the device's
last_seq makes a second import of the same file apply nothing twice.
"""

import base64
import binascii
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from server.actor import Actor
from server.audit import record_event
from server.auth.identity import Identity
from server.errors import ApiError
from server.models import Device, User
from server.scope import can_administer_user
from server.sealed.keys import ServerKey
from server.sync_api.service import ATTEMPTS, RETRYABLE_STATES
from server.sync_api.store import SqlStore
from sync.engine import Localise, as_sent, push
from sync.messages import MAX_MUTATIONS, ProtocolError, SyncRequest, parse_request

EXPORT_FORMAT = "sotay-sealed/1"


@dataclass(frozen=True)
class Opened:
    """A sealed file's checked header and its decrypted payload."""

    header: dict[str, Any]
    payload: dict[str, Any]
    digest: str


def _invalid(reason: str) -> ApiError:
    return ApiError("EXPORT_INVALID", {"reason": reason})


def _b64(value: object, name: str) -> bytes:
    if not isinstance(value, str):
        raise _invalid(f"{name} is not text")
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise _invalid(f"{name} is not base64") from exc


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def open_sealed(key: ServerKey, file: dict[str, Any]) -> Opened:
    """Check and decrypt a sealed file, or raise EXPORT_INVALID, _WRONG_SERVER or _TAMPERED."""
    if file.get("format") != EXPORT_FORMAT:
        raise _invalid("format")
    header_text = file.get("header")
    if not isinstance(header_text, str):
        raise _invalid("header")
    try:
        header = json.loads(header_text)
    except json.JSONDecodeError as exc:
        raise _invalid("header") from exc
    if not (
        isinstance(header, dict)
        and header.get("format") == EXPORT_FORMAT
        and isinstance(header.get("key_id"), str)
        and _is_int(header.get("user_id"))
        and isinstance(header.get("device_id"), str)
    ):
        raise _invalid("header")
    if header["key_id"] != key.key_id:
        raise ApiError("EXPORT_WRONG_SERVER", {"key_id": header["key_id"]})
    wrapped, iv, ciphertext = (_b64(file.get(n), n) for n in ("key", "iv", "ciphertext"))
    # Imported here, not by every server process that never opens a sealed file.
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    oaep = padding.OAEP(mgf=padding.MGF1(hashes.SHA256()), algorithm=hashes.SHA256(), label=None)
    try:
        content_key = key.private.decrypt(wrapped, oaep)
        plain = AESGCM(content_key).decrypt(iv, ciphertext, header_text.encode())
    except (ValueError, InvalidTag) as exc:
        raise ApiError("EXPORT_TAMPERED") from exc
    try:
        payload = json.loads(plain)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _invalid("payload") from exc
    if not isinstance(payload, dict) or not isinstance(payload.get("mutations"), list):
        raise _invalid("payload")
    return Opened(header=header, payload=payload, digest=hashlib.sha256(ciphertext).hexdigest())


def _requests(opened: Opened) -> list[SyncRequest]:
    """Check every mutation as a sync request would (§3) before anything is applied."""
    mutations = opened.payload["mutations"]
    schema = opened.payload.get("schema", 1)
    requests = []
    for start in range(0, max(len(mutations), 1), MAX_MUTATIONS):
        body = {
            "protocol": 1,
            "schema": schema,
            "cursor": 0,
            "mutations": mutations[start : start + MAX_MUTATIONS],
        }
        try:
            requests.append(parse_request(body))
        except ProtocolError as exc:
            raise ApiError("EXPORT_INVALID", {"reason": "mutations", **exc.details}) from exc
    return requests


def _push(session: Session, device: Device, request: SyncRequest, localise: Localise) -> dict:
    attempt = 1
    while True:
        store = SqlStore(session, Identity.of_device(device))
        try:
            outcome = push(store, request, localise)
            return {"results": outcome.results, "last_seq": outcome.last_seq}
        except DBAPIError as exc:
            session.rollback()
            if getattr(exc.orig, "sqlstate", None) not in RETRYABLE_STATES or attempt >= ATTEMPTS:
                raise
            attempt += 1


def import_sealed(
    session: Session,
    admin: User,
    key: ServerKey,
    file: dict[str, Any],
    localise: Localise = as_sent,
) -> dict[str, Any]:
    """Apply a sealed export for a user in the admin's subtree; return the per-seq results."""
    opened = open_sealed(key, file)
    device = session.get(Device, opened.header["device_id"])
    if device is None or device.user_id != opened.header["user_id"]:
        raise _invalid("device")
    if not can_administer_user(admin, device.user):
        raise ApiError("IMPORT_OUT_OF_SCOPE", {"user_id": device.user_id})
    requests = _requests(opened)
    seqs = sorted(m.seq for r in requests for m in r.mutations)
    last = device.last_seq
    if seqs and (seqs != list(range(seqs[0], seqs[0] + len(seqs))) or seqs[0] > last + 1):
        # Checked here so no batch lands before a later one is refused (§4.5).
        raise ApiError("SEQ_GAP", {"expected_seq": last + 1, "last_seq": last})
    user_id, device_id = device.user_id, device.id
    results: list[dict] = []
    last_seq = device.last_seq
    for request in requests:
        if not request.mutations:
            continue
        try:
            pushed = _push(session, device, request, localise)
        except ProtocolError as exc:
            session.rollback()
            raise ApiError(exc.code, exc.details) from exc
        results.extend(pushed["results"])
        last_seq = pushed["last_seq"]
    counts = {
        status: sum(
            1 for r in results if (r["status"] if not r.get("duplicate") else "duplicate") == status
        )
        for status in ("applied", "conflict", "rejected", "duplicate")
    }
    record_event(
        session,
        Actor.signed_in(admin),
        table="devices",
        record_id=device_id,
        action="import_export",
        after={"user_id": user_id, "file_sha256": opened.digest, "last_seq": last_seq, **counts},
    )
    session.commit()
    return {
        "user_id": user_id,
        "device_id": device_id,
        "last_seq": last_seq,
        "counts": counts,
        "results": results,
    }
