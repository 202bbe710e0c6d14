"""Cut an upload at seeded random points and check the client resumes it exactly (§12).

Shared by the test against a stand-in server (fast, no database) and the live test against
gunicorn. The stand-in follows PROTOCOL.md §12 for one declared file and nothing more.
"""

from __future__ import annotations

import hashlib
import json
import random
import threading
import urllib.parse
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from bench.live import FaultProxy
from sync.uploads import Uploader, UploadReport, UploadTarget, chunk_count, chunk_range

FAULT_KINDS = ("cut_request", "cut", "drop")


@dataclass
class CutPlan:
    """The seeded faults: exchange index → fault, as FaultProxy takes them."""

    seed: int
    faults: dict[int, tuple]

    @classmethod
    def make(cls, seed: int, cuts: int, span: int) -> CutPlan:
        """Draw `cuts` faults among exchanges 1..span (0 is the first status request)."""
        rng = random.Random(seed)  # noqa: S311 - a replayable plan, not a secret
        faults: dict[int, tuple] = {}
        for index in sorted(rng.sample(range(1, span), cuts)):
            kind = rng.choice(FAULT_KINDS)
            faults[index] = (kind,) if kind == "drop" else (kind, round(rng.random(), 3))
        return cls(seed, faults)


def cut_upload(proxy: FaultProxy, uploader: Uploader, target: UploadTarget, plan: CutPlan):
    """Upload through the proxy under the plan; return the report and the faulted chunk PUTs."""
    proxy.faults.clear()
    first = proxy.next_index
    for index, fault in plan.faults.items():
        proxy.fault(first + index, *fault)
    report: UploadReport = uploader.upload(target, max_failures=50)
    faulted_puts = [
        e
        for e in proxy.exchanges[first:]
        if e.request_head.startswith(b"PUT ") and e.fault[0] != "pass"
    ]
    proxy.faults.clear()
    return report, faulted_puts


def explain(plan: CutPlan, report: UploadReport, faulted_puts: list) -> str:
    """Say what happened, so a failing seed can be replayed."""
    cuts = [(e.index, e.fault, e.path) for e in faulted_puts]
    return (
        f"seed={plan.seed} chunk_size={report.chunk_size} size={report.size} "
        f"sends={dict(sorted(report.chunk_sends.items()))} cuts={report.cuts} "
        f"faulted chunk PUTs={cuts}"
    )


class StandInServer:
    """A §12 server for declared files, in memory, on a loopback port."""

    def __init__(self, declared: dict[str, int], chunk_size: int):
        self.declared = declared
        self.chunk_size = chunk_size
        self.chunks: dict[str, dict[int, bytes]] = {sha: {} for sha in declared}
        self.complete: dict[str, bytes] = {}
        self.lock = threading.Lock()
        handler = self._handler()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> StandInServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def _state(self, sha: str) -> dict:
        if sha in self.complete:
            n = chunk_count(self.declared[sha], self.chunk_size)
            return {"sha256": sha, "state": "complete", "received": list(range(n))}
        held = sorted(self.chunks[sha])
        return {"sha256": sha, "state": "partial" if held else "absent", "received": held}

    def _put(self, sha: str, index: int, body: bytes, claimed: str) -> tuple[int, dict]:
        size = self.declared[sha]
        start, end = chunk_range(index, size, self.chunk_size)
        if index >= chunk_count(size, self.chunk_size) or len(body) != end - start:
            return 400, {"error": {"code": "FILE_CHUNK_RANGE", "message": "range"}}
        if hashlib.sha256(body).hexdigest() != claimed:
            return 400, {"error": {"code": "FILE_CHUNK_HASH", "message": "hash"}}
        with self.lock:
            if sha not in self.complete:
                self.chunks[sha][index] = body
                if len(self.chunks[sha]) == chunk_count(size, self.chunk_size):
                    whole = b"".join(self.chunks[sha][i] for i in sorted(self.chunks[sha]))
                    if hashlib.sha256(whole).hexdigest() != sha:
                        self.chunks[sha].clear()
                        return 422, {"error": {"code": "FILE_HASH_MISMATCH", "message": "x"}}
                    self.complete[sha] = whole
            return 200, self._state(sha)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # The answer's head and body go out in two writes: with Nagle's algorithm the body
            # waited for the client's delayed ACK (~40 ms an exchange on loopback).
            disable_nagle_algorithm = True

            def log_message(self, *args) -> None:
                """Stay quiet."""

            def _answer(self, status: int, data: dict) -> None:
                body = json.dumps(data).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _body(self) -> bytes | None:
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                return body if len(body) == length else None

            def do_POST(self) -> None:
                """Answer a status request."""
                body = self._body()
                if body is None:
                    return
                items = json.loads(body)["files"]
                files = [server._state(item["sha256"]) | {"error": None} for item in items]
                self._answer(200, {"chunk_size": server.chunk_size, "files": files})

            def do_PUT(self) -> None:
                """Take one chunk."""
                body = self._body()
                if body is None:
                    self.close_connection = True
                    return
                path = urllib.parse.urlsplit(self.path).path.split("/")
                sha, index = path[4], int(path[6])
                self._answer(*server._put(sha, index, body, self.headers["X-Chunk-SHA256"]))

        return Handler
