"""Sync scenarios over emulated phone links: real gunicorn in one namespace, real client in another.

For each profile (2g-lossy, 3g, slow-4g) a link is built with ``bench.netem``; gunicorn
(gunicorn.conf.py as committed) runs in the server namespace against PostgreSQL, reached
through its Unix socket (sockets on the file system cross network namespaces; the loopback
TCP port does not), and ``bench.driver`` runs the sync client in the client namespace.

Each step is compared with its physical floor: round trips × RTT + bytes up ÷ up-rate + bytes
down ÷ down-rate, where the round trips are one per request plus one per new TCP connection
(its handshake), and the bytes are HTTP bytes as the client's Transport counts them (TCP/IP
headers, about 3 %, and TCP's slow start are part of what the ratio shows).
"""

from __future__ import annotations

import contextlib
import getpass
import json
import re
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from bench import dataset, report
from bench.live import migrate, reset_postgres_database, seed_units, server_env
from bench.netem import PROFILES, Profile, emulated_link, ensure_tools

REPO_ROOT = Path(__file__).resolve().parent.parent
DATABASE = "sotay_bench_link"
PORT = 8000
PROVINCE = "40"
# One commune per profile for the pushing devices (so each profile starts from the same small
# scope), and one whose scope holds exactly the records of the initial pull.
PUSH_COMMUNES = {"2g-lossy": "17000", "3g": "17001", "slow-4g": "17002"}
PULL_COMMUNE = "17100"
PULL_MODELS, PULL_MEETINGS = 4_000, 6_000
READY_TIMEOUT_S = 60
# Everything a profile runs: 2G moves ~1 MB of pull twice plus pushes in ~2 minutes.
DRIVER_TIMEOUT_S = 900
STOP_TIMEOUT_S = 15
# The server's access log: method, path, status, microseconds spent on the request.
ACCESS_FORMAT = "ACCESS %(m)s %(U)s %(s)s %(D)s"
ACCESS_LINE = re.compile(r"ACCESS (\S+) (\S+) (\d{3}) (\d+)")
TARGET_ONE_CHANGE_S = 1.0
TARGET_IDLE_BYTES = 600
TARGET_RATIO = 1.3
# `--scenario push`: pushes of 1,000 per profile, reported as their median.
PUSH_REPEATS = 3


@dataclass
class Step:
    """One measured step on one profile, with its floor and its target."""

    profile: str
    name: str
    requests: int
    connections: int
    bytes_up: int
    bytes_down: int
    seconds: float
    floor: float
    server_s: float | None
    target: str = ""
    ok: bool | None = None
    note: str = ""
    times: list[float] = field(default_factory=list)

    @property
    def ratio(self) -> float:
        """Return wall time over the floor."""
        return self.seconds / self.floor


def floor_seconds(profile: Profile, round_trips: int, up: int, down: int) -> float:
    """Return the least time an exchange can take on the profile's link."""
    return (
        round_trips * profile.rtt_ms / 1000
        + up * 8 / (profile.up_kbit * 1000)
        + down * 8 / (profile.down_kbit * 1000)
    )


# --- database ----------------------------------------------------------------------------


def socket_url(pg_url: str, database: str) -> str:
    """Return a URL for ``database`` over PostgreSQL's Unix socket, as this OS user.

    Debian's pg_hba.conf lets a local OS user in over the socket as the role of the same name
    (peer authentication); that role is created here if missing and made a member of the app's
    role, so it may use the tables the app's migrations own.
    """
    from sqlalchemy.engine import make_url

    with dataset._connect(pg_url, autocommit=True) as conn:
        me = getpass.getuser()
        exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (me,)).fetchone()
        owner = make_url(pg_url).username
        from psycopg import sql

        if not exists:
            conn.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(me)))
        conn.execute(sql.SQL("GRANT {} TO {}").format(sql.Identifier(owner), sql.Identifier(me)))
        directory = conn.execute("SHOW unix_socket_directories").fetchone()[0].split(",")[0]
    return f"postgresql+psycopg://{me}@/{database}?host={directory.strip()}"


