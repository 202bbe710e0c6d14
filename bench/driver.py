"""Drive the real sync client through the link scenarios and print what each cost, as JSON.

Run by ``bench.scenarios`` inside the client namespace of an emulated link (so every byte
crosses the slow link), or by hand against any server:

    python -m bench.driver run --url http://10.77.0.1:8000 --officer xa.17000 --puller xa.17100
    python -m bench.driver wait --url http://10.77.0.1:8000     # until /healthz answers

Prints one JSON object: ``steps`` (requests, new TCP connections, bytes each way, seconds)
and ``requests`` (the scenario of every request, in order, to match the server's log).
"""

from __future__ import annotations

import argparse
import gzip
import http.client
import json
import random
import sys
import time

from bench.live import LIVE_PASSWORD
from bench.sync_loopback import make_model
from sync.client import LocalState, SyncClient, Transport

# One request may take this long on 2G (a 1,000-record push is ~75 KB up, 3 s at 250 kbit/s,
# plus the server's work); past it something is broken, not slow.
REQUEST_TIMEOUT_S = 120.0
READY_POLL_S = 0.1
# A cut link shows up as the response stopping after this share of the pull's bytes: past
# half, and not at a page boundary (ten equal pages make 0.5 one), so a page is cut midway.
CUT_SHARE = 0.55
# Nothing-to-sync is cheap, so it is timed several times and the median reported.
IDLE_REPEATS = 5
PUSH_SIZES = (100, 1000)
READ_CHUNK = 1024


class KeepStore:
    """Keep the device's state object itself, as its storage, without copying it.

    MemoryStore deep-copies the whole state on every save: with 10,000 records that is
    seconds of client CPU, which is not what a link benchmark measures. The state a crashed
    client leaves here is the one of its last save, because the client mutates its state only
    in _apply_response, which ends with the save.
    """

    def __init__(self):
        self._saved: dict | None = None

    def load(self) -> LocalState:
        """Return the saved state, or an empty one."""
        return LocalState.from_json(self._saved) if self._saved else LocalState()

    def save(self, state: LocalState) -> None:
        """Remember the state."""
        self._saved = state.to_json()


class LinkCutError(ConnectionError):
    """The emulated loss of the link in the middle of a response."""


class MeteredTransport(Transport):
    """A Transport that also counts TCP connections, labels requests and can cut the link."""

    def __init__(self, base_url: str, log: list):
        super().__init__(base_url, timeout=REQUEST_TIMEOUT_S)
        self.connections = 0
        self.log = log
        self.label = "setup"
        # Bytes down (of this transport's traffic) after which the connection drops.
        self.cut_after: int | None = None
        self.after_body: list[tuple[str, float, bool]] = []

    def post(self, path: str, body: bytes, headers: dict) -> tuple[int, dict, bytes]:
        """Send one POST; count a connection when one has to be opened for it."""
        if self.conn is None or self.conn.sock is None:
            self.connections += 1
        self.log.append((self.label, path))
        if self.cut_after is None:
            answer = super().post(path, body, headers)
        else:
            answer = self._post_cut(path, body, headers)
        # The server's work after the body's last byte, for large bodies (Server-Timing).
        timing = {k.lower(): v for k, v in answer[1].items()}.get("server-timing", "")
        if timing.startswith("app;dur="):
            self.after_body.append(
                (self.label, float(timing[8:].split(",")[0]), timing.endswith("streamed"))
            )
        return answer

    def _post_cut(self, path: str, body: bytes, headers: dict) -> tuple[int, dict, bytes]:
        """Do what Transport.post does, but drop the connection at the cut."""
        if self.conn is None:
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        url = self.prefix + path
        headers = {"Host": f"{self.host}:{self.port}", "Content-Length": str(len(body)), **headers}
        head_up = f"POST {url} HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        self.conn.putrequest("POST", url, skip_host=True, skip_accept_encoding=True)
        for key, value in headers.items():
            self.conn.putheader(key, value)
        self.conn.endheaders(body)
        response = self.conn.getresponse()
        head_down = (
            f"HTTP/1.1 {response.status} {response.reason}\r\n"
            + "".join(f"{k}: {v}\r\n" for k, v in response.getheaders())
            + "\r\n"
        )
        self.traffic.requests += 1
        self.traffic.bytes_up += len(head_up) + 2 + len(body)
        self.traffic.bytes_down += len(head_down)
        chunks = []
        # Bounded: each pass reads at least one byte of a body of known length, or stops.
        while True:
            if self.traffic.bytes_down >= self.cut_after:
                self.close()
                raise LinkCutError(f"link cut after {self.traffic.bytes_down} bytes down")
            chunk = response.read(READ_CHUNK)
            if not chunk:
                break
            chunks.append(chunk)
            self.traffic.bytes_down += len(chunk)
        raw = b"".join(chunks)
        if response.getheader("Connection", "").lower() == "close":
            self.close()
        if response.getheader("Content-Encoding") == "gzip":
            raw = gzip.decompress(raw)
        return response.status, dict(response.getheaders()), raw


