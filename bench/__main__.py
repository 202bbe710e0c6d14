"""Benchmark the sync system: emulated phone links, server load, a national-scale database.

    python -m bench all                  # every scenario on every profile, then the load test
    python -m bench scenarios [--profile 2g-lossy ...]
    python -m bench load [--devices 50 --seconds 20]
    python -m bench peer [--quick]       # side by side with pouchdb-server, one server core
    python -m bench scale [--models 400000 --meetings 600000]   # long: builds 1M records
    python -m bench dataset --database NAME --models N --meetings N [--seed 1]
    python -m bench pwa                  # the PWA's size and speed budgets in Chromium
    python -m bench fleet [--minutes N] [--db sqlite|postgres] [--seed S] [--devices D]
    python -m bench signin [--db postgres|sqlite] [--attackers 16 --seconds 15]
    python -m bench upload               # a 2 MB photo over 2G-lossy: time vs floor, cuts
    python -m bench down                 # remove what a killed run left behind

Needs root (network namespaces) and a local PostgreSQL (started, with role app, by
scripts/postgres.sh). Results are printed and appended to docs/BENCHMARKS.md (``--no-write``
to skip). Every run removes its links, servers, temporary files and, unless ``--keep-db``,
the databases it made.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from bench import report
from bench.netem import PROFILES

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PG_URL = "postgresql+psycopg://app:app@127.0.0.1:5432/postgres"
DATABASES = ("sotay_bench_link", "sotay_bench_load", "sotay_bench_scale", "sotay_perf_peer")
SETUP_TIMEOUT_S = 600


def ensure_postgres(pg_url: str) -> None:
    """Start the local PostgreSQL and create role app, when the URL is the default one."""
    if pg_url != DEFAULT_PG_URL:
        return
    subprocess.run(
        ["bash", str(REPO_ROOT / "scripts" / "postgres.sh"), "sotay_bench"],
        check=True,
        timeout=SETUP_TIMEOUT_S,
    )


def drop_databases(pg_url: str, names: tuple[str, ...]) -> None:
    """Drop the benchmark's databases if they exist."""
    from psycopg import sql

    from bench.dataset import _connect

    with _connect(pg_url, autocommit=True) as conn:
        for name in names:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def _command(argv: list[str]) -> str:
    return " ".join(["python -m bench", *argv])


def cmd_scenarios(args, argv: list[str]) -> bool:
    """Run the link scenarios; return whether every target was met."""
    from bench import scenarios

    try:
        rows = scenarios.run(
            args.profile or list(PROFILES), args.pg_url, getattr(args, "scenario", None)
        )
    finally:
        if not args.keep_db:
            drop_databases(args.pg_url, (scenarios.DATABASE,))
    text = scenarios.markdown(rows, _command(argv))
    _emit(text, args)
    return all(r.ok is not False for r in rows)


def cmd_load(args, argv: list[str]) -> bool:
    """Run the load test; return whether every target was met."""
    from bench import load

    try:
        phases = load.run(args.pg_url, args.devices, args.seconds, args.processes)
    finally:
        if not args.keep_db:
            drop_databases(args.pg_url, (load.DATABASE,))
    text = load.markdown(phases, args.devices, args.processes, _command(argv))
    _emit(text, args)
    return "❌" not in text


def cmd_peer(args, argv: list[str]) -> bool:
    """Run our server and pouchdb-server side by side; return whether every target was met."""
    from bench import peer

    devices, seconds = (10, 5.0) if args.quick else (args.devices, args.seconds)
    try:
        ours, theirs = peer.run(args.pg_url, devices, seconds, fresh=args.fresh)
    finally:
        if not args.keep_db:
            drop_databases(args.pg_url, (peer.DATABASE,))
    text = peer.markdown(ours, theirs, devices, _command(argv))
    _emit(text, args)
    return "❌" not in text


def cmd_scale(args, argv: list[str]) -> bool:
    """Build (or reuse) the national database and time communes' initial pulls."""
    from bench import scale

    try:
        result = scale.run(
            args.pg_url,
            args.models,
            args.meetings,
            args.seed,
            reuse=args.reuse,
            database=args.database,
            render_picked=args.render_picked,
        )
    finally:
        if not args.keep_db:
            drop_databases(args.pg_url, (args.database,))
    text = scale.markdown(result, _command(argv))
    _emit(text, args)
    return result.ok


