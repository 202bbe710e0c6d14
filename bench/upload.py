"""A 2 MB photo over the 2G-lossy link: upload time against the physical floor, and cuts.

gunicorn (gunicorn.conf.py as committed, a SQLite database and a file folder in a temporary
directory) runs in the server namespace of ``bench.netem``'s link; ``bench.upload_driver``
runs in the client namespace, declares the photo on a new model, syncs it, then uploads it
with ``sync.uploads``. The floor is the photo's bytes at the link's rate (size × 8 ÷ 250
kbit/s); the ratio includes the status request, one request per chunk, HTTP and TCP/IP
headers and TCP's recovery from the 1 % loss. Each configuration (chunk size, chunks in
flight) gets its own server and a photo of its own, so nothing is deduplicated.
"""

from __future__ import annotations

import contextlib
import json
import random
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from bench import report
from bench.live import create_user, migrate, seed_units, server_env
from bench.netem import PROFILES, emulated_link, ensure_tools

REPO_ROOT = Path(__file__).resolve().parent.parent
PROFILE = "2g-lossy"
PORT = 8000
# Its own namespace names, so a link of another benchmark never collides with this one.
LINK_PREFIX = "sdvup"
PHOTO_BYTES = 2 * 1024 * 1024
TARGET_RATIO = 1.2
KIB = 1024
# (chunk bytes, chunks in flight): the contract's default first.
CONFIGS = ((256 * KIB, 1), (256 * KIB, 2), (1024 * KIB, 1))
CUTS = 3
READY_TIMEOUT_S = 60
DRIVER_TIMEOUT_S = 900
STOP_TIMEOUT_S = 15
UNITS = [
    ("TW", "Trung ương", "TRUNG_UONG", None),
    ("40", "Tỉnh Nghệ An", "TINH", "TW"),
    ("17000", "Xã Nậm Cắn", "XA", "40"),
]


@dataclass
class Run:
    """One upload over the link and what it cost."""

    chunk_size: int
    in_flight: int
    cuts: int
    result: dict

    @property
    def floor_s(self) -> float:
        """Return the photo's bytes at the link's up rate."""
        return self.result["size"] * 8 / (PROFILES[PROFILE].up_kbit * 1000)

    @property
    def ratio(self) -> float:
        """Return time ÷ floor."""
        return self.result["seconds"] / self.floor_s


def make_photo(path: Path, seed: int, target: int = PHOTO_BYTES) -> int:
    """Write a real JPEG of about `target` bytes (noise: it does not compress); return its size."""
    from PIL import Image

    rng = random.Random(seed)
    side = 1200
    for _ in range(12):
        pixels = rng.randbytes(side * side * 3)
        Image.frombytes("RGB", (side, side), pixels).save(path, "JPEG", quality=85)
        size = path.stat().st_size
        if abs(size - target) < target * 0.03:
            break
        side = int(side * (target / size) ** 0.5)
    return path.stat().st_size


def prepare(workdir: Path) -> str:
    """Build the SQLite database with one commune officer; return its URL."""
    url = f"sqlite:///{workdir / 'upload.sqlite3'}"
    migrate(url)
    seed_units(url, UNITS)
    create_user(url, "canbo", "17000", "CAN_BO_NHAP")
    return url