class Driver:
    """Devices on the client side of the link, and the steps they time."""

    def __init__(self, url: str):
        self.url = url
        self.log: list[tuple[str, str]] = []
        self.steps: list[dict] = []
        self.rng = random.Random(20261122)

    def device(self, username: str, *, store=None, token: str | None = None) -> SyncClient:
        """Return a device of ``username``, signed in unless a token is given."""
        client = SyncClient(
            self.url,
            store=store or KeepStore(),
            token=token,
            transport=MeteredTransport(self.url, self.log),
            app_version="bench-2026.11",
        )
        if token is None:
            client.login(username, LIVE_PASSWORD, device_name="bench")
        return client

    def create(self, client: SyncClient, unit_id: int, count: int) -> None:
        """Queue ``count`` new varied models on a device."""
        for _ in range(count):
            client.create("models", make_model(self.rng, unit_id))

    def measure(self, client: SyncClient, name: str, **extra) -> dict:
        """Run one sync as step ``name`` and record what it cost."""
        t = client.transport
        t.label = name
        before = (t.traffic.requests, t.traffic.bytes_up, t.traffic.bytes_down, t.connections)
        started = time.perf_counter()
        report = client.sync()
        seconds = time.perf_counter() - started
        t.label = "setup"
        bad = [r for r in report.results if r["status"] not in ("applied", "duplicate")]
        after = [(ms, streamed) for label, ms, streamed in t.after_body if label == name]
        t.after_body.clear()
        step = {
            "name": name,
            "after_body_ms": [ms for ms, _ in after],
            "streamed": any(streamed for _, streamed in after),
            "requests": t.traffic.requests - before[0],
            "bytes_up": t.traffic.bytes_up - before[1],
            "bytes_down": t.traffic.bytes_down - before[2],
            "connections": t.connections - before[3],
            "seconds": seconds,
            "pulled": report.pulled,
            "pushed": len(report.results),
            "errors": len(bad),
            **extra,
        }
        self.steps.append(step)
        return step


def run(url: str, officer: str, puller: str, pull_records: int, *, pushes_only: int = 0) -> dict:
    """Run every scenario in order and return the measurements.

    pushes_only > 0 runs only the pushes of 1,000, that many times (the other steps' setup
    that the pushes rely on still runs).
    """
    d = Driver(url)
    a, b = d.device(officer), d.device(officer)
    unit_id = a.user["unit"]["id"]
    d.create(a, unit_id, 2)
    a.sync()
    b.sync()
    # Warm: each side's connection is open and its worker has served a sync before.
    for _ in range(3):
        a.sync()
        b.sync()

    first, second = list(a.state.records["models"])
    b.edit("models", first, {"locality": "Bản Huồi Mới"})
    b.sync()
    a.edit("models", second, {"results": "150 hộ tham gia, 12 buổi họp."})
    step = d.measure(a, "one change up, one down")
    step["ok"] = step["pulled"] == 1 and a.record("models", first)["locality"] == "Bản Huồi Mới"

    for _ in range(IDLE_REPEATS):
        d.measure(a, "nothing to sync")

    if pushes_only:
        for _ in range(pushes_only):
            d.create(a, unit_id, PUSH_SIZES[-1])
            d.measure(a, f"push {PUSH_SIZES[-1]:,}")
        return {"steps": d.steps, "requests": d.log}
    for size in PUSH_SIZES:
        d.create(a, unit_id, size)
        d.measure(a, f"push {size:,}")

    # A new phone: signing in opens the connection; the pull is what is timed.
    c = d.device(puller)
    full = d.measure(c, f"initial pull {pull_records:,}")
    full["ok"] = full["pulled"] == pull_records

    d.steps.append(interrupted(d, puller, full, _ids(c)))
    return {"steps": d.steps, "requests": d.log}


