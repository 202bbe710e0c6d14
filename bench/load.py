"""Load the real server with many simulated devices on loopback, phase by phase, time-bounded.

gunicorn (gunicorn.conf.py as committed) serves PostgreSQL on 127.0.0.1; each device is a
``SyncClient`` with its own keep-alive connection, signed in as the officer of its own commune
(so one device's pushes are not another's pulls). Devices run as threads spread over a few
processes, so the client side is not held to one core by the GIL; they share the machine's
two cores with the server, as a load test on one machine must.

Phases, each ``--seconds`` long: nothing-to-sync syncs back to back; then pushes of 10 new
records. Each reports completed syncs per second, records per second, p50/p99 latency and
errors (exceptions, HTTP errors, mutations not applied).
"""

from __future__ import annotations

import concurrent.futures
import multiprocessing
import os
import random
import statistics
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from bench import dataset, report
from bench.driver import KeepStore
from bench.live import (
    LIVE_PASSWORD,
    LiveServer,
    migrate,
    reset_postgres_database,
    seed_units,
)
from bench.sync_loopback import make_model
from sync.client import SyncClient

DATABASE = "sotay_bench_load"
DEVICES = 50
PROCESSES = 4
PHASE_SECONDS = 20.0
PUSH_BATCH = 10
TEMPLATES = 40
PROVINCE = "40"
FIRST_COMMUNE = 18000
# Processes start together at a moment this far ahead, once every one has its devices ready.
START_DELAY_S = 3.0
# A phase's stragglers get this long past its end before they count as errors.
GRACE_S = 30.0
REQUEST_TIMEOUT_S = 30.0
LOGIN_THREADS = 8
GATE_TIMEOUT_S = 600.0
TARGET_IDLE_PER_S = 500
TARGET_RECORDS_PER_S = 3000
TARGET_P99_MS = 250


class Rates:
    """Rates and latency percentiles of a measured phase (syncs, records, seconds, latencies)."""

    syncs: int
    records: int
    seconds: float
    latencies: list[float]

    @property
    def per_second(self) -> float:
        """Return completed syncs per second."""
        return self.syncs / self.seconds

    @property
    def records_per_second(self) -> float:
        """Return records ingested per second."""
        return self.records / self.seconds

    def percentile(self, p: float) -> float:
        """Return the p-th percentile latency in milliseconds."""
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        index = min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))
        return ordered[index] * 1000


@dataclass
class Phase(Rates):
    """What one phase measured."""

    name: str
    seconds: float
    syncs: int
    records: int
    errors: int
    latencies: list[float]
    first_errors: list[str]
    # CPU seconds the gunicorn workers and the PostgreSQL backends used during the phase.
    server_cpu: float = 0.0
    database_cpu: float = 0.0

    def cpu_ms(self, seconds: float) -> float:
        """Return CPU milliseconds per completed sync."""
        return seconds * 1000 / self.syncs if self.syncs else float("nan")


def _device_loop(client: SyncClient, unit_id: int, phase: str, start: float, end: float,
                 seed: int, out: dict) -> None:  # fmt: skip
    """Sync one device back to back from start to end; record latencies and errors."""
    rng = random.Random(seed)
    # Varied records are made before the clock starts and reused under fresh ids, so the
    # client's own work stays small next to the server's.
    templates = [make_model(rng, unit_id) for _ in range(TEMPLATES)] if phase == "push" else []
    time.sleep(max(0.0, start - time.time()))
    # Bounded by the phase's end (and each request by the transport's timeout).
    while time.time() < end:
        for data in rng.sample(templates, PUSH_BATCH) if templates else ():
            client.create("models", {**data, "id": str(uuid.uuid4())})
        began = time.perf_counter()
        try:
            result = client.sync(batch=PUSH_BATCH)
        except Exception as exc:  # every failure is counted; none stops the load
            out["errors"] += 1
            if len(out["first_errors"]) < 3:
                out["first_errors"].append(repr(exc)[:200])
            client.state.outbox.clear()
            client.transport.close()
            continue
        out["latencies"].append(time.perf_counter() - began)
        out["syncs"] += 1
        bad = [r for r in result.results if r["status"] != "applied"]
        out["records"] += len(result.results) - len(bad)
        if bad or (phase == "idle" and result.pulled):
            out["errors"] += 1
            if len(out["first_errors"]) < 3:
                out["first_errors"].append(str(bad[:1] or f"pulled {result.pulled}"))


