"""Our server against pouchdb-server, side by side under the same load on the same machine.

Installs pouchdb-server and the PouchDB client from the npm registry into a folder under the
system's temporary directory (kept between runs; ``--fresh`` installs again), then, for each
side in turn and phase by phase:

- the server is pinned to core 0 (``sched_setaffinity`` on gunicorn's master and workers and on
  the PostgreSQL backends serving its database; pouchdb-server's node process and its
  on-disk LevelDB), the driver to core 1;
- the same number of devices, each signed in for its own commune, syncs back to back with no
  think time (closed loop): nothing to sync; pushes of 10 new records with the pull half (our
  one request; PouchDB's ``sync``) and, for the peer, without it (``replicate.to``);
- the records are the same: bench.sync_loopback's varied models, as JSON documents for PouchDB;
- CPU time comes from /proc for the server's processes and the database's backends over the
  phase, and is divided by syncs and records.

Ratios (ours against the peer's) are printed and appended to docs/BENCHMARKS.md.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import http.client
import json
import multiprocessing
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench import load, report
from bench.live import LiveServer, free_port
from bench.sync_loopback import make_model

DATABASE = "sotay_perf_peer"
PEER_PACKAGES = ("pouchdb-server@4.2.0", "pouchdb@9.0.0", "pouchdb-adapter-memory@9.0.0")
INSTALL_DIR = Path(tempfile.gettempdir()) / "sotay-bench-peer-4.2.0-9.0.0"
NPM_TIMEOUT_S = 900
SERVER_CORE = 0
DRIVER_CORE = 1
TEMPLATES = 40
START_TIMEOUT_S = 60
# Between the driver's "ready" and the phase's start.
SETUP_S = 1.0
GRACE_S = 60.0
TARGET_RATIO = 3.0
TARGET_P99_MS = 250


@dataclass
class Run(load.Rates):
    """One side's phase: what the driver counted and what the server and database spent."""

    side: str
    phase: str
    seconds: float
    syncs: int = 0
    records: int = 0
    errors: int = 0
    requests: int = 0
    latencies: list[float] = field(default_factory=list)
    first_errors: list[str] = field(default_factory=list)
    server_cpu: float = 0.0
    database_cpu: float = 0.0

    def cpu_ms(self, per: str = "sync") -> float:
        """Return server plus database CPU milliseconds per sync or per record."""
        count = self.records if per == "record" else self.syncs
        return (self.server_cpu + self.database_cpu) * 1000 / count if count else float("nan")


# --- installing the peer ----------------------------------------------------------------------


def install_peer(fresh: bool = False) -> Path:
    """Install pouchdb-server and the PouchDB client from npm; return the folder."""
    marker = INSTALL_DIR / "installed"
    if fresh and INSTALL_DIR.exists():
        shutil.rmtree(INSTALL_DIR)
    if marker.exists():
        return INSTALL_DIR
    INSTALL_DIR.mkdir(parents=True, exist_ok=True)
    (INSTALL_DIR / "package.json").write_text('{"private": true}\n', encoding="utf-8")
    print(f"Installing {', '.join(PEER_PACKAGES)} into {INSTALL_DIR}…", file=sys.stderr)
    subprocess.run(
        ["npm", "install", "--no-audit", "--no-fund", "--loglevel=error", *PEER_PACKAGES],
        cwd=INSTALL_DIR,
        check=True,
        timeout=NPM_TIMEOUT_S,
    )
    marker.write_text(" ".join(PEER_PACKAGES) + "\n", encoding="utf-8")
    return INSTALL_DIR


def pin(pids: list[int], core: int) -> None:
    """Pin processes and all their threads to one core."""
    for pid in pids:
        for tid in _threads(pid):
            with contextlib.suppress(OSError):  # gone meanwhile
                os.sched_setaffinity(tid, {core})


def _threads(pid: int) -> list[int]:
    try:
        return [int(t) for t in os.listdir(f"/proc/{pid}/task")]
    except OSError:
        return []


