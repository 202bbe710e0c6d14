"""Time other users' requests while sign-ins with made-up names flood the server.

gunicorn (gunicorn.conf.py as committed, one worker per core) serves the database on
127.0.0.1. Signed-in users sync back to back (one idle sync each, a short pause between), first
alone, then while ``--attackers`` threads in another process post sign-ins with random user
names, each from its own loopback address, so neither the per-address nor the per-name limit
cuts in: only the hashing budget stands between the flood and everyone else.
"""

from __future__ import annotations

import http.client
import json
import multiprocessing
import statistics
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from bench import report
from bench.live import (
    LIVE_PASSWORD,
    LiveServer,
    create_user,
    migrate,
    reset_postgres_database,
    seed_units,
)
from sync.client import MemoryStore, SyncClient

DATABASE = "sotay_bench_signin"
ATTACKERS = 16
USERS = 4
PHASE_SECONDS = 15.0
PAUSE_S = 0.05
REQUEST_TIMEOUT_S = 30.0
TARGET_P99_MS = 100.0
UNITS = [("TW", "Trung ương", "TRUNG_UONG", None), ("17000", "Xã Nậm Cắn", "XA", "TW")]


@dataclass
class Phase:
    """Latencies of the users' syncs in one phase, and what the flood got."""

    name: str
    latencies_ms: list[float] = field(default_factory=list)
    errors: int = 0
    flood: Counter = field(default_factory=Counter)

    def percentile(self, q: float) -> float:
        """Return a latency percentile in milliseconds."""
        if not self.latencies_ms:
            return float("nan")
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _attack(port: int, index: int, stop_at: float, out) -> None:
    """Post sign-ins with random names from one loopback address until stop_at."""
    codes: Counter = Counter()
    address = f"127.0.9.{index + 1}"
    while time.time() < stop_at:
        body = json.dumps(
            {"username": f"x{uuid.uuid4().hex[:12]}", "password": "doan", "device_name": "b"}
        )
        conn = http.client.HTTPConnection(
            "127.0.0.1", port, timeout=REQUEST_TIMEOUT_S, source_address=(address, 0)
        )
        try:
            conn.request("POST", "/api/v1/auth/login", body, {"Content-Type": "application/json"})
            response = conn.getresponse()
            data = json.loads(response.read() or b"{}")
            codes[data.get("error", {}).get("code", str(response.status))] += 1
        except OSError as exc:
            codes[type(exc).__name__] += 1
        finally:
            conn.close()
    out.put(dict(codes))


def _flood(port: int, attackers: int, stop_at: float, out) -> None:
    """Run the attackers as threads of one process, so they do not share the timers' GIL."""
    threads = [
        threading.Thread(target=_attack, args=(port, i, stop_at, out)) for i in range(attackers)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def _time_syncs(device: SyncClient, stop_at: float, phase: Phase, lock: threading.Lock) -> None:
    while time.time() < stop_at:
        started = time.perf_counter()
        try:
            device.sync()
        except Exception:  # a failed request is counted, not fatal
            with lock:
                phase.errors += 1
        else:
            with lock:
                phase.latencies_ms.append((time.perf_counter() - started) * 1000)
        time.sleep(PAUSE_S)


def _phase(name: str, devices: list[SyncClient], seconds: float, port: int, attackers: int):
    phase = Phase(name)
    lock = threading.Lock()
    stop_at = time.time() + seconds
    queue = multiprocessing.Queue()
    flood = None
    if attackers:
        flood = multiprocessing.Process(target=_flood, args=(port, attackers, stop_at, queue))
        flood.start()
        time.sleep(1.0)  # let the flood reach full strength before timing
    timers = [threading.Thread(target=_time_syncs, args=(d, stop_at, phase, lock)) for d in devices]
    for timer in timers:
        timer.start()
    for timer in timers:
        timer.join()
    if flood is not None:
        for _ in range(attackers):
            phase.flood.update(queue.get(timeout=REQUEST_TIMEOUT_S * 2))
        flood.join(REQUEST_TIMEOUT_S)
    return phase


def run(pg_url: str, db: str, attackers: int, users: int, seconds: float) -> list[Phase]:
    """Start the server, sign the users in, then time a quiet phase and a flooded one."""
    tmp = Path(tempfile.mkdtemp(prefix="bench-signin-"))
    if db == "postgres":
        url = reset_postgres_database(pg_url, DATABASE)
    else:
        url = "sqlite:///" + str(tmp / "signin.sqlite3")
    migrate(url)
    seed_units(url, UNITS)
    names = [f"canbo{n}" for n in range(users)]
    for name in names:
        create_user(url, name, "17000", "CAN_BO_NHAP")
    # One worker per core, as gunicorn.conf.py gives the machine.
    workers = multiprocessing.cpu_count()
    env = {"LOGIN_SLOT_DIR": str(tmp / "slots")}
    server = LiveServer(url, tmp / "gunicorn.log", workers=workers, env=env)
    server.start()
    devices = []
    try:
        for name in names:
            device = SyncClient(server.url, store=MemoryStore())
            device.login(name, LIVE_PASSWORD, device_name="bench")
            device.sync()
            devices.append(device)
        quiet = _phase("alone", devices, seconds, server.port, 0)
        flooded = _phase(f"{attackers} parallel sign-ins", devices, seconds, server.port, attackers)
        return [quiet, flooded]
    finally:
        for device in devices:
            device.transport.close()
        server.stop()


def markdown(phases: list[Phase], db: str, attackers: int, seconds: float, command: str) -> str:
    """Render the run as a BENCHMARKS.md section."""
    info = report.machine()
    info["Database"] = info["Database"] if db == "postgres" else "SQLite (one file, WAL)"
    info["Note"] = (
        "the machine is shared with other jobs (its load average is above); the numbers are "
        "an upper bound for a quiet 2-core server"
    )
    body = [
        f"Each user syncs (one idle request) every {PAUSE_S * 1000:.0f} ms on a kept-alive "
        f"connection, {seconds:.0f} s per phase; the flood posts sign-ins with random names, "
        f"{attackers} at a time, each from its own loopback address.",
        "",
        "| phase | syncs | p50 ms | p99 ms | max ms | errors | sign-in answers | p99 ≤ "
        f"{TARGET_P99_MS:.0f} ms |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for phase in phases:
        answers = ", ".join(f"{k} {v}" for k, v in sorted(phase.flood.items())) or "—"
        p99 = phase.percentile(0.99)
        body.append(
            f"| {phase.name} | {len(phase.latencies_ms)} | {phase.percentile(0.5):.1f} | "
            f"{p99:.1f} | {max(phase.latencies_ms, default=float('nan')):.1f} | {phase.errors} "
            f"| {answers} | {report.mark(p99 <= TARGET_P99_MS)} |"
        )
    if phases and phases[-1].latencies_ms:
        mean = statistics.fmean(phases[-1].latencies_ms)
        body += ["", f"Mean sync under the flood: {mean:.1f} ms."]
    title = f"Sign-in flood: other users' syncs ({'PostgreSQL' if db == 'postgres' else 'SQLite'})"
    return report.section(title, command, info, body)
