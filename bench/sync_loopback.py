"""Measure what the sync protocol costs on loopback: requests, bytes both ways, wall time.

Starts gunicorn (2 workers, gunicorn.conf.py) on 127.0.0.1 against a fresh database, seeds an
officer with `flask users create`, and drives it with the real SyncClient:

    python -m bench.sync_loopback                  # SQLite file in a temporary folder
    python -m bench.sync_loopback --db postgres    # database sotay_bench, created if missing

Bytes are HTTP bytes as sync/client.py's Transport counts them: request and status lines,
headers and bodies as sent (gzip where used). The results are printed and appended to
docs/BENCHMARKS.md (``--no-write`` to skip).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bench.live import (
    LIVE_PASSWORD,
    LiveServer,
    create_user,
    migrate,
    reset_postgres_database,
    seed_units,
)
from sync.client import LocalState, SyncClient, Traffic, Transport

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PG_URL = "postgresql+psycopg://app:app@127.0.0.1:5432/sotay_bench"
PG_DATABASE = "sotay_bench"
UNITS = [
    ("TW", "Trung ương", "TRUNG_UONG", None),
    ("40", "Tỉnh Nghệ An", "TINH", "TW"),
    ("17000", "Xã Nậm Cắn", "XA", "40"),
]
WORKERS = 2
PUSH_RECORDS = 1000
PULL_RECORDS = 10_000
PULL_PAGES = (1000, 5000)
SEED_BATCH = 1000
IDLE_RUNS = 21
# Timed operations run this many times; the table shows the median and the range, since a
# shared machine's load moves single timings a lot.
REPEATS = 3
TARGET_IDLE_BYTES = 600
TARGET_ENVELOPE_BYTES = 64
HEADER = """# Benchmarks

Measurements of the running system, newest last. Each section is one run of the command it
names, on the machine it describes; numbers from different machines are not comparable.
"""

# --- realistic records ----------------------------------------------------------------------

PLACES = ["Huồi Pủng", "Nậm Cắn", "Xốp Mạt", "Phà Lõm", "Keng Đu", "Tà Cạ", "Mường Lống", "Na Ngoi"]
GROUPS = [
    "Chi hội Phụ nữ",
    "Chi đoàn Thanh niên",
    "Chi hội Nông dân",
    "Chi hội Cựu chiến binh",
    "Tổ hòa giải",
    "Ban công tác Mặt trận",
]
AIMS = [
    "giữ gìn vệ sinh môi trường bản làng",
    "phát triển kinh tế hộ gia đình, giảm nghèo bền vững",
    "vận động con em đến trường đúng độ tuổi",
    "bảo vệ đường biên, cột mốc quốc gia",
    "xây dựng nếp sống văn minh trong việc cưới, việc tang",
    "hiến đất mở rộng đường giao thông nông thôn",
    "phòng chống ma túy và tệ nạn xã hội",
]
WAYS = [
    "phân công hội viên phụ trách từng cụm dân cư",
    "họp dân hằng tháng tại nhà văn hóa bản",
    "kết hợp già làng, trưởng bản và người có uy tín",
    "tuyên truyền bằng tiếng dân tộc trên loa truyền thanh",
    "đăng ký thi đua giữa các hộ, công khai kết quả",
]
METRICS = [
    ("Số hộ tham gia", "hộ"),
    ("Số buổi tuyên truyền", "buổi"),
    ("Kinh phí huy động", "triệu"),
]
TAGS = ["NTM", "GPMB", "GIAM_NGHEO", "DAN_TOC", "BIEN_GIOI", "MOI_TRUONG", "CCHC"]
STATUSES = ["DANG_KY", "DANG_XAY_DUNG", "DANG_DUY_TRI", "DA_NHAN_RONG"]
FIELDS = ["KINH_TE", "VAN_HOA_XA_HOI", "QP_AN", "XD_HTCT"]


def make_model(rng: random.Random, unit_id: int) -> dict:
    """Return a valid model whose texts vary the way officers' do, so gzip is not flattered."""
    place, group, aim = rng.choice(PLACES), rng.choice(GROUPS), rng.choice(AIMS)
    start = date(2021, 1, 1) + timedelta(days=rng.randrange(1500))
    metrics = [
        {"metric": name, "value": rng.randrange(5, 500), "unit": unit}
        for name, unit in rng.sample(METRICS, rng.randint(1, 2))
    ]
    return {
        "id": str(uuid.uuid4()),
        "owner_unit_id": unit_id,
        "kind": "MO_HINH",
        "subject_type": "TAP_THE",
        "name": f"{group} bản {place} {aim}",
        "field": rng.choice(FIELDS),
        "collective_name": f"{group} bản {place}",
        "commune_unit_id": unit_id,
        "locality": f"Bản {place}",
        "start_date": start.isoformat(),
        "status": rng.choice(STATUSES),
        "period": "GD_2021_2025",
        "year_registered": start.year,
        "objective": f"Vận động nhân dân {aim}; {rng.randrange(60, 100)}% hộ đồng thuận.",
        "method": f"{rng.choice(WAYS).capitalize()}; {rng.choice(WAYS)}.",
        "results": f"{rng.randrange(20, 300)} hộ tham gia, {rng.randrange(1, 40)} buổi họp.",
        "metrics": metrics,
        "topic_tags": rng.sample(TAGS, rng.randint(1, 3)),
        # The PWA's form always sends it: without it the server stores [] where the device
        # holds nothing, and must send every pushed record back (PROTOCOL.md §5.5).
        "attachments": [],
    }


