"""Two phones upload one file at once to real gunicorn: it is kept once, whole (§12.2).

Several workers and threads take the same chunks together, the last chunk from many callers
at the same moment; the file must be assembled and announced exactly once, on the test
database (SQLite or PostgreSQL).
"""

import hashlib
import http.client
import json
import random
import threading
import types
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from bench.live import (
    LIVE_PASSWORD,
    LiveServer,
    live_database_url,
    prepare_database,
)
from sync.client import MemoryStore, SyncClient
from tests.conftest import model_payload
from tests.files_helpers import chunks, item, photo

pytestmark = pytest.mark.slow

UNITS = [
    ("TW", "Trung ương", "TRUNG_UONG", None),
    ("40", "Tỉnh Nghệ An", "TINH", "TW"),
    ("17000", "Xã Nậm Cắn", "XA", "40"),
]
CHUNK = 4096
UPLOADERS = 6
TIMEOUT_S = 60


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    """Start gunicorn, two workers, files on disk, 4 KiB chunks, with one officer."""
    tmp = tmp_path_factory.mktemp("files-live")
    url = live_database_url(tmp)
    units = prepare_database(url, UNITS, [("canbo", "17000", "CAN_BO_NHAP")])
    env = {"FILE_DIR": str(tmp / "files"), "FILE_CHUNK_BYTES": str(CHUNK)}
    server = LiveServer(url, tmp / "gunicorn.log", workers=2, env=env)
    engine = create_engine(url, poolclass=NullPool)
    try:
        server.start()
        yield types.SimpleNamespace(
            server=server, db=engine, unit=units["17000"], url=url, files=tmp / "files"
        )
    finally:
        server.stop()
        engine.dispose()


def phone(live, name: str) -> SyncClient:
    """Sign a device of the officer in, straight to the server."""
    client = SyncClient(live.server.url, store=MemoryStore())
    client.login("canbo", LIVE_PASSWORD, device_name=name)
    return client


def request(port, method, path, token, body=b"", headers=None):
    """Send one request on a new connection; return the status and the body."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT_S)
    try:
        conn.request(
            method, path, body=body, headers={"Authorization": f"Bearer {token}", **(headers or {})}
        )
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


@pytest.fixture
def phones(live):
    """Yield two devices of the officer, closed after the test."""
    devices = phone(live, "máy 1"), phone(live, "máy 2")
    yield devices
    for device in devices:
        device.transport.close()


def test_two_phones_uploading_one_file_at_once_keep_it_once(live, phones):
    """§12.2: every chunk sent by several callers together; assembled and announced once."""
    first, second = phones
    data = photo(400, 300, seed=5)
    digest = hashlib.sha256(data).hexdigest()
    payload = model_payload(types.SimpleNamespace(id=live.unit), attachments=[item(data)])
    first.create("models", payload)
    first.sync()
    second.sync()
    parts = chunks(data, CHUNK)
    assert len(parts) > 3
    port = live.server.port
    path = f"/api/v1/files/{digest}/chunks/{{}}?table=models&record_id={payload['id']}"
    start, last = threading.Barrier(UPLOADERS), threading.Barrier(UPLOADERS)

    def send(token: str, index: int) -> tuple[int, dict]:
        status, body = request(
            port,
            "PUT",
            path.format(index),
            token,
            parts[index],
            {
                "Content-Type": "application/octet-stream",
                "X-Chunk-SHA256": hashlib.sha256(parts[index]).hexdigest(),
            },
        )
        return status, json.loads(body)

    def uploader(n: int) -> list[tuple[int, dict]]:
        # Every chunk but the first, in its own order; then chunk 0 from every caller at
        # once, so that they all find the file whole together and race to assemble it.
        token = (first, second)[n % 2].token
        order = list(range(1, len(parts)))
        random.Random(n).shuffle(order)  # noqa: S311 - an order, not a secret
        start.wait(timeout=TIMEOUT_S)
        out = [send(token, index) for index in order]
        last.wait(timeout=TIMEOUT_S)
        out.append(send(token, 0))
        return out

    with ThreadPoolExecutor(max_workers=UPLOADERS) as pool:
        answers = [a for result in pool.map(uploader, range(UPLOADERS)) for a in result]
    assert {status for status, _ in answers} == {200}, [a for a in answers if a[0] != 200][:3]
    assert any(body["state"] == "complete" for _, body in answers)

    status, served = request(
        port, "GET", f"/api/v1/files/{digest}?table=models&record_id={payload['id']}", first.token
    )
    assert status == 200 and served == data
    with live.db.connect() as conn:
        files = conn.execute(text("SELECT state FROM stored_files")).scalars().all()
        left = conn.execute(text("SELECT count(*) FROM file_chunks")).scalar_one()
        version = conn.execute(
            text("SELECT version FROM dvk_models WHERE id = :id"), {"id": payload["id"]}
        ).scalar_one()
    assert files == ["complete"]
    assert left == 0
    assert version == 1  # restamped, not a new version
    second.sync()
    assert second.record("models", payload["id"])["files_received"] == [digest]


LATE_TRIALS = 8
LATE_SENDERS = 8


def late_chunks_once(live, first: SyncClient, trial: int) -> list[str]:
    """Send every chunk from many callers as the last one completes the file; say what's left."""
    port = live.server.port
    data = photo(200, 150, seed=300 + trial)
    digest = hashlib.sha256(data).hexdigest()
    payload = model_payload(types.SimpleNamespace(id=live.unit), attachments=[item(data)])
    first.create("models", payload)
    first.sync()
    parts = chunks(data, CHUNK)
    path = f"/api/v1/files/{digest}/chunks/{{}}?table=models&record_id={payload['id']}"
    for index in range(1, len(parts)):
        assert send_chunk(port, first.token, path, parts, index) == 200
    together = threading.Barrier(LATE_SENDERS)

    def sender(n: int) -> set[int]:
        # Chunk 0 completes the file wherever it falls; the rest arrive before, during and
        # after the assembly, each one already held or already joined into the file.
        order = list(range(len(parts)))
        random.Random(trial * LATE_SENDERS + n).shuffle(order)  # noqa: S311 - an order
        together.wait(timeout=TIMEOUT_S)
        return {send_chunk(port, first.token, path, parts, index) for index in order}

    with ThreadPoolExecutor(max_workers=LATE_SENDERS) as pool:
        statuses = set().union(*pool.map(sender, range(LATE_SENDERS)))
    assert statuses == {200}
    with live.db.connect() as conn:
        state = conn.execute(
            text("SELECT state FROM stored_files WHERE sha256 = :sha"), {"sha": digest}
        ).scalar_one()
        rows = conn.execute(
            text("SELECT idx FROM file_chunks WHERE sha256 = :sha ORDER BY idx"), {"sha": digest}
        ).scalars()
        left = [f"row {index}" for index in rows]
    assert state == "complete"
    objects = live.files / "chunks" / digest
    if objects.is_dir():
        left += [f"object {path.name}" for path in sorted(objects.iterdir())]
    return left