def _tree(pid: int) -> list[int]:
    """Return a process and its descendants."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            children = Path(f"/proc/{p}/task/{p}/children").read_text().split()
        except OSError:
            children = []
        todo.extend(int(c) for c in children)
    return out


# --- the peer's side ----------------------------------------------------------------------------


class PeerServer:
    """pouchdb-server on a loopback port with its LevelDB in a temporary folder."""

    def __init__(self, home: Path, data: Path):
        self.home, self.data = home, data
        self.port = free_port()
        self.process: subprocess.Popen | None = None
        self.log = data / "pouchdb-server.log"

    @property
    def url(self) -> str:
        """Return the base URL."""
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> PeerServer:
        binary = self.home / "node_modules" / ".bin" / "pouchdb-server"
        (self.data / "db").mkdir(exist_ok=True)
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [
                    str(binary),
                    *("--port", str(self.port), "--dir", str(self.data / "db")),
                    *("--config", str(self.data / "config.json"), "--no-color"),
                ],
                cwd=self.data,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.time() + START_TIMEOUT_S
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"pouchdb-server exited: {self.log.read_text()[-2000:]}")
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
            try:
                conn.request("GET", "/")
                if conn.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.3)
            finally:
                conn.close()
        else:
            raise RuntimeError("pouchdb-server did not answer")
        pin(self.pids(), SERVER_CORE)
        return self

    def pids(self) -> list[int]:
        """Return the server's process tree."""
        return _tree(self.process.pid) if self.process else []

    def __exit__(self, *exc) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def run_peer_phase(home: Path, server: PeerServer, phase: str, devices: int, seconds: float,
                   templates: list[dict]) -> Run:  # fmt: skip
    """Run one phase of PouchDB devices against pouchdb-server."""
    spec = {
        "url": server.url,
        "devices": devices,
        "phase": phase,
        "batch": load.PUSH_BATCH,
        "templates": templates,
        "seconds": seconds,
    }
    driver = subprocess.Popen(
        ["node", str(Path(__file__).with_name("peer_driver.cjs")), json.dumps(spec)],
        cwd=home,
        env={**os.environ, "NODE_PATH": str(home / "node_modules")},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: os.sched_setaffinity(0, {DRIVER_CORE}),
    )
    try:
        run = Run("pouchdb-server", phase, seconds)
        # The devices' set-up (databases, a first sync each) takes long on a busy machine: the
        # phase starts once the driver says every device is ready.
        line = driver.stderr.readline()
        if line.strip() != "ready":
            raise RuntimeError(f"PouchDB driver failed: {line}{driver.stderr.read()[-2000:]}")
        start = time.time() + SETUP_S
        driver.stdin.write(f"{start}\n")
        driver.stdin.flush()
        time.sleep(max(0.0, start - time.time()))
        pin(server.pids(), SERVER_CORE)  # threads it started since
        before = load.cpu_seconds(server.pids())
        time.sleep(max(0.0, start + seconds - time.time()))
        run.server_cpu = load.cpu_seconds(server.pids()) - before
        out, err = driver.communicate(timeout=GRACE_S + seconds)
    finally:
        if driver.poll() is None:
            driver.kill()
            driver.wait(timeout=10)
    if driver.returncode != 0:
        raise RuntimeError(f"PouchDB driver failed: {err[-2000:]}")
    result = json.loads(out)
    for key in ("syncs", "records", "errors", "requests", "latencies", "first_errors"):
        setattr(run, key, result[key])
    return run


def run_peer(devices: int, seconds: float, fresh: bool) -> list[Run]:
    """Install and start pouchdb-server, run the phases, stop it."""
    home = install_peer(fresh)
    rng = random.Random(1)
    templates = [make_model(rng, 0) for _ in range(TEMPLATES)]
    for t in templates:
        t.pop("id")
    runs = []
    with (
        tempfile.TemporaryDirectory(prefix="sotay-bench-peer-") as tmp,
        PeerServer(home, Path(tmp)) as server,
    ):
        for phase in ("idle", "push", "push-only"):
            print(f"pouchdb-server, {phase}: {devices} devices, {seconds:.0f} s…",
                  file=sys.stderr, flush=True)  # fmt: skip
            runs.append(run_peer_phase(home, server, phase, devices, seconds, templates))
    return runs


