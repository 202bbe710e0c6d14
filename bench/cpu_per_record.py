"""CPU per record of pushes of 10 new models, in process, unprofiled (issue #15).

    python -m bench.cpu_per_record [--db postgres|sqlite] [--rounds 12] [--pushes 10]

Builds a database with one commune and its officer (``sotay_perf_cpu`` on the local
PostgreSQL, or a temporary SQLite file), then drives the Flask app in process through the test
client with one device: 20 pushes and 20 idle syncs to warm up, then rounds of pushes of 10
new models (each with its pull, as devices send them) and rounds of idle syncs. For each round
it takes this process's CPU clock and, on PostgreSQL, the CPU of the database's backends from
/proc; it prints the median of the rounds, per record and per idle sync, and the statements per
sync by verb. On SQLite the database's CPU is inside the app's. Nothing is written to docs/.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import statistics
import tempfile
import time
from collections import Counter
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine.interfaces import CacheStats

from bench.live import LIVE_PASSWORD, create_user, migrate, reset_postgres_database, seed_units
from bench.load import backend_pids, cpu_seconds
from bench.sync_loopback import push_maker

DATABASE = "sotay_perf_cpu"
DEFAULT_PG_URL = "postgresql+psycopg://app:app@127.0.0.1:5432/postgres"
BATCH = 10
WARM = 20


def _database(db: str, pg_url: str, tmp: Path) -> str:
    url = reset_postgres_database(pg_url, DATABASE) if db == "postgres" else f"sqlite:///{tmp}/c.db"
    migrate(url)
    seed_units(url, [("TW", "Trung ương", "TRUNG_UONG", None),
                     ("40", "Tỉnh Nghệ An", "TINH", "TW"),
                     ("18000", "Xã Hồ Sơ", "XA", "40")])  # fmt: skip
    create_user(url, "xa.18000", "18000", "CAN_BO_NHAP")
    return url


def run(db: str, pg_url: str, rounds: int, pushes: int, show_statements: bool = False) -> None:
    """Build the database, drive the app, print the medians."""
    with tempfile.TemporaryDirectory() as tmp:
        url = _database(db, pg_url, Path(tmp))
        from server import create_app
        from server.extensions import db as sa

        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "ENV": "development"})
        client = app.test_client()
        login = client.post(
            "/api/v1/auth/login",
            json={"username": "xa.18000", "password": LIVE_PASSWORD, "device_name": "cpu"},
        ).get_json()
        headers = {"Authorization": f"Bearer {login['token']}", "Accept-Encoding": "gzip"}
        unit_id = login["user"]["unit"]["id"]
        state = {"seq": 0, "cursor": 0}

        def sync(mutations: list[dict]) -> None:
            body = {"protocol": 1, "schema": 2, "cursor": state["cursor"],
                    "mutations": mutations, "app_version": "cpu", "pending": 0}  # fmt: skip
            answer = client.post("/api/v1/sync", json=body, headers=headers)
            if answer.status_code != 200:
                raise RuntimeError(f"sync failed: {answer.status_code} {answer.data[:300]!r}")
            raw = answer.data
            if answer.headers.get("Content-Encoding") == "gzip":
                raw = gzip.decompress(raw)
            data = json.loads(raw)
            if any(r["status"] != "applied" for r in data["results"]):
                raise RuntimeError(f"not applied: {data['results']}")
            state["cursor"] = data["cursor"]

        push_body = push_maker(random.Random(1), unit_id, state, BATCH)

        with app.app_context():
            engine = sa.engine
        verbs: Counter = Counter()
        texts: Counter = Counter()
        commits = [0]
        misses = [0]

        def count(conn, cursor, statement, parameters, context, executemany) -> None:
            verb = statement.lstrip().split(None, 1)[0].upper()
            verbs[verb + (" (many)" if executemany else "")] += 1
            texts[" ".join(statement.split())[:100]] += 1
            # SQLAlchemy's compiled cache: 0 = hit, 1 = miss, 2 = not cached, 3 = no cache.
            misses[0] += getattr(context, "cache_hit", None) != CacheStats.CACHE_HIT

        def commit(conn) -> None:
            commits[0] += 1

        for _ in range(WARM):
            sync(push_body())
            sync([])
        backends = backend_pids(url) if db == "postgres" else []
        print(f"# {db}: {rounds} rounds of {pushes} pushes of {BATCH} and of {pushes} idle syncs")
        for kind, make, per in (("push of 10", push_body, BATCH * pushes), ("idle", list, pushes)):
            apps, dbs = [], []
            for _ in range(rounds):
                bodies = [make() for _ in range(pushes)]
                app_cpu, db_cpu = time.process_time(), cpu_seconds(backends)
                for body in bodies:
                    sync(body)
                apps.append((time.process_time() - app_cpu) / per * 1000)
                dbs.append((cpu_seconds(backends) - db_cpu) / per * 1000)
            verbs.clear()
            texts.clear()
            commits[0] = 0
            misses[0] = 0
            event.listen(engine, "before_cursor_execute", count)
            event.listen(engine, "commit", commit)
            for _ in range(pushes):
                sync(make())
            event.remove(engine, "before_cursor_execute", count)
            event.remove(engine, "commit", commit)
            unit = "record" if kind == "push of 10" else "sync"
            app_ms, db_ms = statistics.median(apps), statistics.median(dbs)
            print(f"{kind}: app {app_ms:.2f} ms, database {db_ms:.2f} ms, "
                  f"together {app_ms + db_ms:.2f} ms per {unit} "
                  f"(app range {min(apps):.2f}–{max(apps):.2f})")  # fmt: skip
            print("  statements per sync:", {k: round(v / pushes, 2) for k, v in verbs.items()},
                  "commits:", round(commits[0] / pushes, 2),
                  "compiled-cache misses:", round(misses[0] / pushes, 2))  # fmt: skip
            if show_statements:
                for text, times in texts.most_common():
                    print(f"    {times / pushes:5.2f} × {text}")


def main(argv: list[str] | None = None) -> int:
    """Run the measurement."""
    parser = argparse.ArgumentParser(prog="python -m bench.cpu_per_record", description=__doc__)
    parser.add_argument("--db", choices=("postgres", "sqlite"), default="postgres")
    parser.add_argument("--pg-url", default=DEFAULT_PG_URL)
    parser.add_argument("--rounds", type=int, default=12)
    parser.add_argument("--pushes", type=int, default=10)
    parser.add_argument("--statements", action="store_true", help="list the statements")
    args = parser.parse_args(argv)
    run(args.db, args.pg_url, args.rounds, args.pushes, args.statements)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