def _ids(client: SyncClient) -> set[tuple[str, str]]:
    return {(t, rid) for t, records in client.state.records.items() for rid in records}


def interrupted(d: Driver, puller: str, full: dict, expected: set) -> dict:
    """Cut the link halfway through an initial pull, then resume on a new connection."""
    name = "pull cut halfway, resumed"
    store = KeepStore()
    first = d.device(puller, store=store)
    t = first.transport
    t.label = name
    t.traffic.requests = t.traffic.bytes_up = t.traffic.bytes_down = 0
    connections = t.connections
    t.cut_after = int(full["bytes_down"] * CUT_SHARE)
    started = time.perf_counter()
    try:
        first.sync()
    except LinkCutError:
        pass
    else:
        raise RuntimeError("the pull finished before the cut")
    cut_at = time.perf_counter() - started
    stored = sum(len(r) for r in store.load().records.values())
    # The app starts again from its storage, with its token, on a new connection.
    second = d.device(puller, store=store, token=first.token)
    second.transport.label = name
    resumed = time.perf_counter()
    report = second.sync()
    seconds = time.perf_counter() - started
    s = second.transport
    final = _ids(second)
    requests = t.traffic.requests + s.traffic.requests
    return {
        "name": name,
        "requests": requests,
        "bytes_up": t.traffic.bytes_up + s.traffic.bytes_up,
        "bytes_down": t.traffic.bytes_down + s.traffic.bytes_down,
        "connections": t.connections - connections + s.connections,
        "seconds": seconds,
        "cut_after_s": cut_at,
        "resume_s": time.perf_counter() - resumed,
        "stored_before_cut": stored,
        "pulled": report.pulled,
        "errors": 0,
        "pages_resent": requests - full["requests"],
        "bytes_resent": t.traffic.bytes_down + s.traffic.bytes_down - full["bytes_down"],
        # Compared with the uninterrupted pull's device: nothing missing, nothing extra.
        "same_records": final == expected,
        "ok": final == expected and requests - full["requests"] <= 1,
    }


def wait(url: str, timeout: float) -> int:
    """Poll GET /healthz until it answers 200 or the timeout passes."""
    probe = Transport(url, timeout=2)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        conn = http.client.HTTPConnection(probe.host, probe.port, timeout=2)
        try:
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return 0
        except OSError:
            pass
        finally:
            conn.close()
        time.sleep(READY_POLL_S)
    print(f"{url} did not answer /healthz within {timeout:.0f} s", file=sys.stderr)
    return 1


def main(argv: list[str] | None = None) -> int:
    """Run the command-line interface."""
    parser = argparse.ArgumentParser(prog="python -m bench.driver", description=__doc__)
    sub = parser.add_subparsers(dest="cmd", required=True)
    p_run = sub.add_parser("run", help="run the scenarios and print JSON")
    p_run.add_argument("--url", required=True)
    p_run.add_argument("--officer", required=True, help="user whose devices push")
    p_run.add_argument("--puller", required=True, help="user whose scope holds the pull")
    p_run.add_argument("--pull-records", type=int, required=True)
    p_run.add_argument("--pushes-only", type=int, default=0, help="only N pushes of 1,000")
    p_wait = sub.add_parser("wait", help="wait until the server answers")
    p_wait.add_argument("--url", required=True)
    p_wait.add_argument("--timeout", type=float, default=30.0)
    args = parser.parse_args(argv)
    if args.cmd == "wait":
        return wait(args.url, args.timeout)
    print(
        json.dumps(
            run(
                args.url,
                args.officer,
                args.puller,
                args.pull_records,
                pushes_only=args.pushes_only,
            )
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
