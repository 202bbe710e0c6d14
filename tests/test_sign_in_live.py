"""Sign-in limits on real gunicorn, two workers of four threads, on the test database.

Each client connects from its own loopback address (127.0.0.0/8 all reaches the server), so the
server sees real, distinct remote addresses without trusting any proxy header.
"""

import http.client
import json
import threading
import time
import types
import uuid
from collections import Counter

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from sync.client import MemoryStore, SyncClient
from tests.live_server import (
    LIVE_PASSWORD,
    LiveServer,
    live_database_url,
    prepare_database,
)

pytestmark = pytest.mark.slow

UNITS = [("TW", "Trung ương", "TRUNG_UONG", None), ("17000", "Xã Nậm Cắn", "XA", "TW")]
PAIR_MAX = 3
ADDRESS_MAX = 6
TIMEOUT_S = 60


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    """Start gunicorn with small limits and one hashing slot, on a database with an officer."""
    tmp = tmp_path_factory.mktemp("sign-in")
    url = live_database_url(tmp)
    prepare_database(url, UNITS, [("canbo", "17000", "CAN_BO_NHAP")])
    env = {
        "LOGIN_MAX_FAILURES": str(PAIR_MAX),
        "LOGIN_ADDRESS_MAX_FAILURES": str(ADDRESS_MAX),
        "LOGIN_HASH_SLOTS": "1",
        "LOGIN_SLOT_DIR": str(tmp / "slots"),
    }
    server = LiveServer(url, tmp / "gunicorn.log", workers=2, env=env)
    engine = create_engine(url, poolclass=NullPool)
    server.start()
    try:
        yield types.SimpleNamespace(server=server, db=engine)
    finally:
        server.stop()
        engine.dispose()


def sign_in(live, address: str, username: str = "canbo", password: str = LIVE_PASSWORD):
    """Sign in from a loopback address; return status, error code, headers, body and seconds."""
    body = json.dumps({"username": username, "password": password, "device_name": "Máy thử"})
    conn = http.client.HTTPConnection(
        "127.0.0.1", live.server.port, timeout=TIMEOUT_S, source_address=(address, 0)
    )
    started = time.monotonic()
    try:
        conn.request(
            "POST", "/api/v1/auth/login", body, headers={"Content-Type": "application/json"}
        )
        response = conn.getresponse()
        data = json.loads(response.read())
        elapsed = time.monotonic() - started
        code = data["error"]["code"] if response.status >= 400 else None
        return types.SimpleNamespace(
            status=response.status,
            code=code,
            headers=dict(response.getheaders()),
            body=data,
            seconds=elapsed,
        )
    finally:
        conn.close()


def sign_in_retrying(live, address: str, **kwargs):
    """Sign in, coming back after Retry-After while the server is busy hashing."""
    for _ in range(20):
        answer = sign_in(live, address, **kwargs)
        if answer.code != "SIGN_IN_BUSY":
            return answer
        time.sleep(float(answer.headers["Retry-After"]))
    raise AssertionError("the server stayed busy")


def counter(live, key: str) -> int | None:
    """Read one sign-in counter from the database."""
    with live.db.connect() as conn:
        return conn.scalar(text("SELECT count FROM sign_in_counters WHERE key = :k"), {"k": key})


def test_guesses_from_elsewhere_do_not_lock_the_officer_out(live):
    phone = sign_in_retrying(live, "127.0.2.1")
    assert phone.status == 201
    for _ in range(PAIR_MAX):
        assert sign_in_retrying(live, "127.0.2.66", password="doan-bua").status == 401
    refused = sign_in_retrying(live, "127.0.2.66")  # even the right password, from there
    assert (refused.status, refused.code) == (429, "LOGIN_RATE_LIMITED")
    assert refused.body["error"]["details"]["limit"] == "user"
    assert int(refused.headers["Retry-After"]) > 0
    assert sign_in_retrying(live, "127.0.2.1").status == 201
    # The phone signed in before keeps syncing with its token: no password is involved.
    device = SyncClient(live.server.url, store=MemoryStore(), token=phone.body["token"])
    try:
        device.sync()
    finally:
        device.transport.close()


def test_one_address_trying_many_names_is_limited(live):
    for _ in range(ADDRESS_MAX):
        name = f"ai-do-{uuid.uuid4().hex[:8]}"
        assert sign_in_retrying(live, "127.0.3.66", username=name).status == 401
    refused = sign_in_retrying(live, "127.0.3.66")
    assert (refused.status, refused.code) == (429, "LOGIN_RATE_LIMITED")
    assert refused.body["error"]["details"]["limit"] == "address"
    assert sign_in_retrying(live, "127.0.3.1").status == 201


def flood(live, addresses: list[str], usernames: list[str]) -> list:
    """Send one wrong guess per address at the same moment; return the answers."""
    barrier = threading.Barrier(len(addresses))
    answers: list = [None] * len(addresses)

    def attempt(index: int) -> None:
        barrier.wait(timeout=TIMEOUT_S)
        answers[index] = sign_in(
            live, addresses[index], username=usernames[index], password="doan-bua"
        )

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(len(addresses))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT_S)
    return answers


def test_parallel_guesses_cannot_slip_under_the_limit(live):
    """Sixteen guesses at once for one name from one address: at most PAIR_MAX are tried."""
    answers = []
    for _ in range(3):
        answers += flood(live, ["127.0.5.66"] * 16, ["canbo"] * 16)
    codes = Counter(a.code for a in answers)
    assert set(codes) <= {"LOGIN_FAILED", "LOGIN_RATE_LIMITED", "SIGN_IN_BUSY"}
    assert 1 <= codes["LOGIN_FAILED"] <= PAIR_MAX
    assert counter(live, "pair:127.0.5.66 canbo") >= PAIR_MAX


def test_a_flood_of_made_up_names_is_refused_without_hashing(live):
    """Over the hashing budget the answer is SIGN_IN_BUSY at once, on every worker."""
    addresses = [f"127.0.4.{n}" for n in range(1, 17)]
    answers = []
    for _ in range(2):
        answers += flood(live, addresses, [f"gia-{uuid.uuid4().hex[:8]}" for _ in addresses])
    codes = Counter(a.code for a in answers)
    assert set(codes) <= {"LOGIN_FAILED", "SIGN_IN_BUSY"}, codes
    assert codes["SIGN_IN_BUSY"] > 0 and codes["LOGIN_FAILED"] > 0
    busy = sorted(a.seconds for a in answers if a.code == "SIGN_IN_BUSY")
    hashed = sorted(a.seconds for a in answers if a.code == "LOGIN_FAILED")
    assert busy[len(busy) // 2] < hashed[len(hashed) // 2]
    assert all(a.headers["Retry-After"] == "1" for a in answers if a.code == "SIGN_IN_BUSY")
    # A busy refusal is not held against the address; every hashed failure is.
    counted = sum(counter(live, f"address:{address}") or 0 for address in addresses)
    assert counted == codes["LOGIN_FAILED"]
