"""Sync survives real faults: killed server processes, cut connections, a crashed client.

These tests run the real server (gunicorn on loopback, a migrated database) and talk to it
with the Python client through a proxy that breaks chosen responses (bench/live.py).
After every fault the server's own tables are checked: each change is applied exactly once.
"""

import http.client
import time
import types
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import bindparam, create_engine, text
from sqlalchemy.engine import Engine
from sqlalchemy.pool import NullPool

from bench.live import (
    LIVE_PASSWORD,
    FaultProxy,
    LiveServer,
    clone_records,
    live_database_url,
    prepare_database,
    wait_until,
    write_in_progress,
)
from sync.client import FileStore, SyncClient, Traffic
from tests.conftest import model_payload

pytestmark = pytest.mark.slow

UNITS = [
    ("TW", "Trung ương", "TRUNG_UONG", None),
    ("40", "Tỉnh Nghệ An", "TINH", "TW"),
    ("17000", "Xã Nậm Cắn", "XA", "40"),
    ("17001", "Xã Mường Xén", "XA", "40"),
]
# What a client sees when a connection breaks under it.
NETWORK_ERRORS = (OSError, http.client.HTTPException)
# The scenario of paged pulls: records on the server and the client's page size.
PULL_RECORDS = 2500
PULL_PAGE = 500
# A write the server holds open this long is the push's transaction, not a short one around it.
PUSH_HOLD_S = 0.05


@dataclass
class Live:
    """The running server, the proxy in front of it, and a view of its database."""

    server: LiveServer
    proxy: FaultProxy
    db: Engine
    database_url: str
    units: dict[str, int]


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    """Start gunicorn on a migrated database with two communes and an officer in each."""
    tmp = tmp_path_factory.mktemp("live")
    url = live_database_url(tmp)
    # Separate communes keep the scenarios out of each other's pulls.
    users = [
        ("canbo", "17000", "CAN_BO_NHAP"),
        ("canbo2", "17001", "CAN_BO_NHAP"),
        ("lanhdao", "40", "LANH_DAO_DUYET"),
    ]
    units = prepare_database(url, UNITS, users)
    server = LiveServer(url, tmp / "gunicorn.log", workers=1)
    engine = create_engine(url, poolclass=NullPool)
    try:
        server.start()
        with FaultProxy(server.port) as proxy:
            yield Live(server, proxy, engine, url, units)
    finally:
        server.stop()
        engine.dispose()


@pytest.fixture
def running(live):
    """Return the live setup with the server running and no fault pending."""
    if live.server.process is None:  # a test crashed it and failed before restarting it
        live.server.start()
    live.proxy.faults.clear()
    return live


@pytest.fixture
def devices(running):
    """Return a factory of signed-in clients; their connections are closed afterwards."""
    made: list[SyncClient] = []

    def make(path: Path, username: str = "canbo", **options) -> SyncClient:
        client = SyncClient(running.proxy.url, store=FileStore(str(path)), **options)
        made.append(client)
        client.device_id = client.login(username, LIVE_PASSWORD)["device"]["id"]
        return client

    yield make
    for client in made:
        client.transport.close()


class _NoSave:
    """A store that keeps nothing: lets a test create many records with one save."""

    def save(self, state) -> None:
        """Do nothing."""


def create_many(client: SyncClient, count: int, unit_id: int) -> list[str]:
    """Queue `count` new models and save the device state once, as a bulk import would."""
    # FileStore rewrites the whole state on every change: one save per record is quadratic.
    store, client.store = client.store, _NoSave()
    try:
        ids = [
            client.create("models", model_payload(types.SimpleNamespace(id=unit_id)))["id"]
            for _ in range(count)
        ]
    finally:
        client.store = store
    store.save(client.state)
    return ids


def new_model(client: SyncClient, unit_id: int, **fields) -> str:
    """Queue one new model and return its id."""
    payload = model_payload(types.SimpleNamespace(id=unit_id), **fields)
    return client.create("models", payload)["id"]


def rows_by_id(live: Live, sql: str, ids: list[str]) -> list:
    """Run a query whose `:ids` parameter is the list of record ids."""
    query = text(sql).bindparams(bindparam("ids", expanding=True))
    with live.db.connect() as conn:
        return list(conn.execute(query, {"ids": ids}))