def run_process(url: str, devices: list[tuple[str, int]], phase: str, start: float, end: float,
                gate=None):  # fmt: skip
    """Run a group of devices (token, unit id) as threads; return their merged results.

    With a gate (a pair of queues), the group reports ready once its devices are warm and takes
    the phase's start and end from the second queue instead of the arguments.
    """
    out = {"syncs": 0, "records": 0, "errors": 0, "latencies": [], "first_errors": []}
    clients = []
    for token, _unit_id in devices:
        client = SyncClient(url, store=KeepStore(), token=token, app_version="bench-load")
        client.transport.timeout = REQUEST_TIMEOUT_S
        client.sync()  # up to date, connection open: the phase starts warm
        clients.append(client)
    if gate is not None:
        ready, go = gate
        ready.put(len(clients))
        start, end = go.get(timeout=GATE_TIMEOUT_S)
    shares = [
        {"syncs": 0, "records": 0, "errors": 0, "latencies": [], "first_errors": []}
        for _ in clients
    ]
    threads = [
        threading.Thread(
            target=_device_loop, args=(c, dev[1], phase, start, end, i, s), daemon=True
        )
        for i, (c, dev, s) in enumerate(zip(clients, devices, shares, strict=True))
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=end - time.time() + GRACE_S)
    for s in shares:
        for key in ("syncs", "records", "errors"):
            out[key] += s[key]
        out["latencies"].extend(s["latencies"])
        out["first_errors"].extend(s["first_errors"][: 3 - len(out["first_errors"])])
    out["errors"] += sum(t.is_alive() for t in threads)  # still stuck past the grace period
    for c in clients:
        c.transport.close()
    return out


def prepare(pg_url: str, devices: int, database: str = DATABASE) -> tuple[str, list[str]]:
    """Build the load database: one commune and one officer per device."""
    url = reset_postgres_database(pg_url, database)
    migrate(url)
    codes = [str(FIRST_COMMUNE + i) for i in range(devices)]
    units = [("TW", "Trung ương", "TRUNG_UONG", None), (PROVINCE, "Tỉnh Nghệ An", "TINH", "TW")]
    units += [(code, f"Xã Tải {code}", "XA", PROVINCE) for code in codes]
    seed_units(url, units)
    dataset.create_people(url, codes)
    return url, codes


def sign_in(url: str, codes: list[str]) -> list[tuple[str, int]]:
    """Sign a device in for each commune's officer; return tokens and unit ids."""

    def one(code: str) -> tuple[str, int]:
        client = SyncClient(url, store=KeepStore())
        client.login(f"xa.{code}", LIVE_PASSWORD, device_name=f"load-{code}")
        client.transport.close()
        return client.token, client.user["unit"]["id"]

    with concurrent.futures.ThreadPoolExecutor(LOGIN_THREADS) as pool:
        return list(pool.map(one, codes))


