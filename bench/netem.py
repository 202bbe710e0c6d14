"""Emulate slow, lossy phone links between two network namespaces on this machine.

This kernel has no ``netem``, so a link is built from parts that do work here:

* two namespaces joined by a veth pair (server side 10.77.0.1, client side 10.77.0.2);
* rate: ``tc tbf`` on each veth's egress (down rate on the server side, up rate on the client);
* loss: iptables ``statistic`` random drops as packets arrive in the receiving namespace;
* delay: iptables ``NFQUEUE`` as packets arrive in the receiving namespace, served by
  ``bench/delayer.py`` which holds every packet for half the round trip and releases it in
  arrival order. (Why on arrival and not on departure: see ``_setup``.)

Use it from Python::

    from bench.netem import PROFILES, emulated_link
    ensure_tools()
    with emulated_link(PROFILES["3g"]) as link:
        srv = link.run_in_server_ns(
            [sys.executable, "-m", "http.server", "--bind", link.server_ip, "8000"]
        )
        cli = link.run_in_client_ns([sys.executable, "my_sync_client.py", link.server_ip])
        cli.wait(timeout=120)
    # Both processes (if still running), the delayers and the namespaces are gone here.

or from a shell: ``python -m bench.netem check`` measures every profile against its target,
``python -m bench.netem up --profile 3g`` holds a link open, ``python -m bench.netem down``
removes leftovers of a crashed run. Everything needs root.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import http.client
import http.server
import importlib
import json
import os
import select
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parent

APT_PACKAGES = ["iproute2", "iptables", "libnetfilter-queue-dev", "build-essential", "python3-dev"]
PIP_PACKAGES = ["NetfilterQueue==1.1.0"]

# tbf settings from shared/TESTING.md: a 4 KB bucket lets about two full frames through back to
# back (a phone radio also sends in small bursts); 200 KB of queue is a cellular-sized buffer.
TBF_BURST = "4kb"
TBF_LIMIT = "200kb"
# Where Debian keeps ip, tc and iptables-legacy; appended to PATH for the commands we run.
SBIN = "/usr/sbin:/sbin"
# Every command we run to build or tear down the link must answer within this.
CMD_TIMEOUT_S = 30
# How long a delayer may take to bind its queue before we give up.
DELAYER_READY_TIMEOUT_S = 15
# Grace period between SIGTERM and SIGKILL when ending our processes.
KILL_GRACE_S = 3


@dataclasses.dataclass(frozen=True)
class Profile:
    """A link's targets: round trip, rates each way (down = server→client) and random loss."""

    rtt_ms: float
    down_kbit: float
    up_kbit: float
    loss: float = 0.0


PROFILES: dict[str, Profile] = {
    "2g-lossy": Profile(rtt_ms=300, down_kbit=250, up_kbit=250, loss=0.01),
    "3g": Profile(300, 700, 700, 0.0),
    "slow-4g": Profile(150, 1600, 750, 0.0),
}


@dataclasses.dataclass
class Link:
    """A live emulated link; valid only inside ``emulated_link``."""

    profile: Profile
    server_ns: str
    client_ns: str
    server_dev: str
    client_dev: str
    server_ip: str = "10.77.0.1"
    client_ip: str = "10.77.0.2"
    _procs: list[subprocess.Popen] = dataclasses.field(default_factory=list, repr=False)

    def run_in_server_ns(self, argv: Sequence[str], **popen_kwargs) -> subprocess.Popen:
        """Start ``argv`` in the server namespace; it is ended on teardown if still running."""
        return self._spawn(self.server_ns, argv, popen_kwargs)

    def run_in_client_ns(self, argv: Sequence[str], **popen_kwargs) -> subprocess.Popen:
        """Start ``argv`` in the client namespace; it is ended on teardown if still running."""
        return self._spawn(self.client_ns, argv, popen_kwargs)

    def _spawn(self, ns: str, argv: Sequence[str], popen_kwargs: dict) -> subprocess.Popen:
        """Start ``argv`` inside namespace ``ns`` and remember it for teardown."""
        proc = subprocess.Popen([_ip(), "netns", "exec", ns, *argv], **popen_kwargs)
        self._procs.append(proc)
        return proc