def server_versions(live: Live, ids: list[str]) -> dict[str, tuple[int, bool]]:
    """Return {id: (version, deleted)} of the models the server holds among ids."""
    rows = rows_by_id(live, "SELECT id, version, deleted FROM dvk_models WHERE id IN :ids", ids)
    assert len(rows) == len({r.id for r in rows})
    return {r.id: (r.version, bool(r.deleted)) for r in rows}


def audit_actions(live: Live, ids: list[str]) -> dict[str, list[str]]:
    """Return the audited actions of each record, in order."""
    rows = rows_by_id(
        live,
        "SELECT record_id, action FROM audit_events"
        " WHERE table_name = 'models' AND record_id IN :ids ORDER BY id",
        ids,
    )
    actions: dict[str, list[str]] = {}
    for row in rows:
        actions.setdefault(row.record_id, []).append(row.action)
    return actions


def device_last_seq(live: Live, device_id: str) -> int:
    """Return the last mutation seq the server applied for a device."""
    with live.db.connect() as conn:
        return conn.execute(
            text("SELECT last_seq FROM devices WHERE id = :id"), {"id": device_id}
        ).scalar_one()


def scope_versions(live: Live, unit_id: int) -> dict[str, int]:
    """Return {id: version} of the live models a commune owns."""
    with live.db.connect() as conn:
        rows = conn.execute(
            text("SELECT id, version FROM dvk_models WHERE owner_unit_id = :u AND NOT deleted"),
            {"u": unit_id},
        )
        return {r.id: r.version for r in rows}


def counter(live: Live) -> int:
    """Return the server's change counter."""
    with live.db.connect() as conn:
        return conn.execute(text("SELECT value FROM sync_counter WHERE id = 1")).scalar_one()


def assert_in_step(live: Live, client: SyncClient, unit_id: int) -> None:
    """Check the device holds exactly the server's records, versions and cursor, nothing queued."""
    local = {rid: rec["version"] for rid, rec in client.state.records["models"].items()}
    assert local == scope_versions(live, unit_id)
    assert client.state.outbox == []
    assert client.state.errors == {}
    assert client.state.cursor == counter(live)


def assert_created_once(live: Live, ids: list[str]) -> None:
    """Check every record exists once, at version 1, created by exactly one audited write."""
    assert server_versions(live, ids) == dict.fromkeys(ids, (1, False))
    assert audit_actions(live, ids) == {rid: ["create"] for rid in ids}


def _push_killed_midway(live: Live, client: SyncClient, kill) -> None:
    """Send the outbox in one request and run `kill` while the server is inside its transaction."""
    exchange_index = live.proxy.next_index
    with ThreadPoolExecutor(max_workers=1) as pool:
        pending = pool.submit(client.sync, batch=1000)
        exchange = live.proxy.wait_forwarded(exchange_index)

        def pushing() -> bool:
            if exchange.finished.is_set():
                raise AssertionError("the push finished before the kill: the batch is too small")
            if not write_in_progress(live.database_url):
                return False
            # Still writing a moment later: the long push transaction, not a short one.
            time.sleep(PUSH_HOLD_S)
            return write_in_progress(live.database_url)

        wait_until(pushing, 30, "the push's transaction")
        kill()
        with pytest.raises(NETWORK_ERRORS):
            pending.result(timeout=60)


def test_worker_killed_mid_push_applies_each_record_once(running, devices, tmp_path):
    client = devices(tmp_path / "device.json")
    ids = create_many(client, 300, running.units["17000"])

    _push_killed_midway(running, client, running.server.kill_worker)
    running.server.wait_ready()
    report = client.sync(batch=1000)

    # The killed transaction left nothing behind, so the retry applied everything anew.
    assert [r["status"] for r in report.results] == ["applied"] * 300
    assert_created_once(running, ids)
    assert device_last_seq(running, client.device_id) == 300
    assert_in_step(running, client, running.units["17000"])


def test_server_crashed_mid_push_and_restarted_applies_each_record_once(running, devices, tmp_path):
    client = devices(tmp_path / "device.json")
    ids = create_many(client, 300, running.units["17000"])

    _push_killed_midway(running, client, running.server.crash)
    running.server.start()
    report = client.sync(batch=1000)

    assert [r["status"] for r in report.results] == ["applied"] * 300
    assert_created_once(running, ids)
    assert device_last_seq(running, client.device_id) == 300
    assert_in_step(running, client, running.units["17000"])