def cpu_seconds(pids: list[int]) -> float:
    """Return the CPU time (user + system) the given processes have used so far."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # gone: its time is lost, which only makes the figure smaller
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def backend_pids(database_url: str) -> list[int]:
    """Return the pids of the PostgreSQL backends serving the load database."""
    with dataset._connect(database_url) as conn:
        rows = conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
            " AND pid <> pg_backend_pid()"
        ).fetchall()
    return [r[0] for r in rows]


def run_phase(url: str, tokens: list, phase: str, seconds: float, processes: int) -> Phase:
    """Run one phase over every device, spread across processes."""
    groups = [tokens[i::processes] for i in range(processes)]
    start = time.time() + START_DELAY_S + 0.05 * len(tokens)
    end = start + seconds
    ctx = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(processes, mp_context=ctx) as pool:
        futures = [pool.submit(run_process, url, g, phase, start, end) for g in groups if g]
        results = [f.result(timeout=seconds + START_DELAY_S + 2 * GRACE_S + 60) for f in futures]
    merged = Phase(phase, seconds, 0, 0, 0, [], [])
    for r in results:
        merged.syncs += r["syncs"]
        merged.records += r["records"]
        merged.errors += r["errors"]
        merged.latencies.extend(r["latencies"])
        merged.first_errors.extend(r["first_errors"])
    return merged


def run(pg_url: str, devices: int, seconds: float, processes: int) -> list[Phase]:
    """Start the server, sign the devices in, run both phases, stop everything."""
    print("Preparing the load database…", file=sys.stderr, flush=True)
    url, codes = prepare(pg_url, devices)
    settings = report.gunicorn_settings()
    # Workers as gunicorn.conf.py computes them (LiveServer passes WEB_CONCURRENCY).
    with (
        tempfile.TemporaryDirectory(prefix="sotay-bench-load-") as tmp,
        LiveServer(url, Path(tmp) / "gunicorn.log", workers=settings["workers"]) as server,
    ):
        tokens = sign_in(server.url, codes)
        phases = []
        for phase in ("idle", "push"):
            print(f"Phase {phase}: {devices} devices, {seconds:.0f} s…", file=sys.stderr)
            # The workers' and backends' CPU before and after says what one sync costs.
            workers, backends = server.worker_pids(), backend_pids(url)
            before = cpu_seconds(workers), cpu_seconds(backends)
            result = run_phase(server.url, tokens, phase, seconds, processes)
            backends = sorted(set(backends) | set(backend_pids(url)))
            result.server_cpu = cpu_seconds(workers) - before[0]
            result.database_cpu = cpu_seconds(backends) - before[1]
            phases.append(result)
    return phases


def markdown(phases: list[Phase], devices: int, processes: int, command: str) -> str:
    """Return the run as a Markdown section for docs/BENCHMARKS.md."""
    idle, push = phases
    rows = [
        "| phase | syncs | syncs/s | records/s | p50 | p99 | errors | target | met |",
        "|---|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    checks = {
        "idle": (
            f"≥ {TARGET_IDLE_PER_S}/s, p99 ≤ {TARGET_P99_MS} ms, 0 errors",
            idle.per_second >= TARGET_IDLE_PER_S,
        ),
        "push": (
            f"≥ {TARGET_RECORDS_PER_S:,} records/s, p99 ≤ {TARGET_P99_MS} ms, 0 errors",
            push.records_per_second >= TARGET_RECORDS_PER_S,
        ),
    }
    names = {"idle": "nothing to sync", "push": f"push {PUSH_BATCH} new records"}
    missed = []
    for p in phases:
        target, rate_ok = checks[p.name]
        p99_ok = p.percentile(99) <= TARGET_P99_MS
        ok = rate_ok and p99_ok and p.errors == 0
        rows.append(
            f"| {names[p.name]} | {p.syncs:,} | {p.per_second:,.0f} | {p.records_per_second:,.0f} "
            f"| {p.percentile(50):.0f} ms | {p.percentile(99):.0f} ms | {p.errors} | {target} "
            f"| {report.mark(ok)} |"
        )
        if not rate_ok:
            got, want, unit = (
                (p.per_second, TARGET_IDLE_PER_S, "syncs/s")
                if p.name == "idle"
                else (p.records_per_second, TARGET_RECORDS_PER_S, "records/s")
            )
            missed.append(
                f"- {names[p.name]}: {got:,.0f} {unit} against {want:,} "
                f"({got / want:.0%} of the target)."
            )
        if not p99_ok:
            missed.append(
                f"- {names[p.name]}: p99 {p.percentile(99):.0f} ms against {TARGET_P99_MS} ms."
            )
        if p.errors:
            missed.append(f"- {names[p.name]}: {p.errors} errors, e.g. {p.first_errors[:2]}.")
    mean = {p.name: statistics.fmean(p.latencies) * 1000 if p.latencies else 0 for p in phases}
    cpu = [
        f"{names[p.name]}: gunicorn workers {p.cpu_ms(p.server_cpu):.1f} ms and PostgreSQL "
        f"{p.cpu_ms(p.database_cpu):.1f} ms of CPU per sync ({p.server_cpu:.1f} s and "
        f"{p.database_cpu:.1f} s over the phase, of the {2 * p.seconds:.0f} CPU-seconds two "
        "cores offer)"
        for p in phases
    ]
    body = [
        f"{devices} devices (one officer and commune each; `SyncClient` threads in "
        f"{processes} processes, each with its own keep-alive connection) against gunicorn and "
        f"PostgreSQL on 127.0.0.1, {idle.seconds:.0f} s per phase, back to back with no think "
        "time. Clients and server share the machine's CPUs. Latency is the client's, per sync "
        f"(one request). Mean latency: idle {mean['idle']:.0f} ms, push {mean['push']:.0f} ms.",
        "",
        *rows,
        "",
        "CPU per sync, from /proc (the rest of the machine's CPU went to the clients, the "
        "kernel and whatever else ran on it):",
        "",
        *(f"- {line}." for line in cpu),
        "",
        "Targets missed:",
        "",
        *(missed or ["- none"]),
        "",
    ]
    return report.section("Server load: simulated devices on loopback", command,
                          report.machine(), body)  # fmt: skip