# ---------------------------------------------------------------------------------------------
# Tools


def _have_netfilterqueue() -> bool:
    """Return whether the NetfilterQueue module imports in this interpreter."""
    try:
        importlib.import_module("netfilterqueue")
    except ImportError:
        return False
    return True


def missing_tools() -> list[str]:
    """List what the harness needs but cannot find."""
    missing = [tool for tool in ("ip", "tc", "iptables-legacy") if not _which(tool)]
    if not _have_netfilterqueue():
        missing.append("netfilterqueue")
    return missing


def _which(tool: str) -> str | None:
    """Find ``tool`` on PATH or in the sbin folders a non-login root shell may lack."""
    return shutil.which(tool) or shutil.which(tool, path=SBIN)


def _ip() -> str:
    """Return the path of ``ip`` (CI's PATH may lack /usr/sbin)."""
    return _which("ip") or "ip"


def ensure_tools() -> None:
    """Install ip, tc, iptables-legacy and NetfilterQueue if any is missing."""
    if not missing_tools():
        return
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    # Even when only the Python module is missing: it compiles from source (PyPI has no wheel)
    # against libnetfilter-queue-dev with the C compiler from build-essential.
    subprocess.run(["apt-get", "update", "-q"], check=True, env=env, timeout=600)
    subprocess.run(
        ["apt-get", "install", "-y", "-q", *APT_PACKAGES], check=True, env=env, timeout=900
    )
    if not _have_netfilterqueue():
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "-q", *PIP_PACKAGES], check=True, timeout=900
        )
        importlib.invalidate_caches()
    still = missing_tools()
    if still:
        raise RuntimeError(f"still missing after install: {', '.join(still)}")


# ---------------------------------------------------------------------------------------------
# Link setup and teardown


def _run(argv: Sequence[str], *, check: bool = True) -> subprocess.CompletedProcess:
    """Run a setup command, raising with its stderr if it fails."""
    env = {**os.environ, "PATH": f"{os.environ.get('PATH', '')}:{SBIN}"}
    done = subprocess.run(
        argv, capture_output=True, text=True, timeout=CMD_TIMEOUT_S, check=False, env=env
    )
    if check and done.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed: {done.stderr.strip()}")
    return done


def _ns_exists(ns: str) -> bool:
    """Return whether a named network namespace exists."""
    return Path("/run/netns", ns).exists()