# --- measuring ------------------------------------------------------------------------------


def push_maker(
    rng: random.Random, unit_id: int, state: dict, batch: int
) -> Callable[[], list[dict]]:
    """Return a maker of pushes of `batch` new varied models, numbering seqs in `state`."""
    templates = [make_model(rng, unit_id) for _ in range(40)]

    def push_body() -> list[dict]:
        out = []
        for data in rng.sample(templates, batch):
            state["seq"] += 1
            out.append({"seq": state["seq"], "op": "put", "table": "models", "base": 0,
                        "data": {**data, "id": str(uuid.uuid4())}})  # fmt: skip
        return out

    return push_body


def dumps(value) -> bytes:
    """Serialise JSON exactly as the client and the sync endpoint do."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


class RecordingTransport(Transport):
    """A Transport that also keeps the last exchange and counts TCP connections."""

    def __init__(self, base_url: str):
        super().__init__(base_url)
        self.connections = 0
        self.last: dict = {}
        self.bodies: list[bytes] = []

    def post(self, path: str, body: bytes, headers: dict) -> tuple[int, dict, bytes]:
        """Send one POST, remembering what went each way."""
        if self.conn is None:
            self.connections += 1
        status, response_headers, raw = super().post(path, body, headers)
        self.last = {
            "request_headers": {
                "Host": f"{self.host}:{self.port}",
                "Content-Length": str(len(body)),
                **headers,
            },
            "request_body": body,
            "status": status,
            "response_headers": response_headers,
            "response_body": raw,
        }
        self.bodies.append(raw)
        return status, response_headers, raw


class NullStore:
    """Keep the device state in the client object only: the bench measures the wire."""

    def load(self) -> LocalState:
        """Start empty."""
        return LocalState()

    def save(self, state: LocalState) -> None:
        """Do nothing."""


@dataclass
class Row:
    """One line of the results table."""

    name: str
    requests: int
    bytes_up: int
    bytes_down: int
    times: list[float]
    target: str = ""
    ok: bool | None = None
    connections: int = 0

    @property
    def total(self) -> int:
        """Return the bytes both ways."""
        return self.bytes_up + self.bytes_down

    def wall_time(self) -> str:
        """Return the median time, with the range when there were several runs."""
        median = f"{statistics.median(self.times) * 1000:,.0f} ms"
        if len(self.times) == 1:
            return median
        low, high = min(self.times) * 1000, max(self.times) * 1000
        return f"{median} ({low:,.0f}–{high:,.0f}, n={len(self.times)})"


def combine(rows: list[Row]) -> Row:
    """Merge repeated runs of one measurement: their bytes agree, their times do not."""
    row = rows[-1]
    row.times = [t for r in rows for t in r.times]
    return row


@dataclass
class Results:
    """Everything one run measured."""

    rows: list[Row] = field(default_factory=list)
    envelope: dict = field(default_factory=dict)
    idle_headers: dict = field(default_factory=dict)
    idle_bodies: tuple[str, str] = ("", "")
    record_extras: list[tuple[str, float]] = field(default_factory=list)


class Bench:
    """Devices of one officer against a running server."""

    def __init__(self, url: str, unit_id: int):
        self.url = url
        self.unit_id = unit_id
        self.rng = random.Random(20261122)
        self.sent: dict[str, dict] = {}  # id -> data as the device sent it
        self.devices: list[SyncClient] = []

    def device(self, page_limit: int | None = None) -> SyncClient:
        """Sign a new device in."""
        client = SyncClient(
            self.url,
            store=NullStore(),
            transport=RecordingTransport(self.url),
            page_limit=page_limit,
            app_version="bench-2026.11",
        )
        self.devices.append(client)
        client.login("canbo", LIVE_PASSWORD, device_name="bench")
        return client

    def close(self) -> None:
        """Close every device's connection."""
        for client in self.devices:
            client.transport.close()

    def create(self, client: SyncClient, count: int) -> None:
        """Queue `count` new varied models on a device."""
        for _ in range(count):
            data = make_model(self.rng, self.unit_id)
            self.sent[data["id"]] = data
            client.create("models", data)

    @staticmethod
    def measure(client: SyncClient, name: str, *, batch: int = 1000, target: str = "") -> Row:
        """Run one sync and return what it cost on the wire."""
        transport = client.transport
        transport.traffic = Traffic()
        connections = transport.connections
        started = time.perf_counter()
        report = client.sync(batch=batch)
        seconds = time.perf_counter() - started
        bad = [r for r in report.results if r["status"] not in ("applied", "duplicate")]
        if bad:
            raise RuntimeError(f"{name}: unexpected results {bad[:3]}")
        traffic = transport.traffic
        return Row(
            name,
            traffic.requests,
            traffic.bytes_up,
            traffic.bytes_down,
            [seconds],
            target,
            connections=transport.connections - connections,
        )


