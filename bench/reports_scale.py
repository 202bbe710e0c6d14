"""Time the reports on a national dataset: R1 for the largest province over a million models.

    python -m bench.reports_scale              # build sotay_reports_scale (minutes), then time
    python -m bench.reports_scale --reuse      # time again on the database already built
    python -m bench.reports_scale --models 100000 --no-write

Builds a PostgreSQL database with the real migrations, the official 34 provinces and 3,321
communes and bench.dataset's records (1,000,000 models by default, spread unevenly over the
communes), then sends each report through the app in process — authentication, argument
parsing, SQL, JSON or XLSX — as a provincial reviewer, warm, several times, and appends the
medians to docs/BENCHMARKS.md (``--no-write`` to skip). The target: R1 for a province in ≤ 1 s.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import uuid
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import event, func, select, text

from bench import dataset, report
from bench.live import migrate, reset_postgres_database

DEFAULT_PG_URL = "postgresql+psycopg://app:app@127.0.0.1:5432/postgres"
DATABASE = "sotay_reports_scale"
TARGET_MS = 1000.0
# Runs per measurement after the warm-up: odd, so the median is a real run; enough that one
# slow run on a shared machine does not move it.
RUNS = 9
WARMUP = 2
PERIOD_YEAR = "NAM_2025"
# The legacy tree added to the dataset: one old district per this many new communes of a
# province, and this many old communes merged into each new one (10,035 communes became 3,321
# in 2025, about three to one).
COMMUNES_PER_DISTRICT = 6
PREDECESSORS = 3
REFORM = "2025-07-01"

LEGACY_SQL = [
    # Old districts under each province.
    """
    INSERT INTO units (code, name, level, parent_id, path, depth, valid_to, is_border, is_dbkk,
                       aliases, search_text, change_seq)
    SELECT 'LH' || p.code || '-' || g, 'Huyện cũ ' || g || ' (' || p.name || ')', 'HUYEN', p.id,
           '', 2, DATE '2025-06-30', false, false, '[]', '', 0
    FROM units p
    CROSS JOIN LATERAL generate_series(
        1, greatest(1, (SELECT count(*) FROM units c WHERE c.parent_id = p.id) / %(per_district)s)
    ) AS g
    WHERE p.level = 'TINH'
    """,
    "UPDATE units u SET path = p.path || u.id || '/' FROM units p"
    " WHERE u.parent_id = p.id AND u.code LIKE 'LH%%'",
    # Old communes, several per new commune, each under one old district of the province.
    """
    INSERT INTO units (code, name, level, parent_id, path, depth, valid_to, is_border, is_dbkk,
                       aliases, search_text, change_seq)
    SELECT 'LX' || c.code || '-' || g, 'Xã cũ ' || g || ' (' || c.name || ')', 'XA', d.id,
           '', 3, DATE '2025-06-30', false, false, '[]', '', 0
    FROM units c
    CROSS JOIN generate_series(1, %(predecessors)s) AS g
    CROSS JOIN LATERAL (
        SELECT d.id FROM units d WHERE d.parent_id = c.parent_id AND d.code LIKE 'LH%%'
        ORDER BY d.code OFFSET (c.id %% greatest(1, (
            SELECT count(*) FROM units e WHERE e.parent_id = c.parent_id AND e.code LIKE 'LH%%'
        ))) LIMIT 1
    ) AS d
    WHERE c.level = 'XA' AND c.admin_code IS NOT NULL
    """,
    "UPDATE units u SET path = p.path || u.id || '/' FROM units p"
    " WHERE u.parent_id = p.id AND u.code LIKE 'LX%%'",
    # Each old commune went to one new commune; each old district to the new communes its old
    # communes went to (several: the reports attribute its own records to the first).
    """
    CREATE TEMP TABLE legacy_map AS
    SELECT l.id AS legacy_id, c.id AS new_id, split_part(l.code, '-', 2)::int AS k
    FROM units l JOIN units c ON c.code = substr(split_part(l.code, '-', 1), 3)
    WHERE l.code LIKE 'LX%%'
    """,
    "INSERT INTO unit_successors (unit_id, successor_id) SELECT legacy_id, new_id FROM legacy_map",
    """
    INSERT INTO unit_successors (unit_id, successor_id)
    SELECT DISTINCT l.parent_id, m.new_id FROM legacy_map m JOIN units l ON l.id = m.legacy_id
    """,
    # Records started before the reform were made by the old communes.
    """
    UPDATE dvk_models r SET owner_unit_id = m.legacy_id FROM legacy_map m
    WHERE r.owner_unit_id = m.new_id AND r.start_date < %(reform)s::date
      AND m.k = 1 + abs(hashtext(r.id)) %% %(predecessors)s
    """,
]


@dataclass
class Measurement:
    """One request timed several times."""

    label: str
    path: str
    args: dict
    target: bool = False
    times_ms: list[float] = field(default_factory=list)
    rows: int = 0
    size: int = 0

    @property
    def median_ms(self) -> float:
        """Return the median time."""
        return statistics.median(self.times_ms)


def build(pg_url: str, models: int, meetings: int, seed: int, reuse: bool) -> tuple[str, float]:
    """Return the database's URL, building it unless reusing one with the same record counts."""
    from sqlalchemy.engine import make_url

    url = make_url(pg_url).set(database=DATABASE).render_as_string(hide_password=False)
    if reuse:
        try:
            with dataset._connect(url) as conn:
                have = conn.execute(
                    "SELECT (SELECT count(*) FROM dvk_models), (SELECT count(*) FROM meetings),"
                    " (SELECT count(*) > 0 FROM unit_successors)"
                ).fetchone()
            if tuple(have) == (models, meetings, True):
                return url, 0.0
            print(f"Not reusing {DATABASE}: it holds {have}", file=sys.stderr)
        except Exception as exc:  # any failure means: build it afresh
            print(f"Not reusing {DATABASE}: {exc}", file=sys.stderr)
    url = reset_postgres_database(pg_url, DATABASE)
    migrate(url)
    started = time.monotonic()
    dataset.generate(url, models, meetings, seed)
    add_legacy_units(url)
    return url, time.monotonic() - started


