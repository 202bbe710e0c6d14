"""One batch sent on several connections at once is applied once (PROTOCOL.md §4.2).

A phone on a slow link retries while its first request is still being processed, so the same
request (same device, same seqs) reaches different workers together. Real gunicorn, several
processes and threads, on the test database (SQLite or PostgreSQL).
"""

import http.client
import json
import threading
import types
from collections import Counter
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

pytestmark = pytest.mark.slow

UNITS = [
    ("TW", "Trung ương", "TRUNG_UONG", None),
    ("40", "Tỉnh Nghệ An", "TINH", "TW"),
    ("17000", "Xã Nậm Cắn", "XA", "40"),
]
COPIES = 6
ROUNDS = 4
REQUEST_TIMEOUT_S = 60


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    """Start gunicorn, two workers of four threads, on a migrated database with two officers."""
    tmp = tmp_path_factory.mktemp("concurrency")
    url = live_database_url(tmp)
    units = prepare_database(url, UNITS, [("canbo", "17000", "CAN_BO_NHAP")])
    server = LiveServer(url, tmp / "gunicorn.log", workers=2)
    engine = create_engine(url, poolclass=NullPool)
    try:
        server.start()
        yield types.SimpleNamespace(server=server, db=engine, unit=units["17000"])
    finally:
        server.stop()
        engine.dispose()


def phone(live, name: str) -> SyncClient:
    """Sign a device of the officer in, straight to the server."""
    client = SyncClient(live.server.url, store=MemoryStore())
    client.device_id = client.login("canbo", LIVE_PASSWORD, device_name=name)["device"]["id"]
    return client


def post_at_once(port: int, token: str, body: dict, copies: int) -> list[tuple[int, dict]]:
    """Send the same request on `copies` connections released together; return the answers."""
    raw = json.dumps(body).encode()
    barrier = threading.Barrier(copies)

    def send() -> tuple[int, dict]:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT_S)
        try:
            conn.connect()
            barrier.wait(timeout=REQUEST_TIMEOUT_S)
            conn.request(
                "POST",
                "/api/v1/sync",
                body=raw,
                headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
            )
            response = conn.getresponse()
            payload = response.read()
            return response.status, json.loads(payload) if payload else {}
        finally:
            conn.close()

    with ThreadPoolExecutor(max_workers=copies) as pool:
        return list(pool.map(lambda _: send(), range(copies)))


def batch_events(live, device_id: str, after: int) -> Counter:
    """Count the audited (record, action) pairs a device caused after audit event `after`."""
    with live.db.connect() as conn:
        rows = conn.execute(
            text("SELECT record_id, action FROM audit_events WHERE device_id = :d AND id > :a"),
            {"d": device_id, "a": after},
        )
        return Counter((r.record_id, r.action) for r in rows)


def scalar(live, sql: str, **params):
    """Run one query that returns one value."""
    with live.db.connect() as conn:
        return conn.execute(text(sql), params).scalar_one()