def header_costs(headers: dict) -> dict[str, int]:
    """Return the bytes each header line takes on the wire."""
    return {k: len(f"{k}: {v}\r\n".encode("latin-1")) for k, v in headers.items()}


def run(url: str, unit_id: int, pull_records: int, push_records: int) -> Results:
    """Run the five measurements against a fresh server."""
    bench = Bench(url, unit_id)
    try:
        return _measure_all(bench, pull_records, push_records)
    finally:
        bench.close()


def _measure_all(bench: Bench, pull_records: int, push_records: int) -> Results:
    results = Results()
    a, b = bench.device(), bench.device()
    bench.create(a, 2)
    a.sync()
    b.sync()

    # (1) Nothing to sync. Each worker serves a few first, so that no first-request set-up
    # (imports, database connection) is timed; the time is the median of several.
    for _ in range(2 * WORKERS):
        a.sync()
    idle = [
        bench.measure(a, "1. nothing to sync", target=f"1 request, ≤ {TARGET_IDLE_BYTES} B")
        for _ in range(IDLE_RUNS)
    ]
    row = combine(idle)
    row.ok = all(r.requests == 1 and r.total <= TARGET_IDLE_BYTES for r in idle)
    results.rows.append(row)
    last = a.transport.last
    status = f"{last['status']}"
    results.idle_headers = {
        "request": {
            "request line": len(b"POST /api/v1/sync HTTP/1.1\r\n"),
            **header_costs(last["request_headers"]),
            "blank line": 2,
            "body": len(last["request_body"]),
        },
        "response": {
            "status line": len(f"HTTP/1.1 {status} OK\r\n"),
            **header_costs(last["response_headers"]),
            "blank line": 2,
            "body": len(last["response_body"]),
        },
    }
    results.idle_bodies = (last["request_body"].decode(), last["response_body"].decode())

    # (2) One change up, one down: b edited a record since a's cursor; a edited another.
    first, second = list(a.state.records["models"])
    b.edit("models", first, {"locality": "Bản Huồi Mới"})
    b.sync()
    a.edit("models", second, {"results": "150 hộ tham gia, 12 buổi họp."})
    row = bench.measure(a, "2. one change up, one down", target="1 request")
    row.ok = row.requests == 1 and a.record("models", first)["locality"] == "Bản Huồi Mới"
    results.rows.append(row)

    # (3) Push 1,000 new records in one request.
    pushes = []
    for _ in range(REPEATS):
        bench.create(a, push_records)
        outbox = list(a.state.outbox)
        name = f"3. push {push_records:,} records (gzip)"
        pushes.append(bench.measure(a, name, target="1 request"))
    row = combine(pushes)
    row.ok = all(r.requests == 1 for r in pushes)
    results.rows.append(row)
    envelopes = [
        len(dumps({k: m[k] for k in ("seq", "op", "table", "base", "data")}))
        - len(dumps(m["data"]))
        + 1  # the comma between array items
        for m in outbox
    ]
    results.envelope["mutation"] = sum(envelopes) / len(envelopes)

    # Seed the rest of the pull through the same endpoint, from another device.
    seeder = bench.device()
    missing = pull_records - len(bench.sent)
    while missing > 0:
        bench.create(seeder, min(SEED_BATCH, missing))
        seeder.sync(batch=SEED_BATCH)
        missing = pull_records - len(bench.sent)

    # (4) Initial pulls of every record in scope, in pages of two sizes.
    for limit in PULL_PAGES:
        pulls, complete = [], True
        for _ in range(REPEATS):
            reader = bench.device(page_limit=limit)
            reader.transport.bodies.clear()
            name = f"4. initial pull {pull_records:,}, pages of {limit:,}"
            pulls.append(bench.measure(reader, name, target=f"{pull_records:,} records"))
            complete = complete and len(reader.state.records["models"]) == pull_records
        row = combine(pulls)
        row.ok = complete
        results.rows.append(row)
        if limit == PULL_PAGES[0]:
            envelope_of_pull(reader.transport.bodies, bench.sent, results)
    return results