def test_chunks_arriving_as_their_file_completes_leave_nothing_behind(live, phones):
    """§12.2: a chunk sent again while or after its file is assembled keeps no row, no object.

    The assembly deletes the chunks under the file's row lock, and a chunk waits for that lock
    and looks again before it is kept: once the file is complete, a chunk is a no-op.
    """
    first, _second = phones
    left = {trial: late_chunks_once(live, first, trial) for trial in range(LATE_TRIALS)}
    assert not any(left.values()), f"left behind in {LATE_TRIALS} trials: {left}"


RACES = 16


def send_chunk(port: int, token: str, path: str, parts: list[bytes], index: int) -> int:
    """PUT one chunk on a new connection; return the status."""
    status, _ = request(
        port,
        "PUT",
        path.format(index),
        token,
        parts[index],
        {
            "Content-Type": "application/octet-stream",
            "X-Chunk-SHA256": hashlib.sha256(parts[index]).hexdigest(),
        },
    )
    return status


def race_once(live, first: SyncClient, second: SyncClient, trial: int) -> bool:
    """Race a second phone's push declaring a file against its last chunk; True if right."""
    port = live.server.port
    data = photo(200, 150, seed=100 + trial)
    digest = hashlib.sha256(data).hexdigest()
    unit = types.SimpleNamespace(id=live.unit)
    sender = model_payload(unit, attachments=[item(data)])
    first.create("models", sender)
    first.sync()
    parts = chunks(data, CHUNK)
    path = f"/api/v1/files/{digest}/chunks/{{}}?table=models&record_id={sender['id']}"
    for index in range(1, len(parts)):
        assert send_chunk(port, first.token, path, parts, index) == 200
    racer = model_payload(unit, attachments=[item(data)])
    second.create("models", racer)
    together = threading.Barrier(2)
    pause = random.Random(trial).random() * 0.03  # noqa: S311 - a delay, not a secret

    def complete() -> int:
        together.wait(timeout=TIMEOUT_S)
        return send_chunk(port, first.token, path, parts, 0)

    def push() -> None:
        together.wait(timeout=TIMEOUT_S)
        threading.Event().wait(pause)
        second.sync()

    with ThreadPoolExecutor(max_workers=2) as pool:
        done, pushed = pool.submit(complete), pool.submit(push)
        assert done.result() == 200
        pushed.result()
    with live.db.connect() as conn:
        received = conn.execute(
            text("SELECT files_received FROM dvk_models WHERE id = :id"), {"id": racer["id"]}
        ).scalar_one()
    if isinstance(received, str):
        received = json.loads(received)
    return bool(received == [digest])


def test_a_record_written_as_its_file_completes_has_it_at_once(live, phones):
    """§12.3: a push declaring a file, racing the file's last chunk, gets `files_received` right.

    The push and the completion serialise on the file's row, so the record written in the same
    moment is never left waiting for a later `status` call to mend it.
    """
    first, second = phones
    missed = [trial for trial in range(RACES) if not race_once(live, first, second, trial)]
    assert not missed, f"records missing their completed file in trials {missed} of {RACES}"
