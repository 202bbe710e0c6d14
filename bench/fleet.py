"""A fleet of phones against two app servers behind a faulty balancer, then every invariant.

    python -m bench fleet --seed 7 --steps 120 --db sqlite --devices 8
    python -m bench fleet --minutes 30 --db postgres

Devices (officers and reviewers) work and sync concurrently through `sync.client.SyncClient`;
an administrator moves records between communes and a commune between provinces; the
balancer drops answers, sends requests twice, cuts uploads and kills workers (bench/
fleet_proxy.py). Then faults stop, every device settles, fresh devices pull, and
bench/fleet_check.py compares. Each device's steps come from the seed; the interleaving of
threads does not, so a failing seed is replayed, and usually fails again, not always alike.
"""

from __future__ import annotations

import contextlib
import re
import shutil
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from bench import fleet_check
from bench.fleet_actors import NETWORK_ERRORS, AdminActor, DeviceActor, Options, Stats
from bench.fleet_devices import FleetClient, Trace
from bench.fleet_proxy import ProxyEvent
from bench.fleet_world import (
    ADMIN,
    USERS,
    device_users,
    drop_postgres_database,
    fleet_database,
    running_world,
)
from bench.live import LIVE_PASSWORD

SETTLE_ROUNDS = 4
SETTLE_RETRIES = 6
ADMIN_PAUSE_S = 0.15
TRACE_LINES = 20
EXAMPLES_PER_KIND = 3


@dataclass
class FleetConfig:
    """One fleet run: its seed, size, length and database."""

    seed: int = 1
    steps: int = 100
    devices: int = 8
    db: str = "sqlite"
    minutes: float | None = None
    pg_url: str | None = None
    pg_name: str = "sotay_bench_fleet"
    keep_db: bool = False
    options: Options = field(default_factory=Options)

    def replay(self, steps: int | None = None) -> str:
        """Return the command that runs this fleet again."""
        return (
            f"python -m bench fleet --seed {self.seed} --steps {steps or self.steps}"
            f" --devices {self.devices} --db {self.db}"
        )


@dataclass
class FleetOutcome:
    """What a run did and every invariant it broke."""

    config: FleetConfig
    summary: dict
    failures: list
    report: str

    @property
    def ok(self) -> bool:
        """Tell whether every invariant held."""
        return not self.failures


class _ProxyLog:
    """Keep the balancer's events in the trace, and the answers with a 5xx."""

    def __init__(self, trace: Trace):
        self.trace = trace
        self.server_errors: list[ProxyEvent] = []
        self.resets_dropped = 0
        self.lock = threading.Lock()

    def __call__(self, event: ProxyEvent) -> None:
        """Trace one forwarded request with what every copy of it was answered."""
        if event.fault == "drop_reset":
            with self.lock:
                self.resets_dropped += 1
        request = event.request if isinstance(event.request, dict) else {}
        mutations = [m for m in request.get("mutations") or [] if isinstance(m, dict)]
        ids = {m.get("seq"): str((m.get("data") or {}).get("id", "")) for m in mutations}
        statuses, parts = [], []
        for copy in event.copies:
            body = copy.body if isinstance(copy.body, dict) else {}
            results = body.get("results") if event.path.endswith("/sync") else None
            for r in results if isinstance(results, list) else []:
                if isinstance(r, dict):
                    version = f" v{r['version']}" if r.get("version") is not None else ""
                    code = f" {r['code']}" if r.get("code") else ""
                    code += " (replayed)" if r.get("duplicate") else ""
                    text = f"server {copy.server} answered seq {r.get('seq')} {r.get('status')}"
                    parts.append((ids.get(r.get("seq"), ""), text + version + code))
            error = (body.get("error") or {}).get("code") or copy.error or ""
            statuses.append(f"server {copy.server} -> {copy.status} {error}".strip())
            if copy.status is not None and copy.status >= 500:
                with self.lock:
                    self.server_errors.append(event)
        self.trace.add(
            "proxy",
            f"{event.tag} {event.path} fault={event.fault} delivered={event.delivered}: "
            + "; ".join(statuses),
            ids.values(),
            parts,
        )


def _settle(client_sync, name: str, trace: Trace) -> None:
    for attempt in range(SETTLE_RETRIES):
        try:
            client_sync()
            return
        except NETWORK_ERRORS as exc:
            trace.add(name, f"settle sync failed: {exc!r}")
            time.sleep(0.3 * (attempt + 1))


def _fresh_pull(world, username: str, trace: Trace) -> FleetClient:
    client = FleetClient(world.url, f"fresh-{username}", trace)
    client.login(username, LIVE_PASSWORD, device_name=f"fresh-{username}")
    _settle(client.sync, client.name, trace)
    return client


