"""Describe the machine and the server of a run, and append results to docs/BENCHMARKS.md."""

from __future__ import annotations

import os
import platform
import runpy
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from bench.sync_loopback import append_to

REPO_ROOT = Path(__file__).resolve().parent.parent
BENCHMARKS = REPO_ROOT / "docs" / "BENCHMARKS.md"
GIT_TIMEOUT_S = 10


def now() -> str:
    """Return the time of the run, to the minute, in UTC."""
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")


def commit() -> str:
    """Return the checked-out commit, marked when the work tree has changes."""

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args],
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            timeout=GIT_TIMEOUT_S,
            check=False,
        ).stdout.strip()

    head = git("rev-parse", "--short", "HEAD")
    dirty = git(
        "status", "--porcelain", "--untracked-files=no", "server", "sync", "gunicorn.conf.py"
    )
    return f"{head} (server/sync/gunicorn.conf.py with uncommitted changes)" if dirty else head


def gunicorn_settings() -> dict:
    """Return gunicorn.conf.py's worker settings, as the server will read them."""
    conf = runpy.run_path(str(REPO_ROOT / "gunicorn.conf.py"))
    return {k: conf.get(k) for k in ("worker_class", "workers", "threads", "keepalive")}


def machine() -> dict[str, str]:
    """Describe this machine, its load and the software versions."""
    cpu = "unknown"
    with open("/proc/cpuinfo", encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo", encoding="utf-8") as fh:
        kib = next(int(line.split()[1]) for line in fh if line.startswith("MemTotal"))
    import gunicorn
    import psycopg

    g = gunicorn_settings()
    return {
        "Commit": commit(),
        "CPUs (nproc)": str(len(os.sched_getaffinity(0))),
        "CPU": cpu,
        "RAM": f"{kib / 1024 / 1024:.1f} GiB",
        "Load average (1, 5, 15 min) at the end": ", ".join(f"{x:.2f}" for x in os.getloadavg()),
        "Python": platform.python_version(),
        "OS": f"{platform.system()} {platform.release()}",
        "Server": f"gunicorn {gunicorn.__version__} with gunicorn.conf.py as committed: "
        f"{g['workers']} {g['worker_class']} workers × {g['threads']} threads, "
        f"keep-alive {g['keepalive']} s",
        "Database": f"PostgreSQL {pg_version()} (psycopg {psycopg.__version__})",
    }


def pg_version() -> str:
    """Return the local PostgreSQL server's version."""
    done = subprocess.run(
        ["psql", "--version"], capture_output=True, text=True, timeout=GIT_TIMEOUT_S, check=False
    )
    # "psql (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)"
    parts = done.stdout.split()
    return parts[2] if done.returncode == 0 and len(parts) > 2 else "unknown"


def section(title: str, command: str, info: dict[str, str], body: list[str]) -> str:
    """Return one Markdown section: title with date, command, machine, then the body."""
    out = [f"## {title} — {now()}", "", f"Command: `{command}`", ""]
    out.extend(f"- {k}: {v}" for k, v in info.items())
    out.append("")
    out.extend(body)
    return "\n".join(out).rstrip() + "\n"


def write(text: str, path: Path = BENCHMARKS) -> None:
    """Append a section to the benchmarks file."""
    append_to(path, text)


def mark(ok: bool | None) -> str:
    """Return the table mark for a target met, missed or not applicable."""
    return "" if ok is None else ("✅" if ok else "❌")
