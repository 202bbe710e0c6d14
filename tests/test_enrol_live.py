"""An enrolment code redeemed once, on real gunicorn with two workers: phones that send the same
code at the same moment get one device between them, the rest ONE_TIME_CODE_USED."""

import http.client
import json
import threading
import types
from datetime import timedelta

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from server.auth.tokens import hash_token
from server.models.types import utcnow
from tests.live_server import LiveServer, live_database_url, prepare_database

pytestmark = pytest.mark.slow

UNITS = [("TW", "Trung ương", "TRUNG_UONG", None), ("17000", "Xã Nậm Cắn", "XA", "TW")]
CODE = "K7QM3XPA9DHT"
PHONES = 8


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    """Start gunicorn on a database holding an officer and one enrolment code for them."""
    tmp = tmp_path_factory.mktemp("enrol")
    url = live_database_url(tmp)
    prepare_database(url, UNITS, [("canbo", "17000", "CAN_BO_NHAP")])
    engine = create_engine(url, poolclass=NullPool)
    now = utcnow()
    with engine.begin() as conn:
        user_id = conn.scalar(text("SELECT id FROM users WHERE username = 'canbo'"))
        conn.execute(
            text(
                "INSERT INTO one_time_codes (code_hash, purpose, user_id, created_at, expires_at)"
                " VALUES (:h, 'enrol', :u, :now, :exp)"
            ),
            {"h": hash_token(CODE), "u": user_id, "now": now, "exp": now + timedelta(minutes=10)},
        )
    server = LiveServer(url, tmp / "gunicorn.log", workers=2)
    server.start()
    try:
        yield types.SimpleNamespace(server=server, db=engine, user_id=user_id)
    finally:
        server.stop()
        engine.dispose()


def post(live, path: str, body: dict, token: str | None = None) -> tuple[int, dict]:
    """POST JSON to the live server; return the status and the body."""
    conn = http.client.HTTPConnection("127.0.0.1", live.server.port, timeout=60)
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    try:
        conn.request("POST", path, json.dumps(body), headers=headers)
        response = conn.getresponse()
        return response.status, json.loads(response.read() or b"{}")
    finally:
        conn.close()


def test_one_code_sent_by_many_phones_at_once_enrols_one(live):
    results: list[tuple[int, dict]] = []
    start = threading.Barrier(PHONES)

    def phone(n: int) -> None:
        start.wait()
        body = {"code": "k7qm-3xpa-9dht", "device_name": f"Máy {n}"}
        results.append(post(live, "/api/v1/auth/enrol", body))

    threads = [threading.Thread(target=phone, args=(n,)) for n in range(PHONES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    statuses = sorted(status for status, _ in results)
    assert statuses == [201] + [409] * (PHONES - 1), results
    assert {b["error"]["code"] for s, b in results if s == 409} == {"ONE_TIME_CODE_USED"}
    with live.db.connect() as conn:
        devices = conn.scalar(
            text("SELECT count(*) FROM devices WHERE user_id = :u"), {"u": live.user_id}
        )
    assert devices == 1
    token = next(b["token"] for s, b in results if s == 201)
    status, answer = post(
        live, "/api/v1/sync", {"protocol": 1, "schema": 1, "cursor": 0, "mutations": []}, token
    )
    assert status == 200, answer