def test_same_batch_on_parallel_connections_is_applied_once(live):
    """§4.2: creates, a conflicting edit, a resolve and a review, sent 6 times at once."""
    a, b = phone(live, "Máy A"), phone(live, "Máy B")

    def new() -> dict:
        return model_payload(types.SimpleNamespace(id=live.unit))

    try:
        for _ in range(ROUNDS):
            # Setup: B edits two records; A's edit of one of them leaves conflict K to resolve.
            x, e, r = new(), new(), new()
            for record in (x, e, r):
                a.create("models", record)
            a.sync()
            b.sync()
            b.edit("models", x["id"], {"name": "Tên do máy B đặt"})
            b.edit("models", e["id"], {"name": "Tên khác do máy B đặt"})
            b.sync()
            a.edit("models", x["id"], {"name": "Tên do máy A đặt"})
            a.sync()
            (kept_aside,) = [c for c in a.state.conflicts.values() if c["record_id"] == x["id"]]
            c1, c2 = new(), new()
            seq = a.state.next_seq
            mutations = [
                {"seq": seq, "op": "put", "table": "models", "base": 0, "data": c1},
                {"seq": seq + 1, "op": "put", "table": "models", "base": 0, "data": c2},
                {
                    "seq": seq + 2,
                    "op": "put",
                    "table": "models",
                    "base": 1,
                    "data": {"id": e["id"], "name": "Tên do máy A đặt lại"},
                },
                {
                    "seq": seq + 3,
                    "op": "resolve",
                    "table": "conflicts",
                    "base": 0,
                    "data": {"id": kept_aside["id"], "resolution": "RESTORE_LOST"},
                },
                {
                    "seq": seq + 4,
                    "op": "review",
                    "table": "models",
                    "base": 1,
                    "data": {"id": r["id"], "action": "submit"},
                },
            ]
            body = {"protocol": 1, "schema": 1, "cursor": a.state.cursor, "mutations": mutations}
            audit_before = scalar(live, "SELECT coalesce(max(id), 0) FROM audit_events")

            answers = post_at_once(live.server.port, a.token, body, COPIES)

            assert [status for status, _ in answers] == [200] * COPIES, answers
            assert {answer["last_seq"] for _, answer in answers} == {seq + 4}
            for index, mutation in enumerate(mutations):
                results = [answer["results"][index] for _, answer in answers]
                first = [r for r in results if not r.get("duplicate")]
                assert len(first) == 1, (mutation, results)
                assert first[0]["status"] == ("conflict" if index == 2 else "applied")
                assert all(
                    r == {**first[0], "duplicate": True} for r in results if r is not first[0]
                )
            assert batch_events(live, a.device_id, audit_before) == Counter(
                {
                    (c1["id"], "create"): 1,
                    (c2["id"], "create"): 1,
                    (e["id"], "conflict"): 1,
                    (x["id"], "update"): 1,
                    (x["id"], "resolve"): 1,
                    (r["id"], "submit"): 1,
                }
            )
            conflicts_of_e = scalar(
                live, "SELECT count(*) FROM conflicts WHERE record_id = :r", r=e["id"]
            )
            assert conflicts_of_e == 1
            versions = {
                rid: scalar(live, "SELECT version FROM dvk_models WHERE id = :r", r=rid)
                for rid in (c1["id"], c2["id"], e["id"], x["id"], r["id"])
            }
            assert versions == {c1["id"]: 1, c2["id"]: 1, e["id"]: 2, x["id"]: 3, r["id"]: 2}
            # The phone carries on from the batch as if it had sent it itself.
            a.state.next_seq = seq + 5
            a.sync()
            b.sync()
    finally:
        a.transport.close()
        b.transport.close()


def test_different_devices_writing_one_record_at_once_merge_in_turn(live):
    """§6.1: six phones edit six fields of one record on the same version, all at once."""
    fields = ["locality", "lead_org", "objective", "method", "results", "collective_name"]
    phones = [phone(live, f"Máy {i}") for i in range(len(fields))]
    try:
        record = model_payload(types.SimpleNamespace(id=live.unit))
        phones[0].create("models", record)
        phones[0].sync()
        for p in phones[1:]:
            p.sync()
        barrier = threading.Barrier(len(phones))

        def edit(index: int) -> dict:
            p = phones[index]
            p.edit("models", record["id"], {fields[index]: f"Giá trị của máy {index}"})
            body = {
                "protocol": 1,
                "schema": 1,
                "cursor": p.state.cursor,
                "mutations": [
                    {k: m[k] for k in ("seq", "op", "table", "base", "data")}
                    for m in p.state.outbox
                ],
            }
            barrier.wait(timeout=REQUEST_TIMEOUT_S)
            (answer,) = post_at_once(live.server.port, p.token, body, 1)
            return answer

        with ThreadPoolExecutor(max_workers=len(phones)) as pool:
            answers = list(pool.map(edit, range(len(phones))))
        assert [status for status, _ in answers] == [200] * len(phones), answers
        versions = sorted(answer["results"][0]["version"] for _, answer in answers)
        # Each write saw the one before it: no two acknowledged with the same version.
        assert versions == list(range(2, 2 + len(phones))), versions
        with live.db.connect() as conn:
            row = conn.execute(
                # the column names are this test's own constants
                text(f"SELECT version, {', '.join(fields)} FROM dvk_models WHERE id = :r"),  # noqa: S608
                {"r": record["id"]},
            ).one()
        assert row.version == 1 + len(phones)
        for index, name in enumerate(fields):
            assert getattr(row, name) == f"Giá trị của máy {index}"
    finally:
        for p in phones:
            p.transport.close()
