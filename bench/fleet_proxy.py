"""A load balancer without sticky sessions that can break the requests it forwards.

Every request goes to one of the app servers chosen at random, on a fresh upstream connection.
The client names a fault for one request in the ``X-Fleet-Fault`` header (removed before
forwarding), so a seeded driver decides which exchange breaks and how:

- ``drop``: forward, read the whole response (the server has committed), close the client's
  connection without a byte;
- ``twin``: send the same request to both servers at once, answer with one response;
- ``cut``: send the head and half the body, end the upload, close the client's connection;
- ``kill``: forward, SIGKILL the chosen server's worker a moment later, close the client's
  connection.

Besides, while ``drop_resets`` is on, an answer with ``reset: true`` is dropped as ``drop``
drops it (logged as ``drop_reset``) unless the device's last answer was a reset so dropped: the
retry must be reset again (PROTOCOL.md §5.4), and a reset that is not is lost for good.

What each server answered, including the answers the client never saw, goes to a log.
"""

from __future__ import annotations

import contextlib
import random
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from bench.live import PROXY_TIMEOUT_S, Relay, _decode, _headers, _Reader

FAULT_HEADER = b"x-fleet-fault"
TAG_HEADER = "x-fleet-tag"
FAULTS = ("drop", "twin", "cut", "kill")
# How long after forwarding a push the worker dies: inside a small push's transaction or
# just after it, both cases the protocol must survive.
KILL_DELAY_S = (0.0, 0.04)


@dataclass
class Forwarded:
    """One copy of a request sent to one server, and what it answered."""

    server: int
    status: int | None = None
    body: object = None
    error: str | None = None
    raw_head: bytes = b""
    raw: bytes = b""


@dataclass
class ProxyEvent:
    """One request through the proxy: its tag, its fault and every copy's answer."""

    tag: str
    path: str
    fault: str
    copies: list[Forwarded] = field(default_factory=list)
    delivered: bool = False
    request: object = None


def _strip_fault(head: bytes) -> tuple[bytes, str, str]:
    """Remove the fault header from a request head; return the head, the fault and the tag."""
    lines = head.split(b"\r\n")
    kept, fault = [], "pass"
    for line in lines:
        name = line.split(b":", 1)[0].strip().lower()
        if name == FAULT_HEADER:
            fault = line.split(b":", 1)[1].strip().decode()
        else:
            kept.append(line)
    return b"\r\n".join(kept), fault, _headers(head).get(TAG_HEADER, "")


class RoutingProxy(Relay):
    """Forward each request to a random server; break the ones the client asks to break."""

    thread_name = "fleet-proxy"

    def __init__(
        self,
        ports: list[int],
        *,
        seed: int,
        kill_worker: Callable[[int], None],
        log: Callable[[ProxyEvent], None],
    ):
        super().__init__()
        self.ports = ports
        self.kill_worker = kill_worker
        self.log = log
        self.rng = random.Random(seed)
        self.rng_lock = threading.Lock()
        self.drop_resets = True
        # Devices whose last answer was a reset this proxy dropped.
        self.dropped_last: set[str] = set()

    def start(self) -> RoutingProxy:
        """Start accepting connections."""
        super().start()
        return self

    def _pick(self) -> int:
        with self.rng_lock:
            return self.rng.randrange(len(self.ports))

    def _delay(self) -> float:
        with self.rng_lock:
            return self.rng.uniform(*KILL_DELAY_S)

    def _serve(self, client: socket.socket) -> None:
        try:
            client.settimeout(PROXY_TIMEOUT_S)
            reader = _Reader(client)
            while True:
                head = reader.until(b"\r\n\r\n")
                if head is None:
                    return
                body = reader.exactly(int(_headers(head).get("content-length", "0")))
                if not self._exchange(client, head, body):
                    return
        except OSError:
            return
        finally:
            self._track(client, add=False)

    def _exchange(self, client: socket.socket, head: bytes, body: bytes) -> bool:
        """Handle one request; tell whether the client's connection lives on."""
        head, fault, tag = _strip_fault(head)
        event = ProxyEvent(tag=tag, path=head.split(b" ", 2)[1].decode(), fault=fault)
        with contextlib.suppress(ValueError, OSError, EOFError):
            event.request = _decode(head, body)
        try:
            if fault == "twin":
                copies = [Forwarded(server) for server in range(len(self.ports))]
                threads = [
                    threading.Thread(target=self._forward, args=(c, head, body)) for c in copies
                ]
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join()
                event.copies = copies
                answered = [c for c in copies if c.status is not None]
                if not answered:
                    return False
                with self.rng_lock:
                    chosen = self.rng.choice(answered)
                client.sendall(chosen.raw)
                event.delivered = True
                return _keeps_alive(chosen.raw_head)
            copy = Forwarded(self._pick())
            event.copies = [copy]
            if fault == "cut":
                self._forward(copy, head, body[: len(body) // 2], cut=True)
                return False
            if fault == "kill":
                self._forward(copy, head, body, kill_after=self._delay())
                return False
            self._forward(copy, head, body)
            if fault == "pass" and self._drops_reset(tag, copy):
                event.fault = "drop_reset"
                return False
            if fault == "drop" or copy.status is None:
                return False
            client.sendall(copy.raw)
            event.delivered = True
            return _keeps_alive(copy.raw_head)
        finally:
            self.log(event)

    def _drops_reset(self, tag: str, copy: Forwarded) -> bool:
        """Tell whether to lose this answer: a `reset: true` not answering a lost one."""
        body = copy.body
        device = tag.rsplit("/", 1)[0]
        with self.rng_lock:
            drop = (
                self.drop_resets
                and isinstance(body, dict)
                and body.get("reset") is True
                and device not in self.dropped_last
            )
            if drop:
                self.dropped_last.add(device)
            else:
                self.dropped_last.discard(device)
            return drop

    def _forward(
        self,
        copy: Forwarded,
        head: bytes,
        body: bytes,
        *,
        cut: bool = False,
        kill_after: float | None = None,
    ) -> None:
        """Send one request to a server on a new connection and read its answer into `copy`."""
        upstream = None
        try:
            upstream = socket.create_connection(
                ("127.0.0.1", self.ports[copy.server]), timeout=PROXY_TIMEOUT_S
            )
            self._track(upstream, add=True)
            upstream.sendall(head + body)
            if cut:
                upstream.shutdown(socket.SHUT_WR)
            if kill_after is not None:
                time.sleep(kill_after)
                self.kill_worker(copy.server)
            reader = _Reader(upstream)
            response_head = reader.until(b"\r\n\r\n")
            if response_head is None:
                raise ConnectionError("server closed without answering")
            length = _headers(response_head).get("content-length")
            response_body = reader.exactly(int(length)) if length else reader.rest()
            copy.status = int(response_head.split(b" ", 2)[1])
            copy.raw_head, copy.raw = response_head, response_head + response_body
            with contextlib.suppress(ValueError, OSError, EOFError):
                copy.body = _decode(response_head, response_body)
        except OSError as exc:
            copy.error = type(exc).__name__
        finally:
            if upstream is not None:
                self._track(upstream, add=False)


def _keeps_alive(head: bytes) -> bool:
    return _headers(head).get("connection", "").lower() != "close"