def prepare(pg_url: str, *, with_pull: bool = True) -> tuple[str, str]:
    """Build the scenario database; return its TCP URL and its Unix-socket URL."""
    url = reset_postgres_database(pg_url, DATABASE)
    migrate(url)
    units = [("TW", "Trung ương", "TRUNG_UONG", None), (PROVINCE, "Tỉnh Nghệ An", "TINH", "TW")]
    units += [(code, f"Xã Thử {code}", "XA", PROVINCE) for code in PUSH_COMMUNES.values()]
    units.append((PULL_COMMUNE, "Xã Mường Lống", "XA", PROVINCE))
    seed_units(url, units)
    dataset.create_people(url, list(PUSH_COMMUNES.values()))
    if with_pull:
        dataset.generate(url, PULL_MODELS, PULL_MEETINGS, unit_codes=[PULL_COMMUNE], quiet=True)
    return url, socket_url(pg_url, DATABASE)


# --- one profile --------------------------------------------------------------------------


def run_profile(
    name: str, db_socket_url: str, workdir: Path, pushes_only: int = 0
) -> tuple[dict, list[int]]:
    """Run the driver over one emulated link; return its JSON and the server's durations."""
    profile = PROFILES[name]
    log_path = workdir / f"gunicorn-{name}.log"
    with emulated_link(profile) as link, open(log_path, "wb") as log:
        url = f"http://{link.server_ip}:{PORT}"
        env = server_env(db_socket_url, BIND=f"{link.server_ip}:{PORT}")
        env.pop("WEB_CONCURRENCY", None)  # the workers gunicorn.conf.py asks for
        server = link.run_in_server_ns(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py",
             "--access-logformat", ACCESS_FORMAT, "wsgi:app"],
            cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            probe = link.run_in_server_ns(
                [sys.executable, "-m", "bench.driver", "wait", "--url", url,
                 "--timeout", str(READY_TIMEOUT_S)],
                cwd=REPO_ROOT,
            )  # fmt: skip
            if probe.wait(timeout=READY_TIMEOUT_S + STOP_TIMEOUT_S) != 0:
                raise RuntimeError(f"gunicorn did not start:\n{log_path.read_text()[-3000:]}")
            driver = link.run_in_client_ns(
                [sys.executable, "-m", "bench.driver", "run", "--url", url,
                 "--officer", f"xa.{PUSH_COMMUNES[name]}", "--puller", f"xa.{PULL_COMMUNE}",
                 "--pull-records", str(PULL_MODELS + PULL_MEETINGS),
                 "--pushes-only", str(pushes_only)],
                cwd=REPO_ROOT, stdout=subprocess.PIPE, text=True,
            )  # fmt: skip
            out, _ = driver.communicate(timeout=DRIVER_TIMEOUT_S)
            if driver.returncode != 0:
                raise RuntimeError(f"driver failed on {name}; server log:\n"
                                   f"{log_path.read_text()[-3000:]}")  # fmt: skip
        finally:
            # A graceful stop flushes the access log before the link goes away.
            server.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                server.wait(timeout=STOP_TIMEOUT_S)
    durations = []
    for line in log_path.read_text(errors="replace").splitlines():
        match = ACCESS_LINE.search(line)
        if match and match.group(2).startswith("/api/"):
            durations.append(int(match.group(4)))
    return json.loads(out), durations


def server_times(requests: list, durations: list[int]) -> dict[str, list[float]]:
    """Match the driver's requests with the server's log lines, in order, per step."""
    per_step: dict[str, list[float]] = {}
    for (label, _path), micros in zip(requests, durations, strict=False):
        per_step.setdefault(label, []).append(micros / 1e6)
    return per_step


