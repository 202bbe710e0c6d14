"""A Python client of the attachment upload protocol (PROTOCOL.md §12), resumable by content.

Asks the server which chunks of a file it holds, sends only the others (one at a time, or
two in flight on two connections), and after a cut asks again and goes on: a cut costs at
most the chunks that were on the wire. Used by the tests and the benchmarks.
"""

from __future__ import annotations

import contextlib
import hashlib
import http.client
import json
import socket
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any

DEFAULT_CHUNK_BYTES = 256 * 1024
STATUS_MAX_ITEMS = 100
# Codes meaning "the record's declaration has not reached the server yet": sync it first.
WAIT_CODES = frozenset({"FILE_RECORD_UNKNOWN", "FILE_NOT_DECLARED"})


def chunk_count(size: int, chunk_size: int) -> int:
    """Return how many chunks a file of ``size`` bytes has."""
    if chunk_size <= 0:
        raise ValueError("chunk size must be positive")
    return max(1, -(-size // chunk_size))


def chunk_range(index: int, size: int, chunk_size: int) -> tuple[int, int]:
    """Return the byte range [start, end) of chunk ``index``."""
    start = index * chunk_size
    return start, min(size, start + chunk_size)


def missing_chunks(size: int, chunk_size: int, received: Iterable[int]) -> list[int]:
    """Return the chunk indexes the server lacks, in order."""
    held = set(received)
    return [i for i in range(chunk_count(size, chunk_size)) if i not in held]


def sha256_hex(data: bytes) -> str:
    """Return the lowercase hex SHA-256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


class UploadHttpError(Exception):
    """A coded error answer from the server (the file's or the request's)."""

    def __init__(self, status: int, code: str | None, message: str = ""):
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message

    @property
    def retryable(self) -> bool:
        """Whether the same request may succeed later (server busy or failing)."""
        return self.status in (408, 429) or self.status >= 500


class UploadGaveUpError(Exception):
    """The link failed more times in a row than the client was allowed to retry."""


@dataclass(frozen=True)
class UploadTarget:
    """A file to upload and the record that declares it."""

    table: str
    record_id: str
    data: bytes
    sha256: str = ""

    @property
    def digest(self) -> str:
        """Return the file's SHA-256 (computed when not given)."""
        return self.sha256 or sha256_hex(self.data)


@dataclass
class FileStatus:
    """What the server holds of one file."""

    sha256: str
    state: str
    received: list[int]
    error: dict[str, Any] | None = None


@dataclass
class UploadReport:
    """What one file's upload cost."""

    sha256: str
    size: int
    chunk_size: int = DEFAULT_CHUNK_BYTES
    state: str = "absent"
    requests: int = 0
    cuts: int = 0
    chunk_sends: dict[int, int] = field(default_factory=dict)
    bytes_sent: int = 0
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)

    @property
    def chunks_resent(self) -> int:
        """Return how many chunk sends repeated a chunk already sent once."""
        return sum(count - 1 for count in self.chunk_sends.values() if count > 1)

    @property
    def bytes_resent(self) -> int:
        """Return the chunk bytes sent beyond the file's size."""
        return max(0, self.bytes_sent - self.size)


class Connection:
    """One persistent HTTP/1.1 connection to the server."""

    def __init__(self, base_url: str, timeout: float):
        parsed = urllib.parse.urlsplit(base_url)
        if parsed.hostname is None:
            raise ValueError(f"no host in {base_url!r}")
        self.host, self.port = parsed.hostname, parsed.port or 80
        self.prefix = parsed.path.rstrip("/")
        self.timeout = timeout
        self.conn: http.client.HTTPConnection | None = None

    def close(self) -> None:
        """Drop the connection (a cut, or the end)."""
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def request(
        self, method: str, path: str, body: bytes, headers: dict[str, str]
    ) -> tuple[int, Any]:
        """Send one request; return the status and the JSON answer (None when not JSON)."""
        if self.conn is None:
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            self.conn.request(method, self.prefix + path, body=body, headers=headers)
            response = self.conn.getresponse()
            raw = response.read()
        except (OSError, http.client.HTTPException):
            self.close()
            raise
        if response.getheader("Connection", "").lower() == "close":
            self.close()
        try:
            data = json.loads(raw) if raw else None
        except ValueError:
            data = None
        return response.status, data


def _raise_for(status: int, data: Any) -> None:
    if status < 400:
        return
    error = data.get("error", {}) if isinstance(data, dict) else {}
    raise UploadHttpError(status, error.get("code"), error.get("message", ""))


class Uploader:
    """Upload files to one server with one bearer token."""

    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        timeout: float = 60.0,
        in_flight: int = 1,
        language: str = "en",
    ):
        if in_flight not in (1, 2):
            raise ValueError("one or two chunks in flight")
        self.base_url = base_url
        self.timeout = timeout
        self.in_flight = in_flight
        self.headers = {
            "Authorization": f"Bearer {token}",
            "Accept": "application/json",
            "Accept-Language": language,
        }
        self._local = threading.local()
        self._connections: list[Connection] = []
        self._lock = threading.Lock()

    def _connection(self) -> Connection:
        conn: Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = Connection(self.base_url, self.timeout)
            self._local.conn = conn
            with self._lock:
                self._connections.append(conn)
        return conn

    def cut(self) -> None:
        """Break every open connection at once, as a lost link does (benchmarks, tests)."""
        with self._lock:
            sockets = [c.conn.sock for c in self._connections if c.conn and c.conn.sock]
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def close(self) -> None:
        """Close every connection."""
        with self._lock:
            for conn in self._connections:
                conn.close()

    def status(self, targets: list[UploadTarget]) -> tuple[int, dict[str, FileStatus]]:
        """Ask which chunks of each file the server holds; return chunk size and answers."""
        chunk_size = DEFAULT_CHUNK_BYTES
        answers: dict[str, FileStatus] = {}
        for start in range(0, len(targets), STATUS_MAX_ITEMS):
            items = [
                {"table": t.table, "record_id": t.record_id, "sha256": t.digest}
                for t in targets[start : start + STATUS_MAX_ITEMS]
            ]
            body = json.dumps({"files": items}).encode()
            headers = {**self.headers, "Content-Type": "application/json"}
            status, data = self._connection().request("POST", "/api/v1/files/status", body, headers)
            _raise_for(status, data)
            chunk_size = int(data.get("chunk_size") or chunk_size)
            for item in data.get("files", []):
                answers[item["sha256"]] = FileStatus(
                    sha256=item["sha256"],
                    state=item.get("state", "absent"),
                    received=list(item.get("received") or []),
                    error=item.get("error"),
                )
        return chunk_size, answers

    def put_chunk(self, target: UploadTarget, index: int, chunk: bytes) -> dict[str, Any]:
        """Send one chunk; return the server's answer {sha256, state, received}."""
        query = urllib.parse.urlencode({"table": target.table, "record_id": target.record_id})
        headers = {
            **self.headers,
            "Content-Type": "application/octet-stream",
            "X-Chunk-SHA256": sha256_hex(chunk),
        }
        path = f"/api/v1/files/{target.digest}/chunks/{index}?{query}"
        status, data = self._connection().request("PUT", path, chunk, headers)
        _raise_for(status, data)
        if not isinstance(data, dict):
            raise UploadHttpError(status, "BAD_ANSWER", "the server's answer is not JSON")
        return data

    def upload(
        self,
        target: UploadTarget,
        *,
        max_failures: int = 20,
        backoff: Callable[[int], float] = lambda failures: 0.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> UploadReport:
        """Upload one file to the end, resuming after each cut from the server's status.

        Raises UploadHttpError for a coded refusal (the file's, or a wait code), and
        UploadGaveUpError after ``max_failures`` cuts in a row without progress.
        """
        report = UploadReport(sha256=target.digest, size=len(target.data))
        started = time.monotonic()
        failures = 0
        held = 0
        try:
            while True:
                try:
                    report.requests += 1
                    chunk_size, answers = self.status([target])
                    report.chunk_size = chunk_size
                    answer = answers.get(target.digest)
                    if answer is None:
                        raise UploadHttpError(200, "BAD_ANSWER", "the file is missing from status")
                    if answer.error:
                        raise UploadHttpError(
                            200, answer.error.get("code"), answer.error.get("message", "")
                        )
                    report.state = answer.state
                    if len(answer.received) > held:
                        failures = 0  # the server holds more than before the last cut
                    held = len(answer.received)
                    if answer.state == "complete":
                        return report
                    missing = missing_chunks(report.size, chunk_size, answer.received)
                    if self.in_flight > 1:
                        # The chunks go on connections of their own: this one would sit idle
                        # past the server's keep-alive and fail the next status request.
                        self._connection().close()
                    if self._send(target, missing, chunk_size, report):
                        return report
                    failures = 0  # every chunk went and the server still wants something
                except (OSError, http.client.HTTPException) as error:
                    report.cuts += 1
                    report.errors.append(repr(error)[:200])
                    failures += 1
                    if failures > max_failures:
                        raise UploadGaveUpError(f"{failures} cuts in a row") from error
                    sleep(backoff(failures))
                except UploadHttpError as error:
                    report.errors.append(repr(error)[:200])
                    if not error.retryable:
                        raise
                    failures += 1
                    if failures > max_failures:
                        raise UploadGaveUpError(f"{failures} failures in a row") from error
                    sleep(backoff(failures))
        finally:
            report.seconds = time.monotonic() - started

    def _send(
        self, target: UploadTarget, indexes: list[int], chunk_size: int, report: UploadReport
    ) -> bool:
        """Send these chunks in order; return whether the server said complete."""
        size = len(target.data)

        def one(index: int) -> dict[str, Any]:
            start, end = chunk_range(index, size, chunk_size)
            with self._lock:
                report.chunk_sends[index] = report.chunk_sends.get(index, 0) + 1
                report.bytes_sent += end - start
                report.requests += 1
            return self.put_chunk(target, index, target.data[start:end])

        complete = False
        if self.in_flight == 1:
            for index in indexes:
                answer = one(index)
                report.state = answer.get("state", report.state)
                complete = complete or report.state == "complete"
            return complete
        with ThreadPoolExecutor(max_workers=self.in_flight) as pool:
            queue = list(indexes)
            running: set[Future[dict[str, Any]]] = set()
            failure: BaseException | None = None
            while (queue and failure is None) or running:
                while queue and failure is None and len(running) < self.in_flight:
                    running.add(pool.submit(one, queue.pop(0)))
                finished, running = wait(running, return_when=FIRST_COMPLETED)
                for future in finished:
                    try:
                        answer = future.result()
                    except BaseException as error:  # re-raised once the other chunk lands
                        failure = failure or error
                        continue
                    report.state = answer.get("state", report.state)
                    complete = complete or report.state == "complete"
            if failure is not None:
                raise failure
        return complete
