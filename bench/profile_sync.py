"""Where a sync's time and SQL go, in process: statements per sync and a profile by package.

    python -m bench.profile_sync [--pushes 60] [--idle 300]

Builds ``sotay_perf_profile`` on the local PostgreSQL (one commune, its officer), then drives
the Flask app in process (test client, no network) with one device: idle syncs, then pushes
of 10 new models (the load test's records). For each kind it prints the SQL statements per
sync by verb, commits, wall time, and cProfile's own CPU time grouped by package and by phase
of the exchange. Nothing is written to docs/: the figures go into the notes by hand.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import random
import statistics
import time
from collections import Counter

from sqlalchemy import event

from bench.live import LIVE_PASSWORD, migrate, reset_postgres_database, seed_units
from bench.sync_loopback import push_maker

DATABASE = "sotay_perf_profile"
DEFAULT_PG_URL = "postgresql+psycopg://app:app@127.0.0.1:5432/postgres"
BATCH = 10
PACKAGES = (
    ("sqlalchemy", "/sqlalchemy/"),
    ("psycopg", "/psycopg"),
    ("marshmallow", "/marshmallow/"),
    ("flask/werkzeug", "/werkzeug/"),
    ("flask/werkzeug", "/flask"),
    ("server/", "/server/"),
    ("sync/", "/sync/"),
)
PHASES = (
    ("authenticate", "server/auth/service.py", "authenticate"),
    ("parse request", "sync/messages.py", "parse_request"),
    ("hold device, load records", "server/sync_api/store.py", "begin_push"),
    ("apply mutations (validate, merge, ORM, audit)", "server/sync_api/store.py", "apply"),
    ("stamps, flush, results, commit", "server/sync_api/store.py", "finish_push"),
    ("pull", "server/sync_api/store.py", "pull"),
    ("render wire JSON (flush hook)", "server/records/wire.py", "_render_flushed"),
    ("the endpoint after authentication", "server/sync_api/routes.py", "sync_endpoint"),
)


def _package(filename: str) -> str:
    for name, marker in PACKAGES:
        if marker in filename:
            return name
    return "other (stdlib, json, gzip…)"


def _by_package(stats: pstats.Stats) -> Counter:
    out: Counter = Counter()
    for (filename, _, _), (_, _, tottime, _, _) in stats.stats.items():
        out[_package(filename)] += tottime
    return out


def _phase_times(stats: pstats.Stats) -> dict[str, float]:
    out = {}
    for label, path, name in PHASES:
        out[label] = sum(
            cumtime
            for (filename, _, func), (_, _, _, cumtime, _) in stats.stats.items()
            if filename.endswith(path) and func == name
        )
    return out


class Statements:
    """Count what the engine runs, by verb, and the commits."""

    def __init__(self, engine):
        self.verbs: Counter = Counter()
        self.texts: Counter = Counter()
        self.commits = 0
        event.listen(engine, "before_cursor_execute", self._statement)
        event.listen(engine, "commit", self._commit)

    def _statement(self, conn, cursor, statement, parameters, context, executemany):
        verb = statement.lstrip().split(None, 1)[0].upper()
        self.verbs[verb + (" (many)" if executemany else "")] += 1
        self.texts[" ".join(statement.split())[:90]] += 1

    def _commit(self, conn):
        self.commits += 1


def run(pg_url: str, pushes: int, idle: int) -> None:
    """Build the database, drive the app, print the figures."""
    url = reset_postgres_database(pg_url, DATABASE)
    migrate(url)
    seed_units(url, [("TW", "Trung ương", "TRUNG_UONG", None),
                     ("40", "Tỉnh Nghệ An", "TINH", "TW"),
                     ("18000", "Xã Hồ Sơ", "XA", "40")])  # fmt: skip
    from bench import dataset

    dataset.create_people(url, ["18000"])
    from server import create_app
    from server.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "ENV": "development"})
    client = app.test_client()
    login = client.post(
        "/api/v1/auth/login",
        json={"username": "xa.18000", "password": LIVE_PASSWORD, "device_name": "profile"},
    ).get_json()
    headers = {"Authorization": f"Bearer {login['token']}", "Accept-Encoding": "gzip"}
    unit_id = login["user"]["unit"]["id"]
    state = {"seq": 0, "cursor": 0}

    def sync(mutations: list[dict]) -> dict:
        body = {"protocol": 1, "schema": 1, "cursor": state["cursor"], "mutations": mutations,
                "app_version": "profile", "pending": 0}  # fmt: skip
        answer = client.post("/api/v1/sync", json=body, headers=headers)
        if answer.status_code != 200:
            raise RuntimeError(f"sync failed: {answer.status_code} {answer.data[:300]!r}")
        data = answer.get_json() if answer.headers.get("Content-Encoding") != "gzip" else None
        if data is None:
            import gzip

            data = json.loads(gzip.decompress(answer.data))
        state["cursor"] = data["cursor"]
        return data

    push_body = push_maker(random.Random(1), unit_id, state, BATCH)

    with app.app_context():
        engine = db.engine
    for _ in range(20):  # warm: prepared statements, caches
        sync(push_body())
        sync([])
    for kind, count, make in (("idle", idle, list), ("push of 10", pushes, push_body)):
        counter = Statements(engine)
        # CPU time of this process: on a shared machine, waits for PostgreSQL and for the
        # scheduler would otherwise dominate.
        profile = cProfile.Profile(time.process_time)
        walls, cpu = [], time.process_time()
        for _ in range(count):
            mutations = make()
            started = time.perf_counter()
            profile.enable()
            result = sync(mutations)
            profile.disable()
            walls.append(time.perf_counter() - started)
            if any(r["status"] != "applied" for r in result["results"]):
                raise RuntimeError(f"not applied: {result['results']}")
        stats = pstats.Stats(profile)
        total = time.process_time() - cpu
        print(f"\n## {kind}: {count} syncs, median wall {statistics.median(walls) * 1000:.2f} ms, "
              f"CPU of the app {total / count * 1000:.2f} ms per sync")  # fmt: skip
        print("statements per sync:", {k: round(v / count, 2) for k, v in counter.verbs.items()},
              "commits per sync:", round(counter.commits / count, 2))  # fmt: skip
        print("statements:")
        for text, times in counter.texts.most_common():
            print(f"  {times / count:5.2f} × {text}")
        print("own time by package (share of the profiled time):")
        packages = _by_package(stats)
        whole = sum(packages.values())
        for name, spent in packages.most_common():
            print(f"  {name}: {spent / whole:.0%} ({spent / count * 1000:.2f} ms per sync)")
        print("by phase (cumulative, ms per sync; phases nest inside the endpoint):")
        for label, spent in _phase_times(stats).items():
            print(f"  {label}: {spent / count * 1000:.2f} ms ({spent / total:.0%} of the CPU)")


def main(argv: list[str] | None = None) -> int:
    """Run the profile."""
    parser = argparse.ArgumentParser(prog="python -m bench.profile_sync", description=__doc__)
    parser.add_argument("--pg-url", default=DEFAULT_PG_URL)
    parser.add_argument("--pushes", type=int, default=60)
    parser.add_argument("--idle", type=int, default=300)
    args = parser.parse_args(argv)
    run(args.pg_url, args.pushes, args.idle)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