def add_legacy_units(url: str) -> None:
    """Add the pre-2025 tree (old districts and communes with successors) and its records."""
    started = time.monotonic()
    params = {
        "per_district": COMMUNES_PER_DISTRICT,
        "predecessors": PREDECESSORS,
        "reform": REFORM,
    }
    with dataset._connect(url) as conn:
        for statement in LEGACY_SQL:
            conn.execute(statement, params)
        conn.commit()
    with dataset._connect(url, autocommit=True) as conn:
        conn.execute("VACUUM (ANALYZE) units")
        conn.execute("VACUUM (ANALYZE) unit_successors")
        conn.execute("VACUUM (ANALYZE) dvk_models")
    print(f"[legacy {time.monotonic() - started:6.1f} s] old districts and communes added")


def largest_province(session):
    """Return the province whose subtree owns the most models, and how many it owns."""
    from server.models import Unit

    # Provinces sit at depth 1, so the third part of an owner's path "/root/province/…" is
    # its province: one pass over the records, no per-province query.
    province_id, count = session.execute(
        text(
            "SELECT split_part(u.path, '/', 3)::int, count(*) FROM dvk_models m"
            " JOIN units u ON u.id = m.owner_unit_id GROUP BY 1 ORDER BY 2 DESC LIMIT 1"
        )
    ).one()
    return session.get(Unit, province_id), count


def headers_for(session, unit, roles: list[str]) -> dict:
    """Create a user at a unit with a signed-in device; return its request headers."""
    from server.auth.tokens import hash_token, new_token
    from server.models import Device, User
    from server.models.types import utcnow

    name = f"bench.reports.{unit.code}.{roles[0].lower()}"
    user = session.scalar(select(User).where(User.username == name))
    if user is None:
        user = User(
            username=name,
            full_name="Đo hiệu năng báo cáo",
            unit=unit,
            roles=roles,
            password_hash="!",  # noqa: S106 - not a hash: this account never signs in
        )
        session.add(user)
    token, now = new_token(), utcnow()
    session.add(
        Device(
            id=str(uuid.uuid4()),
            user=user,
            name="bench",
            token_hash=hash_token(token),
            created_at=now,
            last_seen_at=now,
            expires_at=now + timedelta(hours=1),
        )
    )
    session.commit()
    return {"Authorization": f"Bearer {token}"}