def test_upload_cut_midway_applies_nothing_until_the_retry(running, devices, tmp_path):
    client = devices(tmp_path / "device.json")
    ids = create_many(client, 50, running.units["17000"])
    cut = running.proxy.next_index
    running.proxy.fault(cut, "cut_request", 0.5)

    with pytest.raises(NETWORK_ERRORS):
        client.sync()
    running.proxy.exchanges[cut].finished.wait(timeout=30)
    assert server_versions(running, ids) == {}
    assert device_last_seq(running, client.device_id) == 0
    report = client.sync()

    assert [r["status"] for r in report.results] == ["applied"] * 50
    assert_created_once(running, ids)
    assert_in_step(running, client, running.units["17000"])


def test_response_cut_midway_is_retried_as_duplicates(running, devices, tmp_path):
    client = devices(tmp_path / "device.json")
    ids = create_many(client, 20, running.units["17000"])
    cut = running.proxy.next_index
    running.proxy.fault(cut, "cut", 0.5)

    with pytest.raises(NETWORK_ERRORS):
        client.sync()
    exchange = running.proxy.exchanges[cut]
    assert len(exchange.response_head) < exchange.delivered  # cut inside the body
    assert exchange.response_json()["last_seq"] == 20  # the server had committed the batch
    report = client.sync()

    # §4.2: the retry learns what the lost answer said.
    first = exchange.response_json()["results"]
    assert report.results == [{**r, "duplicate": True} for r in first]
    assert [r["status"] for r in first] == ["applied"] * 20
    assert_created_once(running, ids)
    assert device_last_seq(running, client.device_id) == 20
    assert_in_step(running, client, running.units["17000"])


def test_response_cut_after_commit_is_retried_with_the_first_results(running, devices, tmp_path):
    """§4.2, §4.6: a refusal and a RECORD_LOCKED conflict whose answer was lost still reach
    the phone on its retry, with the applied edit's version."""
    unit = running.units["17000"]
    officer = devices(tmp_path / "officer.json")
    reviewer = devices(tmp_path / "reviewer.json", username="lanhdao")
    locked, edited = new_model(officer, unit), new_model(officer, unit)
    officer.review("models", locked, "submit")
    officer.sync()
    reviewer.sync()
    reviewer.review("models", locked, "approve")
    reviewer.sync()
    officer.sync()
    refused = new_model(officer, unit, year_registered=1800)
    officer.edit("models", locked, {"name": "Sửa sau khi duyệt"})
    officer.edit("models", edited, {"locality": "Bản Huồi Mới"})
    cut = running.proxy.next_index
    running.proxy.fault(cut, "cut", 0.5)

    with pytest.raises(NETWORK_ERRORS):
        officer.sync()
    first = running.proxy.exchanges[cut].response_json()["results"]
    assert [(r["status"], r.get("code")) for r in first] == [
        ("rejected", "VALIDATION_FAILED"),
        ("conflict", "RECORD_LOCKED"),
        ("applied", None),
    ]
    report = officer.sync()

    assert report.results == [{**r, "duplicate": True} for r in first]
    assert officer.state.errors[f"models/{refused}"]["code"] == "VALIDATION_FAILED"
    assert officer.record("models", refused)["year_registered"] == 1800
    assert officer.record("models", locked)["name"] != "Sửa sau khi duyệt"
    assert any(c["record_id"] == locked for c in officer.state.conflicts.values())
    assert server_versions(running, [locked, edited, refused]) == {
        locked: (3, False),
        edited: (2, False),
    }
    assert audit_actions(running, [locked, edited]) == {
        locked: ["create", "submit", "approve", "conflict"],
        edited: ["create", "update"],
    }