def cmd_pwa(args, argv: list[str]) -> bool:
    """Measure the PWA's budgets; return whether every one was met."""
    from bench import pwa

    text = pwa.markdown(pwa.run(), _command(argv))
    _emit(text, args)
    return "❌" not in text and "not measured" not in text


def cmd_fleet(args) -> bool:
    """Run a fleet of devices against two servers behind a faulty balancer; write JSON."""
    import json
    import time

    from bench import fleet

    config = fleet.FleetConfig(
        seed=args.seed,
        steps=args.steps,
        devices=args.devices,
        db=args.db,
        minutes=args.minutes,
        pg_url=args.pg_url,
        pg_name=args.database,
        keep_db=args.keep_db,
    )
    config.options.fault_rate = args.fault_rate
    outcome = fleet.run(config)
    results = REPO_ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime())
    path = results / f"fleet-{args.db}-seed{args.seed}-{stamp}.json"
    payload = {
        "summary": outcome.summary,
        "failures": [f.__dict__ for f in outcome.failures],
        "report": outcome.report,
    }
    path.write_text(json.dumps(payload, ensure_ascii=False, indent=1, default=str))
    print(f"Wrote {path}", file=sys.stderr)
    if not outcome.ok and args.shrink and not args.minutes:
        smallest = fleet.shrink(config)
        if smallest is not None:
            print(f"smallest failing run: {smallest.replay()}")
    return outcome.ok


def cmd_signin(args, argv: list[str]) -> bool:
    """Time other users' syncs under a sign-in flood; return whether p99 met the target."""
    from bench import signin

    try:
        phases = signin.run(args.pg_url, args.db, args.attackers, args.users, args.seconds)
    finally:
        if args.db == "postgres" and not args.keep_db:
            drop_databases(args.pg_url, (signin.DATABASE,))
    text = signin.markdown(phases, args.db, args.attackers, args.seconds, _command(argv))
    _emit(text, args)
    return "❌" not in text


def cmd_upload(args, argv: list[str]) -> bool:
    """Upload a 2 MB photo over 2G-lossy; return whether the time met its target."""
    from bench import upload

    runs = upload.run(cuts=args.cuts)
    _emit(upload.markdown(runs, _command(argv)), args)
    return any(not r.cuts and r.ratio <= upload.TARGET_RATIO for r in runs)