def envelope_of_pull(bodies: list[bytes], sent: dict[str, dict], results: Results) -> None:
    """Work out the pull's bytes per record beyond each record's own JSON, uncompressed."""
    items = framing = 0
    extras: dict[str, int] = {}
    grown = matched = 0
    for body in bodies:
        page = json.loads(body)
        inner = 0
        for kind, rows in page["changes"].items():
            if kind == "removed":
                continue
            for row in rows:
                inner += len(dumps(row))
                items += 1
                if kind == "models" and row["id"] in sent:
                    # Server fields and nulls the pulled record carries beyond what was sent.
                    own = sent[row["id"]]
                    grown += len(dumps(row)) - len(dumps(own))
                    matched += 1
                    for key in row.keys() - own.keys():
                        extras[key] = extras.get(key, 0) + len(dumps({key: row[key]})) - 1
        framing += len(body) - inner
    results.envelope["pull"] = framing / items
    results.envelope["record_growth"] = grown / matched
    results.record_extras = sorted(
        ((k, v / matched) for k, v in extras.items()), key=lambda kv: -kv[1]
    )


# --- reporting ------------------------------------------------------------------------------


def machine(database: str, database_url: str, worker_class: str | None) -> dict[str, str]:
    """Describe the machine, Python and database the run used."""
    cpu = "unknown"
    with open("/proc/cpuinfo", encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo", encoding="utf-8") as fh:
        kib = next(int(line.split()[1]) for line in fh if line.startswith("MemTotal"))
    if database == "postgres":
        import psycopg
        from sqlalchemy.engine import make_url

        parsed = make_url(database_url)
        with psycopg.connect(
            host=parsed.host,
            port=parsed.port or 5432,
            user=parsed.username,
            password=parsed.password,
            dbname=parsed.database,
        ) as conn:
            version = conn.execute("SHOW server_version").fetchone()[0]
        db = f"PostgreSQL {version} (database {parsed.database})"
    else:
        db = f"SQLite {sqlite3.sqlite_version} (WAL, file on local disk)"
    import gunicorn

    return {
        "CPUs (nproc)": str(len(os.sched_getaffinity(0))),
        "CPU": cpu,
        "RAM": f"{kib / 1024 / 1024:.1f} GiB",
        "Load average (1, 5, 15 min) at the end": ", ".join(f"{x:.2f}" for x in os.getloadavg()),
        "Python": platform.python_version(),
        "OS": f"{platform.system()} {platform.release()}",
        "Database": db,
        "Server": f"gunicorn {gunicorn.__version__}, {WORKERS} "
        + (f"{worker_class} workers" if worker_class else "workers as in gunicorn.conf.py (sync)")
        + ", loopback",
    }


def _check(ok: bool | None) -> str:
    return "" if ok is None else ("✅" if ok else "❌")


def table(results: Results) -> list[str]:
    """Return the results as Markdown table lines."""
    lines = [
        "| measurement | requests | new TCP connections | bytes up | bytes down | total "
        "| wall time | target | met |",
        "|---|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for r in results.rows:
        lines.append(
            f"| {r.name} | {r.requests} | {r.connections} | {r.bytes_up:,} | {r.bytes_down:,} "
            f"| {r.total:,} | {r.wall_time()} | {r.target} | {_check(r.ok)} |"
        )
    env = results.envelope
    lines.append(
        f"| 5. mutation envelope per record (uncompressed) | | | {env['mutation']:.1f} B | | | "
        f"| ≤ {TARGET_ENVELOPE_BYTES} B | {_check(env['mutation'] <= TARGET_ENVELOPE_BYTES)} |"
    )
    lines.append(
        f"| 5. pull envelope per record (uncompressed) | | | | {env['pull']:.1f} B | | "
        f"| ≤ {TARGET_ENVELOPE_BYTES} B | {_check(env['pull'] <= TARGET_ENVELOPE_BYTES)} |"
    )
    return lines


def markdown(results: Results, info: dict[str, str], command: str, worker_class: str | None) -> str:
    """Return the run as a Markdown section."""
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    workers = "gunicorn.conf.py's workers" if worker_class is None else worker_class
    out = [f"## Sync over loopback: {info['Database'].split(' (')[0]}, {workers} — {now}", ""]
    out.append(f"Command: `{command}`")
    out.append("")
    out.extend(f"- {k}: {v}" for k, v in info.items())
    out.append(
        "- Client: sync/client.py SyncClient, state kept in memory (the store is not timed); "
        "bytes are HTTP request/status lines, headers and bodies as sent."
    )
    out.append("")
    out.extend(table(results))
    out.append("")
    env = results.envelope
    out.append(
        f"Each pulled record also carries {env['record_growth']:.0f} B more than the JSON its "
        "device sent (server fields and nulls); the largest: "
        + ", ".join(f"`{k}` {v:.0f} B" for k, v in results.record_extras[:8])
        + "."
    )
    out.append("")
    out.append("Where the bytes of the nothing-to-sync exchange go:")
    out.append("")
    out.append("| part | request | response |")
    out.append("|---|---:|---:|")
    request, response = results.idle_headers["request"], results.idle_headers["response"]
    for key in dict.fromkeys([*request, *response]):
        out.append(f"| {key} | {request.get(key, '')} | {response.get(key, '')} |")
    out.append(f"| **total** | {sum(request.values())} | {sum(response.values())} |")
    out.append("")
    out.append(f"Request body: `{results.idle_bodies[0]}`  ")
    out.append(f"Response body: `{results.idle_bodies[1]}`")
    out.append("")
    return "\n".join(out) + "\n"


def append_to(path: Path, section: str) -> None:
    """Append a section to the benchmarks file, creating it with its header if needed."""
    if not path.exists():
        path.write_text(HEADER, encoding="utf-8")
    with path.open("a", encoding="utf-8") as fh:
        fh.write("\n" + section)


# --- entry point ----------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and report it."""
    parser = argparse.ArgumentParser(prog="python -m bench.sync_loopback", description=__doc__)
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument(
        "--pg-url",
        default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_PG_URL),
        help=f"PostgreSQL server to use; the database is always {PG_DATABASE}",
    )
    parser.add_argument("--records", type=int, default=PULL_RECORDS, help="records to pull")
    parser.add_argument("--push", type=int, default=PUSH_RECORDS, help="records in the push")
    parser.add_argument(
        "--worker-class",
        help="gunicorn worker class instead of gunicorn.conf.py's (sync workers close every "
        "connection; gthread keeps it alive)",
    )
    parser.add_argument("--output", type=Path, default=REPO_ROOT / "docs" / "BENCHMARKS.md")
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args(argv)
    if not 0 < args.push <= 1000 or args.records < REPEATS * args.push + 2:
        parser.error(f"need 0 < --push <= 1000 and --records >= {REPEATS} × --push + 2")

    with tempfile.TemporaryDirectory(prefix="sotay-bench-") as tmp:
        if args.db == "postgres":
            database_url = reset_postgres_database(args.pg_url, PG_DATABASE)
        else:
            database_url = "sqlite:///" + str(Path(tmp) / "bench.sqlite3")
        print(f"Preparing {args.db} database…", file=sys.stderr)
        migrate(database_url)
        units = seed_units(database_url, UNITS)
        create_user(database_url, "canbo", "17000", "CAN_BO_NHAP")
        with LiveServer(
            database_url,
            Path(tmp) / "gunicorn.log",
            workers=WORKERS,
            worker_class=args.worker_class,
        ) as server:
            print(f"Measuring against {server.url}…", file=sys.stderr)
            results = run(server.url, units["17000"], args.records, args.push)
        info = machine(args.db, database_url, args.worker_class)

    command = " ".join(["python -m bench.sync_loopback", *(argv or sys.argv[1:])])
    section = markdown(results, info, command, args.worker_class)
    print(section)
    if not args.no_write:
        append_to(args.output, section)
        print(f"Appended to {args.output}", file=sys.stderr)
    return 0 if all(r.ok is not False for r in results.rows) else 1


if __name__ == "__main__":
    sys.exit(main())