# --- our side -----------------------------------------------------------------------------------


def run_ours(pg_url: str, devices: int, seconds: float) -> list[Run]:
    """Start gunicorn on PostgreSQL pinned to core 0 and run the load phases from core 1."""
    os.sched_setaffinity(0, {DRIVER_CORE})  # the driver's processes inherit it
    url, codes = load.prepare(pg_url, devices, DATABASE)
    settings = report.gunicorn_settings()
    runs = []
    with (
        tempfile.TemporaryDirectory(prefix="sotay-bench-peer-") as tmp,
        LiveServer(url, Path(tmp) / "gunicorn.log", workers=settings["workers"]) as server,
    ):
        pin(_tree(server.process.pid), SERVER_CORE)
        tokens = load.sign_in(server.url, codes)
        for phase in ("idle", "push"):
            print(f"ours, {phase}: {devices} devices, {seconds:.0f} s…", file=sys.stderr,
                  flush=True)  # fmt: skip
            workers = server.worker_pids()
            # Backends open as the driver connects; the ones from sign-in are pinned now.
            pin(load.backend_pids(url), SERVER_CORE)
            phase_run = _our_phase(server, url, tokens, phase, seconds, workers)
            runs.append(phase_run)
    return runs


def _our_phase(server, url, tokens, phase, seconds, workers) -> Run:
    """Run one phase of our devices once every group of them is warm."""
    processes = load.PROCESSES
    groups = [g for g in (tokens[i::processes] for i in range(processes)) if g]
    ctx = multiprocessing.get_context("spawn")
    with (
        ctx.Manager() as manager,
        concurrent.futures.ProcessPoolExecutor(processes, mp_context=ctx) as pool,
    ):
        ready, go = manager.Queue(), manager.Queue()
        futures = [
            pool.submit(load.run_process, server.url, g, phase, 0.0, 0.0, (ready, go))
            for g in groups
        ]
        for _ in groups:
            ready.get(timeout=load.GATE_TIMEOUT_S)
        start = time.time() + SETUP_S
        for _ in groups:
            go.put((start, start + seconds))
        time.sleep(max(0.0, start - time.time()))
        backends = load.backend_pids(url)
        pin(backends, SERVER_CORE)
        pin(_tree(server.process.pid), SERVER_CORE)
        before = load.cpu_seconds(workers), load.cpu_seconds(backends)
        time.sleep(max(0.0, start + seconds - time.time()))
        run = Run("ours", phase, seconds)
        run.server_cpu = load.cpu_seconds(workers) - before[0]
        run.database_cpu = load.cpu_seconds(backends) - before[1]
        results = [f.result(timeout=seconds + 2 * load.GRACE_S + 60) for f in futures]
    for r in results:
        run.syncs += r["syncs"]
        run.records += r["records"]
        run.errors += r["errors"]
        run.latencies.extend(r["latencies"])
        run.first_errors.extend(r["first_errors"])
    run.requests = run.syncs  # one request per sync (PROTOCOL.md §2)
    return run


# --- report -------------------------------------------------------------------------------------