def time_request(client, headers: dict, m: Measurement, runs: int) -> None:
    """Send a request WARMUP + runs times, keeping the timings of the last runs."""
    for index in range(WARMUP + runs):
        started = time.perf_counter()
        response = client.get(m.path, query_string=m.args, headers=headers)
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            raise RuntimeError(f"{m.path} {m.args}: {response.status_code} {response.data[:300]}")
        if index >= WARMUP:
            m.times_ms.append(elapsed)
    m.size = len(response.data)
    if response.is_json:
        m.rows = len(response.get_json().get("rows", []))


def explain_r1(app, client, headers: dict, args: dict) -> list[str]:
    """Return the plan PostgreSQL ran R1's aggregate with, as EXPLAIN ANALYZE prints it."""
    from server.extensions import db

    seen: list[tuple[str, object]] = []

    def capture(_conn, _cursor, statement, parameters, _context, _many):
        if "row_map" in statement and "dvk_models" in statement:
            seen.append((statement, parameters))

    with app.app_context():
        engine = db.engine
        event.listen(engine, "before_cursor_execute", capture)
        try:
            client.get("/api/v1/reports/r1", query_string=args, headers=headers)
        finally:
            event.remove(engine, "before_cursor_execute", capture)
        statement, parameters = seen[0]
        with engine.connect() as conn:
            cursor = conn.connection.cursor()
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
            return [row[0] for row in cursor.fetchall()]


def plan_summary(plan: list[str]) -> list[str]:
    """Keep the lines of a plan that say how the records were read, and its timings."""
    keys = ("Scan", "Join", "Loop", "Aggregate", "Heap Fetches", "Execution Time", "Planning")
    kept = [line.rstrip() for line in plan if any(k in line for k in keys)]
    return [line if len(line) <= 160 else line[:157] + "..." for line in kept]


def measurements(province_id: int, root_id: int) -> list[Measurement]:
    """Return what to time: R1 in its variants, then the other reports for comparison."""
    year = {"unit_id": province_id, "period": PERIOD_YEAR}
    before = year | {"period": "NAM_2024"}
    r1 = "/api/v1/reports/r1"
    return [
        Measurement("R1, 2025, new boundaries", r1, year, target=True),
        Measurement("R1, 2024, old boundaries", r1, before, target=True),
        Measurement("R1, 2024 on new boundaries", r1, before | {"boundaries": "new"}, target=True),
        Measurement("R1, phase 2021–2025", r1, year | {"period": "GD_2021_2025"}, target=True),
        Measurement(
            "R1, first half of 2025 (by start_date)",
            r1,
            year | {"period": "6THANG_DAU_2025"},
            target=True,
        ),
        Measurement("R1, 2025, all records", r1, year | {"records": "all"}, target=True),
        Measurement("R1, 2025, XLSX", r1, year | {"format": "xlsx"}, target=True),
        Measurement("R3, 2025, first page of 50", "/api/v1/reports/r3", year),
        Measurement("R4 pivot, 2025", "/api/v1/reports/r4", year),
        Measurement("R7, 2025", "/api/v1/reports/r7", year),
        Measurement("Dashboard, 2025", "/api/v1/dashboard", year),
        Measurement("R1 national (34 rows), 2025", r1, year | {"unit_id": root_id}),
    ]