def test_client_restarted_after_lost_response_doubles_and_loses_nothing(running, devices, tmp_path):
    unit = running.units["17000"]
    path = tmp_path / "device.json"
    first = devices(path)
    edited, deleted = new_model(first, unit), new_model(first, unit)
    first.sync()
    created = create_many(first, 10, unit)
    first.edit("models", edited, {"locality": "Bản Huồi Mới"})
    first.delete("models", deleted)
    dropped = running.proxy.next_index
    running.proxy.fault(dropped, "drop")

    with pytest.raises(NETWORK_ERRORS):
        first.sync()
    assert running.proxy.exchanges[dropped].response_json()["last_seq"] == 14
    first.transport.close()
    # The app restarts: a new client reads the device state back from its file.
    second = SyncClient(running.proxy.url, store=FileStore(str(path)), token=first.token)
    late = new_model(second, unit)  # typed after the restart, before the next sync
    try:
        report = second.sync()
    finally:
        second.transport.close()

    statuses = {r["seq"]: (r["status"], r.get("duplicate")) for r in report.results}
    assert statuses == {**dict.fromkeys(range(3, 15), ("applied", True)), 15: ("applied", None)}
    assert_created_once(running, [*created, late])
    assert server_versions(running, [edited, deleted]) == {edited: (2, False), deleted: (2, True)}
    assert audit_actions(running, [edited, deleted]) == {
        edited: ["create", "update"],
        deleted: ["create", "delete"],
    }
    assert second.record("models", edited)["locality"] == "Bản Huồi Mới"
    assert device_last_seq(running, first.device_id) == 15
    assert_in_step(running, second, unit)


def test_client_crashed_before_storing_response_resyncs_without_doubles(running, devices, tmp_path):
    unit = running.units["17000"]
    path = tmp_path / "device.json"
    first = devices(path)
    ids = create_many(first, 10, unit)

    class AppCrashError(Exception):
        """The app dies here."""

    saves = []

    def save_then_crash(state) -> None:
        # sync() saves once to mark the batch sent, then once to store the response.
        saves.append(state.cursor)
        if len(saves) == 2:
            raise AppCrashError
        FileStore.save(first.store, state)

    first.store.save = save_then_crash
    with pytest.raises(AppCrashError):
        first.sync()
    second = SyncClient(running.proxy.url, store=FileStore(str(path)), token=first.token)
    try:
        report = second.sync()
    finally:
        second.transport.close()

    assert [(r["status"], r["duplicate"]) for r in report.results] == [("applied", True)] * 10
    assert_created_once(running, ids)
    assert_in_step(running, second, unit)


def test_paged_pull_cut_resumes_after_the_stored_pages(running, devices, tmp_path):
    unit = running.units["17001"]
    writer = devices(tmp_path / "writer.json", username="canbo2")
    template = new_model(writer, unit)
    writer.sync()
    clone_records(running.database_url, "models", template, PULL_RECORDS - 1)
    reference = devices(tmp_path / "reference.json", username="canbo2", page_limit=PULL_PAGE)
    reference.transport.traffic = Traffic()
    reference.sync()  # the same pull with no fault, to compare the cost with
    # Signed in only now: the server closes a connection idle for its keep-alive time (15 s),
    # which a loaded machine's reference pull can outlast, and the cut would hit the wrong page.
    reader_path = tmp_path / "reader.json"
    reader = devices(reader_path, username="canbo2", page_limit=PULL_PAGE)
    reader.transport.traffic = Traffic()
    first = running.proxy.next_index
    running.proxy.fault(first + 2, "cut", 0.5)

    with pytest.raises(NETWORK_ERRORS):
        reader.sync()
    stored = FileStore(str(reader_path)).load()
    pages = running.proxy.exchanges[first : first + 2]
    assert stored.cursor == pages[1].response_json()["cursor"]
    kept = len(stored.records["models"])
    assert kept == sum(len(p.response_json()["changes"].get("models", [])) for p in pages)
    report = reader.sync()

    assert len(reader.state.records["models"]) == PULL_RECORDS
    assert kept + report.pulled == PULL_RECORDS  # no record came twice
    cursors = [e.request_json()["cursor"] for e in running.proxy.exchanges[first:]]
    assert cursors[2] == cursors[3] == stored.cursor  # only the cut page was asked again
    assert len(cursors) == len(set(cursors)) + 1
    assert reader.transport.traffic.requests == reference.transport.traffic.requests
    # Whole pages delivered equal those of the faultless pull; only the cut one was wasted.
    assert reader.transport.traffic.bytes_down == pytest.approx(
        reference.transport.traffic.bytes_down, rel=0.01
    )
    assert_in_step(running, reader, unit)