def _kill_pids(pids: Sequence[int]) -> None:
    """SIGTERM the given pids, then SIGKILL whichever outlive the grace period."""
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + KILL_GRACE_S
    alive = list(pids)
    # Bounded by the grace period; polls because these need not be our children.
    while alive and time.monotonic() < deadline:
        time.sleep(0.05)
        alive = [pid for pid in alive if Path(f"/proc/{pid}").exists() and not _zombie(pid)]
    for pid in alive:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def _zombie(pid: int) -> bool:
    """Return whether ``pid`` has exited but not been reaped."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except (OSError, IndexError):
        return True


def _delete_ns(ns: str) -> None:
    """End every process left in namespace ``ns`` and delete it (which removes its veth)."""
    if not _ns_exists(ns):
        return
    pids = [int(p) for p in _run(["ip", "netns", "pids", ns], check=False).stdout.split()]
    _kill_pids([pid for pid in pids if pid != os.getpid()])
    _run(["ip", "netns", "del", ns], check=False)


def _stop_procs(procs: Sequence[subprocess.Popen]) -> None:
    """End and reap our own child processes."""
    for proc in procs:
        if proc.poll() is None:
            proc.terminate()
    for proc in procs:
        try:
            proc.wait(timeout=KILL_GRACE_S)
        except subprocess.TimeoutExpired:
            proc.kill()
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=KILL_GRACE_S)


def _names(prefix: str) -> tuple[str, str, str, str]:
    """Return server ns, client ns, server veth and client veth names for ``prefix``."""
    # Interface names are limited to 15 characters; namespace names are not.
    return f"{prefix}-srv", f"{prefix}-cli", f"{prefix[:9]}-s", f"{prefix[:9]}-c"


def teardown(prefix: str = "sdv") -> None:
    """Remove the namespaces (and so the veth pair and rules) of a link named ``prefix``."""
    for ns in _names(prefix)[:2]:
        _delete_ns(ns)


def _start_delayer(ns: str, queue: int, delay_ms: float) -> subprocess.Popen:
    """Start a delayer in ``ns`` and wait until its queue is bound."""
    argv = [
        sys.executable,
        str(HERE / "delayer.py"),
        f"--queue={queue}",
        f"--delay-ms={delay_ms}",
        f"--parent-pid={os.getpid()}",
    ]
    # The delayer writes "ready" to a pipe once bound; its output goes to a file we read only
    # if it fails (a pipe nobody drains could block it).
    with tempfile.TemporaryFile() as log:
        ready_r, ready_w = os.pipe()
        try:
            proc = subprocess.Popen(
                [_ip(), "netns", "exec", ns, *argv, f"--ready-fd={ready_w}"],
                pass_fds=(ready_w,),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
            )
        finally:
            os.close(ready_w)
        try:
            readable, _, _ = select.select([ready_r], [], [], DELAYER_READY_TIMEOUT_S)
            ready = bool(readable) and os.read(ready_r, 64).startswith(b"ready")
        finally:
            os.close(ready_r)
        if not ready:
            _stop_procs([proc])
            log.seek(0)
            detail = log.read().decode(errors="replace")
            raise RuntimeError(f"delayer in {ns} did not start: {detail}")
    return proc


def _iptables_input(ns: str, dev: str, *rule: str) -> None:
    """Append ``rule`` to the INPUT chain of ``ns`` for packets that arrived on ``dev``."""
    _run(["ip", "netns", "exec", ns, "iptables-legacy", "-w", "-A", "INPUT", "-i", dev, *rule])


def _setup(link: Link, procs: list[subprocess.Popen]) -> None:
    """Build namespaces, veth, addresses, tbf, delayers and iptables rules for ``link``."""
    p = link.profile
    srv, cli, sdev, cdev = link.server_ns, link.client_ns, link.server_dev, link.client_dev
    _run(["ip", "netns", "add", srv])
    _run(["ip", "netns", "add", cli])
    _run(["ip", "link", "add", sdev, "netns", srv, "type", "veth", "peer", "name", cdev,
          "netns", cli])  # fmt: skip
    for ns, dev, ip, kbit in ((srv, sdev, link.server_ip, p.down_kbit),
                              (cli, cdev, link.client_ip, p.up_kbit)):  # fmt: skip
        ex = ["ip", "netns", "exec", ns]
        # No IPv6: router solicitations and the like would wander through the delay queues.
        # (A plain write, so procps need not be installed; harmless if IPv6 is compiled out.)
        for conf in ("all", "default"):
            off = f"echo 1 > /proc/sys/net/ipv6/conf/{conf}/disable_ipv6"
            _run([*ex, "sh", "-c", off], check=False)
        _run(["ip", "-n", ns, "addr", "add", f"{ip}/24", "dev", dev])
        _run(["ip", "-n", ns, "link", "set", "lo", "up"])
        _run(["ip", "-n", ns, "link", "set", dev, "up"])
        # Rate: the sender's egress, as on a real link the bytes queue where they are sent.
        _run([*ex, "tc", "qdisc", "replace", "dev", dev, "root", "tbf",
              "rate", f"{kbit:g}kbit", "burst", TBF_BURST, "limit", TBF_LIMIT])  # fmt: skip
    # Loss and delay act on the *receiving* side (INPUT), after the packet crossed the veth.
    # On the sender's OUTPUT chain (the first recipe tried) the held packet still counts
    # against its socket, and Linux's TCP small-queues and autocorking then wait for it to
    # leave: throughput was capped near 155 kbit/s whatever the rate (small queues), and a
    # reply sent as two writes took 1.5 round trips (autocorking). Likewise a DROP in OUTPUT
    # hands -EPERM to the sender: TCP quietly sends again (62 drops, 0 retransmissions
    # measured) and UDP gets an error instead of a silent loss. Crossing the veth frees the
    # packet from the sender, so on the receiving side delay and loss act like air time.
    for queue, (ns, dev) in enumerate(((cli, cdev), (srv, sdev)), start=1):
        # The delayer binds its queue before the rule exists: NFQUEUE without a reader drops.
        procs.append(_start_delayer(ns, queue, p.rtt_ms / 2))
        if p.loss > 0:
            # Drop first, so lost packets are not delayed for nothing.
            _iptables_input(ns, dev, "-m", "statistic", "--mode", "random",
                            "--probability", f"{p.loss:.6f}", "-j", "DROP")  # fmt: skip
        _iptables_input(ns, dev, "-j", "NFQUEUE", "--queue-num", str(queue))


@contextlib.contextmanager
def _signals_raise() -> Iterator[None]:
    """Turn SIGTERM into SystemExit for the block, so ``finally`` clauses run."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.getsignal(signal.SIGTERM)
    # Someone else's handler stays in charge; only the default (die at once) is replaced.
    if previous not in (signal.SIG_DFL, None):
        yield
        return

    def on_term(signum, _frame) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, on_term)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextlib.contextmanager