def run_one(url: str, workdir: Path, chunk_size: int, in_flight: int, cuts: int, seed: int) -> Run:
    """Serve with this chunk size over the link and upload a fresh photo through it."""
    photo = workdir / f"photo-{seed}.jpg"
    make_photo(photo, seed)
    log_path = workdir / f"gunicorn-{seed}.log"
    with emulated_link(PROFILES[PROFILE], prefix=LINK_PREFIX) as link, open(log_path, "wb") as log:
        base = f"http://{link.server_ip}:{PORT}"
        env = server_env(
            url,
            BIND=f"{link.server_ip}:{PORT}",
            FILE_CHUNK_BYTES=str(chunk_size),
            FILE_DIR=str(workdir / f"files-{seed}"),
        )
        env.pop("WEB_CONCURRENCY", None)
        server = link.run_in_server_ns(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"],
            cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            probe = link.run_in_server_ns(
                [sys.executable, "-m", "bench.driver", "wait", "--url", base,
                 "--timeout", str(READY_TIMEOUT_S)],
                cwd=REPO_ROOT,
            )  # fmt: skip
            if probe.wait(timeout=READY_TIMEOUT_S + STOP_TIMEOUT_S) != 0:
                raise RuntimeError(f"gunicorn did not start:\n{log_path.read_text()[-3000:]}")
            floor = photo.stat().st_size * 8 / (PROFILES[PROFILE].up_kbit * 1000)
            driver = link.run_in_client_ns(
                [sys.executable, "-m", "bench.upload_driver", "--url", base, "--photo", str(photo),
                 "--in-flight", str(in_flight), "--cuts", str(cuts), "--seed", str(seed),
                 "--cut-within", f"{floor * 0.9:.1f}"],
                cwd=REPO_ROOT, stdout=subprocess.PIPE, text=True,
            )  # fmt: skip
            out, _ = driver.communicate(timeout=DRIVER_TIMEOUT_S)
            if driver.returncode != 0:
                tail = log_path.read_text()[-3000:]
                raise RuntimeError(f"upload driver failed; server log:\n{tail}")
        finally:
            server.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                server.wait(timeout=STOP_TIMEOUT_S)
    return Run(chunk_size, in_flight, cuts, json.loads(out))


def run(configs=CONFIGS, cuts: int = CUTS) -> list[Run]:
    """Run every configuration clean, then the default one with cuts."""
    ensure_tools()
    runs: list[Run] = []
    with tempfile.TemporaryDirectory(prefix="bench-upload-") as tmp:
        workdir = Path(tmp)
        url = prepare(workdir)
        for seed, (chunk_size, in_flight) in enumerate(configs, start=1):
            runs.append(run_one(url, workdir, chunk_size, in_flight, 0, seed))
            print(_row(runs[-1]), file=sys.stderr, flush=True)
        chunk_size, in_flight = configs[0]
        runs.append(run_one(url, workdir, chunk_size, in_flight, cuts, len(configs) + 1))
        print(_row(runs[-1]), file=sys.stderr, flush=True)
    return runs


def _row(r: Run) -> str:
    res = r.result
    ok = None if r.cuts else r.ratio <= TARGET_RATIO
    resent_ok = res["chunks_resent"] <= max(res["cuts_seen"], 0) * r.in_flight
    return (
        f"| {r.chunk_size // KIB} KiB | {r.in_flight} | {r.cuts} | {res['size']:,} | "
        f"{res['seconds']:.1f} | {r.floor_s:.1f} | {r.ratio:.2f} {report.mark(ok)} | "
        f"{res['requests']} | {res['cuts_seen']} | {res['chunks_resent']} | "
        f"{res['bytes_resent']:,} {report.mark(resent_ok) if r.cuts else ''} |"
    )


def markdown(runs: list[Run], command: str) -> str:
    """Return the BENCHMARKS.md section."""
    body = [
        f"Profile `{PROFILE}` (RTT 300 ms, 250 kbit/s each way, 1 % loss), one photo per row "
        f"(a real JPEG, ~2 MB). Floor = size × 8 ÷ 250 kbit/s; target ≤ {TARGET_RATIO} × floor. "
        "Cut rows: the client's connections are broken at seeded random moments; "
        "after each it asks the server what it holds and resumes. "
        "A cut costs at most the chunks on the wire (one per chunk in flight).",
        "",
        "| chunk | in flight | cuts | bytes | s | floor s | ratio | requests | cuts seen "
        "| chunks resent | bytes resent |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
        *[_row(r) for r in runs],
    ]
    info = {**report.machine(), "Database": "SQLite (file), files on the local file system"}
    return report.section("Attachment upload on 2G-lossy (#10)", command, info, body)