def steps_of(name: str, result: dict, durations: list[int]) -> list[Step]:
    """Turn one profile's raw measurements into table rows with floors and targets."""
    profile = PROFILES[name]
    # The log has as many lines as the server answered; a request cut mid-response may be
    # missing, so only whole matches before it are used.
    matched = len(durations) >= len(result["requests"]) - 1
    per_step = server_times(result["requests"], durations) if matched else {}
    # A step run several times (idle syncs, `--scenario push`) is one row: its median.
    groups: dict[str, list[dict]] = {}
    for raw in result["steps"]:
        groups.setdefault(raw["name"], []).append(raw)
    rows: list[Step] = []
    for runs in groups.values():
        row = _row(name, profile, runs[len(runs) // 2], per_step, repeats=len(runs))
        if len(runs) > 1:
            row.times = sorted(r["seconds"] for r in runs)
            row.seconds = statistics.median(row.times)
        rows.append(row)
    for row in rows:
        _judge(row, result)
        runs = groups[row.name]
        after = sorted(ms for r in runs for ms in r.get("after_body_ms", []))
        if after:
            how = "applied as it streamed in" if runs[0].get("streamed") else "applied after it"
            note = (
                f"server work after the body's last byte (Server-Timing): "
                f"{statistics.median(after):.0f} ms median ({after[0]:.0f}–{after[-1]:.0f}), {how}"
            )
            row.note = f"{row.note}; {note}".lstrip("; ")
    return rows


def _row(name: str, profile: Profile, raw: dict, per_step: dict, repeats: int = 1) -> Step:
    trips = raw["requests"] + raw["connections"]
    server = per_step.get(raw["name"])
    note = ""
    if raw["name"].startswith("pull cut"):
        note = (
            f"cut after {raw['cut_after_s']:.1f} s with {raw['stored_before_cut']:,} records "
            f"stored; resumed in {raw['resume_s']:.1f} s; pages resent {raw['pages_resent']}, "
            f"bytes down beyond the uninterrupted pull {raw['bytes_resent']:,}; final records "
            + ("identical to" if raw["same_records"] else "DIFFERENT from")
            + " the uninterrupted pull's"
        )
    return Step(
        profile=name,
        name=raw["name"],
        requests=raw["requests"],
        connections=raw["connections"],
        bytes_up=raw["bytes_up"],
        bytes_down=raw["bytes_down"],
        seconds=raw["seconds"],
        floor=floor_seconds(profile, trips, raw["bytes_up"], raw["bytes_down"]),
        server_s=sum(server) / repeats if server else None,
        note=note,
    )


def _judge(row: Step, result: dict) -> None:
    raw = next(s for s in result["steps"] if s["name"] == row.name)
    errors = sum(s.get("errors", 0) for s in result["steps"] if s["name"] == row.name)
    if row.name == "one change up, one down":
        if row.profile == "2g-lossy":
            row.target = f"1 request, ≤ {TARGET_ONE_CHANGE_S:.1f} s"
            row.ok = row.requests == 1 and row.seconds <= TARGET_ONE_CHANGE_S
        else:
            row.target = "1 request"
            row.ok = row.requests == 1
        row.ok = row.ok and raw.get("ok", True)
    elif row.name == "nothing to sync":
        row.target = f"1 request, ≤ {TARGET_IDLE_BYTES} B"
        row.ok = row.requests == 1 and row.bytes_up + row.bytes_down <= TARGET_IDLE_BYTES
    elif row.profile in ("2g-lossy", "3g") and (
        row.name == "push 1,000" or row.name.startswith("initial pull")
    ):
        row.target = f"≤ {TARGET_RATIO} × floor"
        row.ok = row.ratio <= TARGET_RATIO and raw.get("ok", True)
    elif row.name.startswith("pull cut"):
        row.target = "≤ 1 page resent"
        row.ok = raw["ok"]
    if errors:
        row.ok = False
        row.note = (row.note + f"; {errors} mutations not applied").lstrip("; ")


def run(names: list[str], pg_url: str, scenario: str | None = None) -> list[Step]:
    """Prepare the database and run every named profile; always tear the links down.

    scenario "push" runs only the push of 1,000, PUSH_REPEATS times per profile.
    """
    ensure_tools()
    print("Preparing the scenario database…", file=sys.stderr, flush=True)
    pushes_only = PUSH_REPEATS if scenario == "push" else 0
    url, sock = prepare(pg_url, with_pull=not pushes_only)
    rows: list[Step] = []
    with tempfile.TemporaryDirectory(prefix="sotay-bench-link-") as tmp:
        for name in names:
            print(f"Profile {name}…", file=sys.stderr, flush=True)
            # The code under test may have gained a migration since the database was made.
            migrate(url)
            try:
                result, durations = run_profile(name, sock, Path(tmp), pushes_only)
            except (RuntimeError, OSError, subprocess.SubprocessError, ValueError) as exc:
                # One broken profile must not lose the others' numbers; the row says why.
                print(f"Profile {name} failed: {exc}", file=sys.stderr, flush=True)
                rows.append(failed(name, exc))
                continue
            rows.extend(steps_of(name, result, durations))
    return rows


def failed(name: str, exc: Exception) -> Step:
    """Return a row that reports a profile which could not run."""
    reason = str(exc).strip().splitlines()[-1][:300] if str(exc).strip() else repr(exc)
    row = Step(name, "(profile failed)", 0, 0, 0, 0, 0.0, 1.0, None, "runs", False)
    row.note = reason
    return row


# --- reporting ------------------------------------------------------------------------------


def table(rows: list[Step]) -> list[str]:
    """Return the rows as a Markdown table."""
    lines = [
        "| profile | scenario | requests | new TCP | bytes up | bytes down | wall time "
        "| server time | floor | × floor | target | met |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for r in rows:
        wall = f"{r.seconds:.2f} s"
        if len(r.times) > 1:
            wall += f" ({r.times[0]:.2f}–{r.times[-1]:.2f}, n={len(r.times)})"
        server = f"{r.server_s:.2f} s" if r.server_s is not None else "—"
        lines.append(
            f"| {r.profile} | {r.name} | {r.requests} | {r.connections} | {r.bytes_up:,} "
            f"| {r.bytes_down:,} | {wall} | {server} | {r.floor:.2f} s | {r.ratio:.2f} "
            f"| {r.target} | {report.mark(r.ok)} |"
        )
    return lines


def misses(rows: list[Step]) -> list[str]:
    """Say by how much each missed target was missed."""
    out = []
    for r in rows:
        if r.ok is not False:
            continue
        if "floor" in r.target:
            allowed = TARGET_RATIO * r.floor
            out.append(
                f"- {r.profile}, {r.name}: {r.seconds:.2f} s against {allowed:.2f} s allowed "
                f"({r.ratio:.2f} × floor, {r.seconds - allowed:+.2f} s over)."
            )
        elif r.target.startswith("1 request, ≤ 1"):
            out.append(
                f"- {r.profile}, {r.name}: {r.requests} request(s), {r.seconds:.2f} s against "
                f"{TARGET_ONE_CHANGE_S:.1f} s ({r.seconds - TARGET_ONE_CHANGE_S:+.2f} s)."
            )
        elif "B" in r.target:
            total = r.bytes_up + r.bytes_down
            out.append(f"- {r.profile}, {r.name}: {total} B against {TARGET_IDLE_BYTES} B.")
        else:
            out.append(f"- {r.profile}, {r.name}: {r.note or 'missed'}.")
    return out


def markdown(rows: list[Step], command: str) -> str:
    """Return the run as a Markdown section for docs/BENCHMARKS.md."""
    body = [
        "Each profile is a link built by `bench/netem.py` between two network namespaces; "
        "gunicorn runs in one, the sync client (`sync/client.py`, via `bench/driver.py`) in the "
        "other. Floor = (requests + new TCP connections) × RTT + bytes up ÷ up-rate + bytes "
        "down ÷ down-rate; bytes are HTTP bytes as the client counts them. Server time is the "
        "sum of gunicorn's own request durations for the step. The pushing devices are warm "
        "(connection open, worker warmed); the pulling device has just signed in on its "
        "connection. Nothing-to-sync is the median of 5.",
        "",
        *table(rows),
        "",
    ]
    notes = [f"- {r.profile}, {r.name}: {r.note}" for r in rows if r.note]
    if notes:
        body += ["Notes:", "", *notes, ""]
    missed = misses(rows)
    body += ["Targets missed:", "", *(missed or ["- none"]), ""]
    return report.section(
        "Sync over emulated phone links (PostgreSQL)", command, report.machine(), body
    )