def _signals_blocked() -> Iterator[None]:
    """Hold SIGINT and SIGTERM back while the block runs, so teardown is not cut short."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    sigs = {signal.SIGINT, signal.SIGTERM}
    old = signal.pthread_sigmask(signal.SIG_BLOCK, sigs)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


@contextlib.contextmanager
def emulated_link(profile: Profile, prefix: str = "sdv") -> Iterator[Link]:
    """Build a link with ``profile`` between two fresh namespaces and tear it down on exit."""
    if os.geteuid() != 0:
        raise PermissionError("emulated_link needs root (namespaces, tc, iptables)")
    srv, cli, sdev, cdev = _names(prefix)
    link = Link(profile, srv, cli, sdev, cdev)
    delayers: list[subprocess.Popen] = []
    with _signals_raise():
        try:
            # Leftovers of a crashed run with the same names would make every step fail.
            teardown(prefix)
            _setup(link, delayers)
            yield link
        finally:
            with _signals_blocked():
                _stop_procs([*link._procs, *delayers])
                teardown(prefix)


# ---------------------------------------------------------------------------------------------
# Self-check: a tiny HTTP + UDP echo server in the server namespace, a probe in the client one

CHECK_PORT = 8471
BLOB_BYTES = 100 * 1024
UDP_COUNT = 1000
UDP_PAYLOAD = 16


class _Handler(http.server.BaseHTTPRequestHandler):
    """Serve /tiny, /blob?size=N and POST /upload over keep-alive HTTP/1.1."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    udp_received = 0

    def log_message(self, *_args) -> None:
        """Stay quiet: the probe prints the results."""

    def _reply(self, body: bytes, ctype: str = "application/octet-stream") -> None:
        """Send ``body`` with a Content-Length so the connection stays open."""
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        """Answer /tiny, /blob?size=N and /udpstats."""
        if self.path == "/tiny":
            self._reply(b"ok")
        elif self.path.startswith("/blob"):
            size = int(self.path.partition("size=")[2] or BLOB_BYTES)
            self._reply(b"x" * min(size, 10 * 1024 * 1024))
        elif self.path == "/udpstats":
            self._reply(json.dumps({"received": _Handler.udp_received}).encode(), "text/json")
        else:
            self.send_error(404)

    def do_POST(self) -> None:
        """Read the whole body and say how many bytes arrived."""
        left = int(self.headers.get("Content-Length", "0"))
        got = 0
        # Bounded by Content-Length; read() returns b"" on a closed connection.
        while left > 0:
            chunk = self.rfile.read(min(left, 65536))
            if not chunk:
                break
            got += len(chunk)
            left -= len(chunk)
        self._reply(json.dumps({"received": got}).encode(), "text/json")


