"""An upload cut at seeded random points resumes and ends with the exact file (PROTOCOL.md §12).

The real server (gunicorn on loopback, a migrated database, SQLite or PostgreSQL) behind a
proxy that breaks chosen exchanges: a chunk's body cut midway, a response cut or dropped after
the server stored the chunk. The Python client (sync/uploads.py) asks what the server holds
after each cut and sends only the rest. A failing seed prints its plan and every send.
"""

import hashlib
import http.client
import random
import socket
import time
import types
import urllib.parse

import pytest

from bench.live import (
    LIVE_PASSWORD,
    FaultProxy,
    LiveServer,
    live_database_url,
    prepare_database,
)
from sync.client import SyncClient
from sync.uploads import Uploader, UploadTarget, chunk_count
from tests.factories import model_payload
from tests.upload_cuts import CutPlan, cut_upload, explain

pytestmark = pytest.mark.slow

UNITS = [
    ("TW", "Trung ương", "TRUNG_UONG", None),
    ("40", "Tỉnh Nghệ An", "TINH", "TW"),
    ("17000", "Xã Nậm Cắn", "XA", "40"),
]
CHUNK = 64 * 1024
SIZE = 20 * CHUNK + 777  # a short last chunk
CUTS = 5
SEEDS = range(6)


def pdf(seed: int, size: int = SIZE) -> bytes:
    """Return bytes the server takes for a PDF (it checks the signature only)."""
    head, tail = b"%PDF-1.4\n", b"\n%%EOF\n"
    body = random.Random(seed).randbytes(size - len(head) - len(tail))  # noqa: S311 - test data
    return head + body + tail


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    """Start gunicorn with small chunks on a migrated database, a commune and its officer."""
    tmp = tmp_path_factory.mktemp("upload-live")
    url = live_database_url(tmp)
    units = prepare_database(url, UNITS, [("canbo", "17000", "CAN_BO_NHAP")])
    env = {"FILE_CHUNK_BYTES": str(CHUNK), "FILE_DIR": str(tmp / "files")}
    server = LiveServer(url, tmp / "gunicorn.log", workers=1, env=env)
    server.start()
    try:
        with FaultProxy(server.port) as proxy:
            yield types.SimpleNamespace(server=server, proxy=proxy, units=units)
    finally:
        server.stop()


def declare(live, data: bytes) -> tuple[SyncClient, str]:
    """Sync a new model that declares the file (records first); return the client and its id."""
    client = SyncClient(live.server.url)
    client.login("canbo", LIVE_PASSWORD)
    body = model_payload(types.SimpleNamespace(id=live.units["17000"]))
    body["attachments"] = [
        {
            "sha256": hashlib.sha256(data).hexdigest(),
            "kind": "BIEN_BAN",
            "mime": "application/pdf",
            "size": len(data),
            "caption": "Biên bản họp dân",
            "file_name": "bien-ban.pdf",
            "captured_at": None,
        }
    ]
    client.create("models", body)
    client.sync()
    return client, body["id"]


def fetch_file(live, token: str, sha: str, record_id: str) -> bytes:
    """Download the file straight from the server (not through the proxy)."""
    query = urllib.parse.urlencode({"table": "models", "record_id": record_id})
    conn = http.client.HTTPConnection("127.0.0.1", live.server.port, timeout=30)
    try:
        conn.request(
            "GET", f"/api/v1/files/{sha}?{query}", headers={"Authorization": f"Bearer {token}"}
        )
        response = conn.getresponse()
        body = response.read()
        assert response.status == 200, body[:300]
        return body
    finally:
        conn.close()


@pytest.mark.parametrize("seed", SEEDS)
def test_cut_upload_resumes_with_at_most_one_chunk_per_cut_protocol_12(live, seed):
    """§12: seeded cuts anywhere in the upload; one resent chunk per cut at most; exact file."""
    data = pdf(seed)
    client, record_id = declare(live, data)
    sha = hashlib.sha256(data).hexdigest()
    uploader = Uploader(live.proxy.url, client.token or "")
    plan = CutPlan.make(seed, cuts=CUTS, span=chunk_count(SIZE, CHUNK))
    try:
        report, faulted = cut_upload(
            live.proxy, uploader, UploadTarget("models", record_id, data), plan
        )
    finally:
        uploader.close()
    why = explain(plan, report, faulted)
    assert report.chunk_size == CHUNK, why
    assert report.state == "complete", why
    assert faulted, f"the plan cut no chunk: {why}"
    assert report.chunks_resent <= len(faulted), why
    assert report.bytes_resent <= len(faulted) * CHUNK, why
    assert fetch_file(live, client.token or "", sha, record_id) == data, why
    # §12.3: the record says the file arrived, and phones pull that.
    client.sync()
    assert sha in (client.record("models", record_id) or {}).get("files_received", []), why
    client.transport.close()


def test_status_after_completion_says_complete_for_every_declaring_record_protocol_12(live):
    """§12: identical content is stored once; a second record's upload costs one status request."""
    data = pdf(99)
    first, first_id = declare(live, data)
    uploader = Uploader(live.server.url, first.token or "")
    uploader.upload(UploadTarget("models", first_id, data))
    uploader.close()
    second, second_id = declare(live, data)
    uploader = Uploader(live.server.url, second.token or "")
    report = uploader.upload(UploadTarget("models", second_id, data))
    uploader.close()
    first.transport.close()
    second.transport.close()
    assert report.state == "complete"
    assert report.chunk_sends == {}
    assert report.requests == 1


def test_a_chunk_trickling_in_holds_no_lock_on_other_requests_protocol_12(live):
    """§12: on 2G a chunk's body takes seconds; meanwhile the server answers everyone else.

    On SQLite every transaction holds the write lock: a chunk route that opened one (the
    token check) before reading its body made every other request wait behind the slow link,
    then fail 503 after the busy timeout.
    """
    data = pdf(7)
    client, record_id = declare(live, data)
    token = client.token or ""
    sha = hashlib.sha256(data).hexdigest()
    chunk = data[:CHUNK]
    query = urllib.parse.urlencode({"table": "models", "record_id": record_id})
    head = (
        f"PUT /api/v1/files/{sha}/chunks/0?{query} HTTP/1.1\r\n"
        f"Host: 127.0.0.1:{live.server.port}\r\nAuthorization: Bearer {token}\r\n"
        "Content-Type: application/octet-stream\r\n"
        f"X-Chunk-SHA256: {hashlib.sha256(chunk).hexdigest()}\r\n"
        f"Content-Length: {len(chunk)}\r\nConnection: close\r\n\r\n"
    ).encode()
    slow = socket.create_connection(("127.0.0.1", live.server.port), timeout=30)
    try:
        slow.sendall(head + chunk[: CHUNK // 2])
        time.sleep(0.5)  # the server is inside the request, reading the body
        other = Uploader(live.server.url, token, timeout=30)
        started = time.monotonic()
        chunk_size, answers = other.status([UploadTarget("models", record_id, data)])
        waited = time.monotonic() - started
        other.close()
        assert answers[sha].state == "absent"
        assert waited < 3.0, f"status waited {waited:.1f} s behind a chunk still arriving"
        slow.sendall(chunk[CHUNK // 2 :])
        answer = slow.recv(4096)
        assert answer.startswith(b"HTTP/1.1 200"), answer[:300]
    finally:
        slow.close()
        client.transport.close()