def markdown(ours: list[Run], peer: list[Run], devices: int, command: str) -> str:
    """Return the side-by-side run as a Markdown section for docs/BENCHMARKS.md."""
    names = {
        "idle": "nothing to sync",
        "push": f"push {load.PUSH_BATCH} new records, with the pull half",
        "push-only": f"push {load.PUSH_BATCH} new records, push half only",
    }
    rows = [
        "| phase | side | syncs/s | records/s | requests/sync | p50 | p99 | server CPU/op "
        "| database CPU/op | CPU/record | errors |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for run in [*ours, *peer]:
        per_record = f"{run.cpu_ms('record'):.2f} ms" if run.records else ""
        rows.append(
            f"| {names[run.phase]} | {run.side} | {run.per_second:,.0f} | "
            f"{run.records_per_second:,.0f} | {run.requests / max(run.syncs, 1):.1f} | "
            f"{run.percentile(50):.0f} ms | {run.percentile(99):.0f} ms | "
            f"{run.server_cpu * 1000 / max(run.syncs, 1):.2f} ms | "
            f"{run.database_cpu * 1000 / max(run.syncs, 1):.2f} ms | {per_record} | "
            f"{run.errors} |"
        )
    ratios = ["| measure | ours ÷ peer | target | met |", "|---|---:|---|---|"]
    missed = []
    mine = {r.phase: r for r in ours}
    theirs = {r.phase: r for r in peer}

    def ratio(label: str, got: float, want: float, target: str, ok: bool | None) -> None:
        value = f"{got / want:.2f}" if want else "— (the peer did none)"
        ratios.append(f"| {label} | {value} | {target} | {report.mark(ok)} |")
        if ok is False:
            missed.append(f"- {label}: {value} × the peer's ({target}).")

    idle, pidle = mine["idle"], theirs["idle"]
    ratio("idle syncs/s", idle.per_second, pidle.per_second, "≥ 3",
          idle.per_second >= TARGET_RATIO * pidle.per_second)  # fmt: skip
    ratio("idle CPU per sync (server + database)", idle.cpu_ms(), pidle.cpu_ms(), "",
          None)  # fmt: skip
    push, ppush = mine["push"], theirs["push"]
    ratio("records/s, pushes of 10 with the pull", push.records_per_second,
          ppush.records_per_second, "≥ 3",
          push.records_per_second >= TARGET_RATIO * ppush.records_per_second)  # fmt: skip
    ratio("CPU per record, with the pull", push.cpu_ms("record"), ppush.cpu_ms("record"), "≤ 0.33",
          push.cpu_ms("record") * TARGET_RATIO <= ppush.cpu_ms("record"))  # fmt: skip
    if "push-only" in theirs:
        only = theirs["push-only"]
        ratio("records/s, ours with the pull against the peer's push half only",
              push.records_per_second, only.records_per_second, "",
              None)  # fmt: skip
    p99 = {r.phase: r.percentile(99) for r in ours}
    for phase, value in p99.items():
        if value > TARGET_P99_MS:
            missed.append(f"- {names[phase]}: our p99 {value:.0f} ms against {TARGET_P99_MS} ms.")
    body = [
        f"{devices} devices, closed loop (no think time), one commune each; the server pinned to "
        f"core {SERVER_CORE} (for ours, gunicorn's master and workers and the PostgreSQL "
        f"backends of its database; for the peer, pouchdb-server's node process and its "
        f"LevelDB), the driver pinned to core {DRIVER_CORE}. Ours: `SyncClient` threads in "
        f"{load.PROCESSES} processes, one keep-alive connection each. Peer: "
        f"{', '.join(PEER_PACKAGES)}, one in-memory PouchDB per device replicating with its "
        "own database (`sync` for both halves, `replicate.to` for the push half). The same "
        "varied model records on both sides. CPU from /proc over the phase; per record = "
        "(server + database CPU) ÷ records ingested.",
        "",
        *rows,
        "",
        *ratios,
        "",
        "Targets missed:",
        "",
        *(missed or ["- none"]),
        "",
    ]
    return report.section("Side by side with pouchdb-server: one server core, closed loop",
                          command, report.machine(), body)  # fmt: skip


def run(
    pg_url: str, devices: int, seconds: float, fresh: bool = False
) -> tuple[list[Run], list[Run]]:
    """Run both sides and return the Markdown section."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        raise SystemExit("bench peer needs Node.js and npm")
    if len(os.sched_getaffinity(0)) < 2:
        raise SystemExit("bench peer needs two cores: one for the server, one for the driver")
    affinity = os.sched_getaffinity(0)
    peer = run_peer(devices, seconds, fresh)
    try:
        ours = run_ours(pg_url, devices, seconds)
    finally:
        os.sched_setaffinity(0, affinity)
    return ours, peer