def _drive(devices: list[DeviceActor], admin: AdminActor, config: FleetConfig, stats: Stats):
    deadline = time.monotonic() + config.minutes * 60 if config.minutes else None
    steps = config.steps if deadline is None else 10**9
    done = threading.Event()
    errors: list[BaseException] = []

    def device_loop(actor: DeviceActor) -> None:
        try:
            for number in range(1, steps + 1):
                if deadline is not None and time.monotonic() > deadline:
                    break
                actor.step(number)
                with stats.lock:
                    stats.steps += 1
        except BaseException as exc:  # reported after the join, with the device's name
            errors.append(exc)
            actor.trace.add(actor.name, f"device crashed: {exc!r}")

    def admin_loop() -> None:
        number = 0
        try:
            while not done.wait(ADMIN_PAUSE_S):
                number += 1
                admin.step(number)
            admin.finish(number + 1)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=device_loop, args=(d,), name=d.name) for d in devices]
    admin_thread = threading.Thread(target=admin_loop, name="admin")
    admin_thread.start()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    done.set()
    admin_thread.join()
    if errors:
        raise errors[0]


def run(config: FleetConfig, out=print) -> FleetOutcome:
    """Run one fleet and check it; never leaves a process or a database behind."""
    tmp = Path(tempfile.mkdtemp(prefix="fleet-"))
    database_url = fleet_database(config.db, tmp, config.pg_url, config.pg_name)
    trace, stats = Trace(), Stats()
    proxy_log = _ProxyLog(trace)
    started = time.monotonic()
    try:
        with running_world(database_url, tmp, seed=config.seed, log=proxy_log) as world:
            users = device_users(config.devices)
            devices = [
                DeviceActor(i, u, world, trace, stats, config.seed, config.options)
                for i, u in enumerate(users)
            ]
            admin = AdminActor(world, trace, stats, config.seed)
            for actor in [*devices, admin]:
                actor.login()
            out(f"fleet: {len(devices)} devices on {config.db}, seed {config.seed}", flush=True)
            _drive(devices, admin, config, stats)
            driven = time.monotonic() - started
            trace.add("fleet", "faults stop; every device settles")
            world.proxy.drop_resets = False
            world.wait_ready()
            for _ in range(SETTLE_ROUNDS):
                for actor in devices:
                    actor.offline = 0
                    _settle(lambda a=actor: a.client.sync(), actor.name, trace)
            _settle(admin.client.sync, "admin", trace)
            with ThreadPoolExecutor(max_workers=4) as pool:
                names = sorted({*users, ADMIN})
                pulls = pool.map(lambda u: _fresh_pull(world, u, trace), names)
                fresh = dict(zip(names, pulls, strict=True))
            engine = create_engine(database_url, poolclass=NullPool)
            try:
                failures, summary = _check(world, devices, admin, fresh, engine, stats, proxy_log)
            finally:
                engine.dispose()
                for client in [*(d.client for d in devices), admin.client, *fresh.values()]:
                    client.transport.close()
            summary.update(
                seed=config.seed,
                db=config.db,
                devices=config.devices,
                steps_per_device=config.steps if not config.minutes else None,
                minutes=config.minutes,
                seconds_driving=round(driven, 1),
                seconds_total=round(time.monotonic() - started, 1),
                kills_done=world.kills,
                database=database_url if config.keep_db else "(dropped)",
                replay=config.replay(
                    max(1, stats.steps // max(1, config.devices)) if config.minutes else None
                ),
            )
            report = render(summary, failures, trace)
            if summary["server_error"]:
                report += "\n\nserver logs:\n" + "\n".join(_errors_logged(tmp))
            out(report, flush=True)
            return FleetOutcome(config, summary, failures, report)
    finally:
        if config.db == "postgres" and not config.keep_db:
            with contextlib.suppress(Exception):
                drop_postgres_database(config.pg_url, config.pg_name)
        if not config.keep_db:
            shutil.rmtree(tmp, ignore_errors=True)


def _check(world, devices, admin, fresh, engine, stats, proxy_log) -> tuple[list, dict]:
    # Where each user is now: the administrator moves one of them (§5.4).
    with engine.connect() as connection:
        now = dict(connection.execute(text("SELECT username, unit_id FROM users")).all())
    homes = {u: now[u] for u, _, _ in USERS}
    homes[ADMIN] = None
    truth = fleet_check.load_truth(engine, fresh[ADMIN], homes)
    logs = [m for d in devices for m in d.client.log.values()] + admin.log
    device_ids = {d.name: d.device_id for d in devices} | {"admin": admin.device_id}
    failures = []
    for actor in devices:
        home = fresh[actor.username]
        failures += fleet_check.check_device(actor.client, actor.username, home, truth)
    for username, client in fresh.items():
        failures += fleet_check.check_fresh(username, client, truth)
    failures += fleet_check.check_acknowledged(logs, truth, device_ids)
    failures += fleet_check.check_versions(logs)
    failures += fleet_check.check_doubles(engine, truth)
    failures += fleet_check.check_history(logs, device_ids, truth)
    for name, tag, message in stats.server_errors:
        failures.append(fleet_check.Failure("server_error", None, name, f"{tag}: {message}", tag))
    for event in proxy_log.server_errors:
        ids = [m["data"]["id"] for m in (event.request or {}).get("mutations", [])]
        failures.append(
            fleet_check.Failure(
                "server_error",
                ids[0] if ids else None,
                "proxy",
                f"{event.tag} fault={event.fault}: a copy was answered 5xx",
                event.tag,
            )
        )
    counts = Counter(f.kind for f in failures)
    summary = {
        "steps": stats.steps,
        "syncs": stats.syncs,
        "exchanges": sum(d.client.exchanges for d in devices),
        "faults": dict(sorted({**stats.faults, "drop_reset": proxy_log.resets_dropped}.items())),
        "network_errors": stats.network_errors,
        "actions": dict(sorted(stats.actions.items())),
        "mutations": len(logs),
        "hidden_outcomes": sum(1 for m in logs if m.hidden),
        "records": {t: len(truth.records[t]) for t in fleet_check.TABLES},
        "tombstones": len(truth.tombstones),
        "conflicts": len(truth.conflicts),
        "audit_events": len(truth.audit),
        **{kind: counts.get(kind, 0) for kind in fleet_check.KINDS},
    }
    return failures, summary


def _errors_logged(tmp: Path) -> list[str]:
    """Return the distinct exception lines the servers logged."""
    seen: dict[str, None] = {}
    for log in sorted(tmp.glob("gunicorn-*.log")):
        for line in log.read_text(errors="replace").splitlines():
            if re.match(r"^[\w.]+(Error|Exception|Violation)\b", line):
                seen.setdefault(f"  {log.name}: {line[:300]}")
    return list(seen)[:10]


def render(summary: dict, failures: list, trace: Trace) -> str:
    """Return the summary, then a few failures of each kind with their records' traces."""
    lines = [
        f"fleet seed {summary['seed']} on {summary['db']}: {summary['steps']} steps,"
        f" {summary['syncs']} syncs, {summary['exchanges']} exchanges,"
        f" faults {summary['faults']} (workers killed {summary['kills_done']}),"
        f" {summary['network_errors']} network errors; {summary['seconds_driving']} s driving,"
        f" {summary['seconds_total']} s in all",
        f"records {summary['records']}, tombstones {summary['tombstones']},"
        f" conflicts {summary['conflicts']}, audit events {summary['audit_events']},"
        f" outcomes hidden behind 'duplicate' {summary['hidden_outcomes']}",
        " ".join(f"{kind}={summary[kind]}" for kind in fleet_check.KINDS),
    ]
    if failures:
        lines.append(f"FAILED. Replay: {summary['replay']}   (database: {summary['database']})")
        by_kind: dict[str, list] = {}
        for failure in failures:
            by_kind.setdefault(failure.kind, []).append(failure)
        for kind, items in by_kind.items():
            lines.append(f"\n== {kind}: {len(items)}")
            for failure in items[:EXAMPLES_PER_KIND]:
                lines.append(f"  {failure}")
                if failure.tag:
                    for entry in trace.tagged(failure.tag):
                        lines.append(f"    {entry.render(failure.record_id or '')[:700]}")
                elif failure.record_id:
                    for entry in trace.touching(failure.record_id, TRACE_LINES):
                        lines.append(f"    {entry.render(failure.record_id)[:700]}")
    return "\n".join(lines)


def shrink(config: FleetConfig, out=print) -> FleetConfig | None:
    """Halve the steps, then the devices, while the run still fails; return the smallest."""
    smallest = None
    candidate = FleetConfig(**config.__dict__)
    while candidate.steps > 5:
        candidate = FleetConfig(**{**candidate.__dict__, "steps": candidate.steps // 2})
        if run(candidate, out=lambda *a, **k: None).ok:
            break
        smallest = candidate
        out(f"still fails: {candidate.replay()}", flush=True)
    base = smallest or config
    while base.devices > 3:
        candidate = FleetConfig(**{**base.__dict__, "devices": base.devices - 2})
        if run(candidate, out=lambda *a, **k: None).ok:
            break
        smallest = base = candidate
        out(f"still fails: {candidate.replay()}", flush=True)
    return smallest


if __name__ == "__main__":
    sys.exit("use: python -m bench fleet --help")
