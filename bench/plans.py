"""Plans of a sync's statements as prepared statements: generic against custom (issue #15).

    python -m bench.plans --database sotay_pull_scale [--user xa.23842 ...] [--runs 3]

Signs in each user on a kept national database (``bench scale`` builds one), runs its
initial pull's first page and then a sync with nothing to send or fetch through the Flask test
client, and keeps every SELECT the app sent with its values. Each is then PREPAREd and run
under EXPLAIN (ANALYZE, BUFFERS) with ``plan_cache_mode`` forced to a custom plan (planned for
the values, as without prepared statements) and to the generic plan (what psycopg's prepared
statements may settle on after five runs). It prints planning and execution time of both, the
buffers touched and, with --plans, the plans. Nothing is written to docs/.
"""

from __future__ import annotations

import argparse
import json
import re
from dataclasses import dataclass

from sqlalchemy import event, text

from bench.live import LIVE_PASSWORD

DEFAULT_PG_URL = "postgresql+psycopg://app:app@127.0.0.1:5432/postgres"
# The largest commune, a median one and a province (bench scale's picks on sotay_pull_scale).
DEFAULT_USERS = ("xa.23842", "xa.23302", "xa.52")
PLACEHOLDER = re.compile(r"%\(([^)]+)\)s")
TIMES = re.compile(r"(Planning|Execution) Time: ([0-9.]+) ms")
BUFFERS = re.compile(r"Buffers: shared ([^\n]*)")


@dataclass
class Statement:
    """One SELECT the app sent, with its values."""

    phase: str
    sql: str
    values: dict


def capture(url: str, username: str) -> list[Statement]:
    """Sign a user in, pull the first page from cursor 0, then sync idle; return the SELECTs."""
    from server import create_app
    from server.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "ENV": "development"})
    client = app.test_client()
    login = client.post(
        "/api/v1/auth/login",
        json={"username": username, "password": LIVE_PASSWORD, "device_name": "plans"},
    )
    if login.status_code not in (200, 201):
        raise RuntimeError(f"{username}: sign-in failed {login.status_code}")
    headers = {"Authorization": f"Bearer {login.get_json()['token']}"}
    seen: list[Statement] = []
    phase = ["pull"]

    def keep(conn, cursor, statement, parameters, context, executemany) -> None:
        if statement.lstrip().upper().startswith("SELECT") and isinstance(parameters, dict):
            seen.append(Statement(phase[0], statement, dict(parameters)))

    with app.app_context():
        engine = db.engine
        high = db.session.execute(text("SELECT value FROM sync_counter WHERE id = 1")).scalar()
        db.session.remove()
    event.listen(engine, "before_cursor_execute", keep)
    try:
        body = {"protocol": 1, "schema": 2, "cursor": 0, "mutations": []}
        client.post("/api/v1/sync", data=json.dumps(body), headers=headers)
        phase[0] = "idle"
        client.post("/api/v1/sync", data=json.dumps({**body, "cursor": high}), headers=headers)
    finally:
        event.remove(engine, "before_cursor_execute", keep)
    return seen


def numbered(statement: Statement, literal) -> tuple[str, str]:
    """Return the statement with $n placeholders and its values as an EXECUTE argument list."""
    order: dict[str, int] = {}

    def mark(match: re.Match) -> str:
        return f"${order.setdefault(match.group(1), len(order) + 1)}"

    sql = PLACEHOLDER.sub(mark, statement.sql).replace("%%", "%")
    args = ", ".join(literal(statement.values[name]) for name in order)
    return sql, args


def explain(conn, sql: str, args: str, mode: str, runs: int) -> tuple[float, float, str, str]:
    """Run the prepared statement under a plan cache mode; return planning, execution, plan."""
    conn.execute(f"SET plan_cache_mode = {mode}")
    conn.execute(f"PREPARE plans_stmt AS {sql}")
    try:
        best: tuple[float, float, str, str] = (0.0, float("inf"), "", "")
        for _ in range(runs):
            rows = conn.execute(f"EXPLAIN (ANALYZE, BUFFERS) EXECUTE plans_stmt({args})")
            text = "\n".join(r[0] for r in rows)
            times = dict(TIMES.findall(text))
            planning, execution = float(times.get("Planning", 0)), float(times["Execution"])
            if execution < best[1]:
                buffers = BUFFERS.search(text)
                best = (planning, execution, buffers.group(1) if buffers else "", text)
        return best
    finally:
        conn.execute("DEALLOCATE plans_stmt")
        conn.execute("RESET plan_cache_mode")


def run(pg_url: str, database: str, users: list[str], runs: int, show_plans: bool) -> None:
    """Capture and explain each user's statements; print a table."""
    import psycopg
    from psycopg import sql as psql

    url = pg_url.rsplit("/", 1)[0] + "/" + database
    for username in users:
        statements = capture(url, username)
        plain = url.replace("postgresql+psycopg://", "postgresql://")
        with psycopg.connect(plain, autocommit=True) as conn:
            unit = conn.execute(
                "SELECT u.code, u.level, (SELECT count(*) FROM units s WHERE s.path LIKE"
                " u.path || '%%') FROM users JOIN units u ON u.id = users.unit_id"
                " WHERE username = %s",
                (username,),
            ).fetchone()
            print(f"\n## {username}: unit {unit[0]} ({unit[1]}, {unit[2]} units in scope)")
            print("| phase | statement | times | custom: plan + run ms | generic: plan + run ms"
                  " | buffers custom / generic |\n|---|---|---:|---:|---:|---|")  # fmt: skip

            def literal(value: object) -> str:
                return psql.Literal(value).as_string(conn)

            times: dict[tuple[str, str], int] = {}
            for statement in statements:
                key = (statement.phase, statement.sql)
                times[key] = times.get(key, 0) + 1
            for statement in statements:
                key = (statement.phase, statement.sql)
                if key not in times:
                    continue  # a statement run again with other values: explained once
                count = times.pop(key)
                sql, args = numbered(statement, literal)
                custom = explain(conn, sql, args, "force_custom_plan", runs)
                generic = explain(conn, sql, args, "force_generic_plan", runs)
                name = " ".join(statement.sql.split())[:60]
                print(
                    f"| {statement.phase} | `{name}` | {count} | {custom[0]:.2f} + {custom[1]:.2f}"
                    f" | {generic[0]:.2f} + {generic[1]:.2f} | {custom[2]} / {generic[2]} |"
                )
                if show_plans:
                    print("custom:\n" + custom[3] + "\ngeneric:\n" + generic[3] + "\n")


def main(argv: list[str] | None = None) -> int:
    """Explain the plans."""
    parser = argparse.ArgumentParser(prog="python -m bench.plans", description=__doc__)
    parser.add_argument("--pg-url", default=DEFAULT_PG_URL)
    parser.add_argument("--database", default="sotay_pull_scale")
    parser.add_argument("--user", action="append", dest="users")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--plans", action="store_true", help="print the plans too")
    args = parser.parse_args(argv)
    run(args.pg_url, args.database, args.users or list(DEFAULT_USERS), args.runs, args.plans)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