def run(url: str, runs: int) -> tuple[dict, list[Measurement], list[str]]:
    """Time every measurement; return facts about the data, the timings and R1's plan."""
    from server import create_app
    from server.extensions import db
    from server.models import Unit

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    client = app.test_client()
    with app.app_context():
        session = db.session
        province, in_province = largest_province(session)
        root = session.scalar(select(Unit).where(Unit.parent_id.is_(None)))
        reviewer = headers_for(session, province, ["LANH_DAO_DUYET"])
        admin = headers_for(session, root, ["QUAN_TRI"])
        facts = {
            "models": session.scalar(text("SELECT count(*) FROM dvk_models")),
            "meetings": session.scalar(text("SELECT count(*) FROM meetings")),
            "province": province.name,
            "province_units": session.scalar(
                select(func.count()).select_from(Unit).where(Unit.parent_id == province.id)
            ),
            "province_models": in_province,
            "pg": session.scalar(text("SHOW server_version")),
            "table_size": session.scalar(
                text("SELECT pg_size_pretty(pg_total_relation_size('dvk_models'))")
            ),
            "index_size": session.scalar(
                text("SELECT pg_size_pretty(pg_relation_size('ix_dvk_models_rollup'))")
            ),
        }
        province_id, root_id = province.id, root.id
        session.remove()
    results = measurements(province_id, root_id)
    for m in results:
        headers = admin if m.args.get("unit_id") == root_id else reviewer
        time_request(client, headers, m, runs)
        print(
            f"{m.label:38} {m.median_ms:8.1f} ms  "
            f"({min(m.times_ms):.1f}–{max(m.times_ms):.1f}, n={len(m.times_ms)})",
            flush=True,
        )
    plan = explain_r1(app, client, reviewer, {"unit_id": province_id, "period": PERIOD_YEAR})
    return facts, results, plan


def markdown(
    facts: dict, results: list[Measurement], plan: list[str], built_s: float, command: str
) -> str:
    """Return the section appended to docs/BENCHMARKS.md."""
    info = report.machine()
    info.pop("Server", None)
    info["Database"] = f"PostgreSQL {facts['pg']} (local, default settings)"
    info["Client"] = "the Flask app in process (test client): auth, parsing, SQL, JSON or XLSX"
    info["Dataset"] = (
        f"{facts['models']:,} models and {facts['meetings']:,} meetings from bench.dataset over "
        f"the 34 provinces and 3,321 communes; dvk_models {facts['table_size']}, "
        f"ix_dvk_models_rollup {facts['index_size']}"
        + (f"; built in {built_s / 60:.1f} min" if built_s else "; reused")
    )
    info["Province timed"] = (
        f"{facts['province']}, the largest: {facts['province_units']} communes, "
        f"{facts['province_models']:,} models (a provincial reviewer asks)"
    )
    body = [
        f"Median of {len(results[0].times_ms)} warm runs after {WARMUP} warm-up runs each.",
        "",
        "| report | rows | response | median | range | target | met |",
        "|---|---:|---:|---:|---:|---|---|",
    ]
    for m in results:
        target = "≤ 1 s" if m.target else ""
        met = report.mark(m.median_ms <= TARGET_MS if m.target else None)
        body.append(
            f"| {m.label} | {m.rows or ''} | {m.size:,} B | {m.median_ms:,.0f} ms | "
            f"{min(m.times_ms):,.0f}–{max(m.times_ms):,.0f} ms | {target} | {met} |"
        )
    body += [
        "",
        f"How PostgreSQL ran R1's aggregate ({PERIOD_YEAR}), EXPLAIN (ANALYZE, BUFFERS) lines:",
        "",
        "```",
        *plan_summary(plan),
        "```",
    ]
    return report.section(
        f"Reports at national scale: R1 for {facts['province']}, PostgreSQL {facts['pg']}",
        command,
        info,
        body,
    )


def main(argv: list[str] | None = None) -> int:
    """Build or reuse the dataset, time the reports, print and record the results."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg-url", default=DEFAULT_PG_URL)
    parser.add_argument("--models", type=int, default=1_000_000)
    parser.add_argument("--meetings", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=RUNS)
    parser.add_argument("--reuse", action="store_true", help="reuse a database already built")
    parser.add_argument("--no-write", action="store_true", help="do not touch docs/BENCHMARKS.md")
    args = parser.parse_args(argv)

    url, built_s = build(args.pg_url, args.models, args.meetings, args.seed, args.reuse)
    facts, results, plan = run(url, args.runs)
    command = "python -m bench.reports_scale" + (" " + " ".join(argv) if argv else "")
    section = markdown(facts, results, plan, built_s, command)
    print(section)
    if not args.no_write:
        report.write(section)
    missed = [m.label for m in results if m.target and m.median_ms > TARGET_MS]
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