def _udp_echo(sock: socket.socket, stop: threading.Event) -> None:
    """Echo every datagram back to its sender and count them."""
    sock.settimeout(0.5)
    # Bounded by the server's lifetime (stop is set when it ends).
    while not stop.is_set():
        try:
            data, addr = sock.recvfrom(2048)
        except TimeoutError:
            continue
        _Handler.udp_received += 1
        with contextlib.suppress(OSError):
            sock.sendto(data, addr)


def _serve(host: str, port: int, max_seconds: float) -> int:
    """Serve the check's HTTP and UDP echo endpoints for at most ``max_seconds``."""
    httpd = http.server.ThreadingHTTPServer((host, port), _Handler)
    httpd.daemon_threads = True
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.bind((host, port))
    stop = threading.Event()
    threads = [
        threading.Thread(target=httpd.serve_forever, daemon=True),
        threading.Thread(target=_udp_echo, args=(udp, stop), daemon=True),
    ]
    for t in threads:
        t.start()
    print("ready", flush=True)
    # Sleep until stopped by a signal or the lifetime runs out.
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    stop.wait(max_seconds)
    stop.set()
    httpd.shutdown()
    return 0


def _timed_get(conn: http.client.HTTPConnection, path: str) -> tuple[float, int]:
    """GET ``path`` on a kept-alive connection; return seconds taken and body length."""
    start = time.perf_counter()
    conn.request("GET", path)
    body = conn.getresponse().read()
    return time.perf_counter() - start, len(body)


def _timed_post(conn: http.client.HTTPConnection, body: bytes) -> tuple[float, int]:
    """POST ``body``; return seconds until the reply arrived and the bytes the server saw."""
    start = time.perf_counter()
    conn.request("POST", "/upload", body=body)
    reply = json.loads(conn.getresponse().read())
    return time.perf_counter() - start, int(reply["received"])


def _connect(host: str, port: int) -> http.client.HTTPConnection:
    """Open an HTTP connection, retrying while the server is still starting."""
    last: OSError | None = None
    for _ in range(40):  # about 10 s at most
        conn = http.client.HTTPConnection(host, port, timeout=60)
        try:
            conn.request("GET", "/tiny")
            conn.getresponse().read()
        except OSError as err:
            last = err
            conn.close()
            time.sleep(0.25)
        else:
            return conn
    raise ConnectionError(f"server {host}:{port} never answered: {last}")