def _emit(text: str, args) -> None:
    print(text, flush=True)
    if not args.no_write:
        report.write(text)
        print(f"Appended to {report.BENCHMARKS}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    """Run the command-line interface."""
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--pg-url",
        default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_PG_URL),
        help="a PostgreSQL server and role that may create databases",
    )
    parser.add_argument("--no-write", action="store_true", help="print, don't append to docs")
    parser.add_argument("--keep-db", action="store_true", help="leave the databases for a look")
    sub = parser.add_subparsers(dest="cmd", required=True)

    def load_options(p) -> None:
        p.add_argument("--devices", type=int, default=50)
        p.add_argument("--seconds", type=float, default=20.0, help="length of each phase")
        p.add_argument("--processes", type=int, default=4, help="client processes")

    p_all = sub.add_parser("all", help="every scenario on every profile, then the load test")
    p_all.add_argument("--profile", action="append", choices=sorted(PROFILES))
    load_options(p_all)
    p_sc = sub.add_parser("scenarios", help="sync scenarios over emulated links")
    p_sc.add_argument("--profile", action="append", choices=sorted(PROFILES))
    p_sc.add_argument(
        "--scenario", choices=["push"], help="only this scenario (push: 3 pushes of 1,000)"
    )
    load_options(sub.add_parser("load", help="many devices against one server"))
    p_peer = sub.add_parser("peer", help="side by side with pouchdb-server, one server core")
    load_options(p_peer)
    p_peer.add_argument("--quick", action="store_true", help="10 devices, 5 s phases: a smoke test")
    p_peer.add_argument("--fresh", action="store_true", help="install the npm packages again")
    p_scale = sub.add_parser("scale", help="a commune's initial pull from a national database")
    p_scale.add_argument("--models", type=int, default=400_000)
    p_scale.add_argument("--meetings", type=int, default=600_000)
    p_scale.add_argument("--seed", type=int, default=1)
    p_scale.add_argument("--reuse", action="store_true", help="reuse a database already built")
    p_scale.add_argument("--database", default="sotay_bench_scale")
    p_scale.add_argument(
        "--render-picked",
        action="store_true",
        help="render the wire JSON of the timed communes' records only, not of the million",
    )
    p_ds = sub.add_parser("dataset", help="fill a database with a national dataset")
    p_ds.add_argument("--database", default="sotay_bench_scale")
    p_ds.add_argument("--models", type=int, required=True)
    p_ds.add_argument("--meetings", type=int, required=True)
    p_ds.add_argument("--seed", type=int, default=1)
    p_ds.add_argument("--fresh", action="store_true", help="empty and migrate it first")
    sub.add_parser("pwa", help="the PWA's size and speed budgets in headless Chromium")
    sub.add_parser("down", help="remove links and databases a killed run left behind")
    p_fleet = sub.add_parser("fleet", help="devices against two servers behind a faulty balancer")
    p_fleet.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    p_fleet.add_argument("--seed", type=int, default=1)
    p_fleet.add_argument("--steps", type=int, default=100, help="steps per device")
    p_fleet.add_argument("--minutes", type=float, help="run this long instead of --steps")
    p_fleet.add_argument("--devices", type=int, default=8)
    p_fleet.add_argument("--fault-rate", type=float, default=0.15, help="share of syncs broken")
    p_fleet.add_argument("--database", default="sotay_bench_fleet", help="PostgreSQL database")
    p_fleet.add_argument("--shrink", action="store_true", help="look for a smaller failing run")
    p_signin = sub.add_parser("signin", help="other users' syncs under a sign-in flood")
    p_signin.add_argument("--db", choices=("sqlite", "postgres"), default="postgres")
    p_signin.add_argument("--attackers", type=int, default=16)
    p_signin.add_argument("--users", type=int, default=4)
    p_signin.add_argument("--seconds", type=float, default=15.0, help="length of each phase")
    p_up = sub.add_parser("upload", help="a 2 MB photo over 2G-lossy: time vs floor, and cuts")
    p_up.add_argument("--cuts", type=int, default=3, help="connection cuts in the last run")
    args = parser.parse_args(argv)

    if args.cmd == "down":
        from bench.netem import teardown
        from bench.upload import LINK_PREFIX

        teardown()
        teardown(LINK_PREFIX)
        drop_databases(args.pg_url, DATABASES)
        return 0
    if args.cmd == "pwa":
        return 0 if cmd_pwa(args, argv) else 1
    if args.cmd == "signin":
        if args.db == "postgres":
            ensure_postgres(args.pg_url)
        return 0 if cmd_signin(args, argv) else 1
    if args.cmd == "fleet":
        if args.db == "postgres":
            ensure_postgres(args.pg_url)
        return 0 if cmd_fleet(args) else 1
    if os.geteuid() != 0 and args.cmd in ("all", "scenarios", "upload"):
        parser.error("the link scenarios need root (network namespaces, tc, iptables)")
    if args.cmd == "upload":
        return 0 if cmd_upload(args, argv) else 1
    ensure_postgres(args.pg_url)
    if args.cmd == "dataset":
        from sqlalchemy.engine import make_url

        from bench.dataset import generate
        from bench.live import migrate, reset_postgres_database

        url = make_url(args.pg_url).set(database=args.database).render_as_string(False)
        if args.fresh:
            url = reset_postgres_database(args.pg_url, args.database)
            migrate(url)
        generate(url, args.models, args.meetings, args.seed)
        return 0
    ok = True
    if args.cmd in ("all", "scenarios"):
        ok &= cmd_scenarios(args, argv)
    if args.cmd in ("all", "load"):
        ok &= cmd_load(args, argv)
    if args.cmd == "peer":
        ok &= cmd_peer(args, argv)
    if args.cmd == "scale":
        ok &= cmd_scale(args, argv)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