def _udp_loss(host: str, port: int, count: int, rate_pps: float) -> dict:
    """Send ``count`` numbered datagrams paced at ``rate_pps``; count the echoes."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setblocking(False)
    seen: set[int] = set()
    send_errors = 0

    def drain() -> None:
        """Read every echo waiting on the socket."""
        for _ in range(count + 1):  # at most one read per datagram we sent
            try:
                data = sock.recv(2048)
            except BlockingIOError:
                return
            seen.add(int.from_bytes(data[:4], "big"))

    start = time.perf_counter()
    for seq in range(count):
        # Pace against a schedule so the probe itself never fills the tbf queue.
        delay = start + seq / rate_pps - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        try:
            sock.sendto(seq.to_bytes(4, "big") + b"\0" * (UDP_PAYLOAD - 4), (host, port))
        except OSError:
            send_errors += 1
        drain()
    # Stragglers: wait a few round trips' worth for echoes still on the way.
    end = time.perf_counter() + 3.0
    while time.perf_counter() < end and len(seen) < count:
        select.select([sock], [], [], 0.1)
        drain()
    sock.close()
    return {"sent": count, "echoed": len(seen), "send_errors": send_errors}


def _probe(host: str, port: int, rtt_samples: int, bulk_runs: int, udp_pps: float) -> int:
    """Measure RTT, download, upload and loss against the check server; print JSON."""
    conn = _connect(host, port)
    _timed_get(conn, "/tiny")  # once more, so the connection is warm for the RTT samples
    rtts = [_timed_get(conn, "/tiny")[0] for _ in range(rtt_samples)]
    downs, ups = [], []
    payload = b"y" * BLOB_BYTES
    for _ in range(bulk_runs):
        downs.append(_timed_get(conn, f"/blob?size={BLOB_BYTES}"))
        ups.append(_timed_post(conn, payload))
    conn.close()
    udp = _udp_loss(host, port, UDP_COUNT, udp_pps)
    stats = http.client.HTTPConnection(host, port, timeout=60)
    stats.request("GET", "/udpstats")
    udp["server_received"] = json.loads(stats.getresponse().read())["received"]
    stats.close()
    result = {"rtt_s": rtts, "down": downs, "up": ups, "udp": udp}
    print(json.dumps(result), flush=True)
    return 0


def _measure(name: str, profile: Profile, prefix: str) -> dict:
    """Run the check server and probe over a fresh link with ``profile``."""
    # Small datagrams (16 B payload → 58 B on the wire) at a rate well under the slowest link.
    udp_pps = min(300.0, 0.5 * min(profile.down_kbit, profile.up_kbit) * 1000 / (58 * 8))
    py = [sys.executable, "-m", "bench.netem"]
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    with emulated_link(profile, prefix) as link:
        server = link.run_in_server_ns(
            [
                *py,
                "_serve",
                f"--host={link.server_ip}",
                f"--port={CHECK_PORT}",
                "--max-seconds=110",
            ],
            stdout=subprocess.DEVNULL,
            env=env,
        )
        probe = link.run_in_client_ns(
            [*py, "_probe", f"--host={link.server_ip}", f"--port={CHECK_PORT}",
             "--rtt-samples=7", "--bulk-runs=3", f"--udp-pps={udp_pps:.0f}"],
            stdout=subprocess.PIPE, env=env, text=True,
        )  # fmt: skip
        try:
            out, _ = probe.communicate(timeout=100)
        except subprocess.TimeoutExpired as err:
            raise RuntimeError(f"probe over {name} took too long") from err
        if probe.returncode != 0:
            raise RuntimeError(f"probe over {name} failed with {probe.returncode}")
        server.terminate()
    return json.loads(out.strip().splitlines()[-1])


def _judge(name: str, profile: Profile, raw: dict) -> list[tuple]:
    """Turn raw probe results into (metric, target, measured, ok) rows."""
    rtt = statistics.median(raw["rtt_s"])
    rows: list[tuple] = [("rtt ms", profile.rtt_ms, rtt * 1000,
                          abs(rtt * 1000 / profile.rtt_ms - 1) <= 0.15)]  # fmt: skip
    for key, kbit, label in (("down", profile.down_kbit, "down"), ("up", profile.up_kbit, "up")):
        secs = statistics.median(t for t, _ in raw[key])
        size = raw[key][0][1]
        # One round trip is the request (or the reply); the rest is the bytes crossing the link.
        rate = size * 8 / 1000 / max(secs - rtt, 1e-3)
        rows.append((f"{label} kbit/s", kbit, rate, abs(rate / kbit - 1) <= 0.20))
        floor = profile.rtt_ms / 1000 + size * 8 / 1000 / kbit
        rows.append((f"{label} 100KB s", floor, secs, secs <= floor * 1.25))
    udp = raw["udp"]
    sent, at_server, echoed = udp["sent"], udp["server_received"], udp["echoed"]
    up_loss = 1 - at_server / sent
    down_loss = 1 - echoed / max(at_server, 1)
    for label, loss, n in (("up loss %", up_loss, sent), ("down loss %", down_loss, at_server)):
        # Binomial noise: accept anything within 3 standard deviations (plus one packet).
        slack = 3 * (profile.loss * (1 - profile.loss) / max(n, 1)) ** 0.5 + 1 / max(n, 1)
        rows.append((label, profile.loss * 100, loss * 100, abs(loss - profile.loss) <= slack))
    return rows


def check(names: Sequence[str], prefix: str = "sdv") -> bool:
    """Measure each named profile and print a table against its targets."""
    ensure_tools()
    ok_all = True
    print(f"{'profile':<10} {'metric':<14} {'target':>9} {'measured':>9} {'ratio':>6}  ok")
    for name in names:
        profile = PROFILES[name]
        started = time.monotonic()
        rows = _judge(name, profile, _measure(name, profile, prefix))
        for i, (metric, target, got, ok) in enumerate(rows):
            ratio = f"{got / target:.2f}" if target else "-"
            label = name if i == 0 else ""
            mark = "yes" if ok else "NO"
            print(f"{label:<10} {metric:<14} {target:>9.2f} {got:>9.2f} {ratio:>6}  {mark}")
            ok_all &= ok
        print(f"{'':<10} ({time.monotonic() - started:.1f} s)", flush=True)
    return ok_all


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command-line interface."""
    doc = __doc__.split("\n")[0]
    parser = argparse.ArgumentParser(prog="python -m bench.netem", description=doc)
    sub = parser.add_subparsers(dest="cmd", required=True)
    p_check = sub.add_parser("check", help="measure each profile against its targets")
    p_check.add_argument("--profile", action="append", choices=sorted(PROFILES))
    p_check.add_argument("--prefix", default="sdv", help="namespace name prefix")
    p_up = sub.add_parser("up", help="hold a link open until Ctrl-C or --seconds pass")
    p_up.add_argument("--profile", default="3g", choices=sorted(PROFILES))
    p_up.add_argument("--prefix", default="sdv")
    p_up.add_argument("--seconds", type=float, default=3600)
    p_down = sub.add_parser("down", help="remove leftovers of a crashed run")
    p_down.add_argument("--prefix", default="sdv")
    sub.add_parser("install", help="install the tools the harness needs")
    p_serve = sub.add_parser("_serve")  # internal: the check's server, run in the server ns
    p_serve.add_argument("--host", required=True)
    p_serve.add_argument("--port", type=int, default=CHECK_PORT)
    p_serve.add_argument("--max-seconds", type=float, default=110)
    p_probe = sub.add_parser("_probe")  # internal: the check's client, run in the client ns
    p_probe.add_argument("--host", required=True)
    p_probe.add_argument("--port", type=int, default=CHECK_PORT)
    p_probe.add_argument("--rtt-samples", type=int, default=7)
    p_probe.add_argument("--bulk-runs", type=int, default=3)
    p_probe.add_argument("--udp-pps", type=float, default=200)
    args = parser.parse_args(argv)

    if args.cmd == "check":
        return 0 if check(args.profile or list(PROFILES), args.prefix) else 1
    if args.cmd == "up":
        ensure_tools()
        with emulated_link(PROFILES[args.profile], args.prefix) as link:
            print(
                f"{args.profile}: server ns {link.server_ns} ({link.server_ip}), "
                f"client ns {link.client_ns} ({link.client_ip}); Ctrl-C to stop",
                flush=True,
            )
            with contextlib.suppress(KeyboardInterrupt):
                time.sleep(args.seconds)
        return 0
    if args.cmd == "down":
        teardown(args.prefix)
        return 0
    if args.cmd == "install":
        ensure_tools()
        return 0
    if args.cmd == "_serve":
        return _serve(args.host, args.port, args.max_seconds)
    return _probe(args.host, args.port, args.rtt_samples, args.bulk_runs, args.udp_pps)


if __name__ == "__main__":
    sys.exit(main())
