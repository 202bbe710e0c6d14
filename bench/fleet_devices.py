"""Devices of the fleet: the real sync client, with a log of every mutation and its answers."""

from __future__ import annotations

import itertools
import threading
import time
import uuid
from dataclasses import dataclass, field

from sync.client import SyncClient, Transport

# Entries kept for a failure's trace.
TRACE_LIMIT = 200_000


def canonical(record_id: str) -> str:
    """Return a record id the way the server stores it, or the id itself if it is no UUID."""
    try:
        return str(uuid.UUID(record_id))
    except (ValueError, TypeError, AttributeError):
        return str(record_id)


# Touches every record: a unit move changes the scopes behind any divergence (PROTOCOL.md §5.4).
EVERY_RECORD = "*"


@dataclass
class TraceEntry:
    """One thing that happened: who, what, and which records it touched."""

    index: int
    at: float
    actor: str
    text: str
    ids: frozenset
    # (record id, text) parts shown only in the traces of that record
    parts: tuple = ()

    def render(self, record_id: str) -> str:
        """Return the entry as a trace line about one record."""
        key = canonical(record_id)
        mine = [text for rid, text in self.parts if canonical(rid) == key]
        more = len(self.parts) - len(mine)
        detail = f" [{'; '.join(mine)}{f'; +{more} more' if more else ''}]" if self.parts else ""
        return f"{self.at:7.2f}s {self.actor}: {self.text}{detail}"


class Trace:
    """Everything the fleet did, in the order it happened, searchable by record."""

    def __init__(self):
        self.entries: list[TraceEntry] = []
        self.lock = threading.Lock()
        self.started = time.monotonic()
        self.counter = itertools.count()

    def add(self, actor: str, text: str, ids=(), parts=()) -> None:
        """Append an entry naming the records it touched, with details per record."""
        entry = TraceEntry(
            next(self.counter),
            time.monotonic() - self.started,
            actor,
            text,
            frozenset(canonical(i) for i in [*ids, *(rid for rid, _ in parts)]),
            tuple(parts),
        )
        with self.lock:
            if len(self.entries) < TRACE_LIMIT:
                self.entries.append(entry)

    def tagged(self, tag: str) -> list[TraceEntry]:
        """Return the entries of one request, by its tag."""
        needle = f"{tag} "
        with self.lock:
            return [e for e in self.entries if needle in e.text]

    def touching(self, record_id: str, limit: int) -> list[TraceEntry]:
        """Return the last `limit` entries that touched a record, and every unit move."""
        key = canonical(record_id)
        with self.lock:
            hits = [e for e in self.entries if key in e.ids or EVERY_RECORD in e.ids]
        return hits[-limit:]


@dataclass
class LoggedMutation:
    """A mutation a device queued, what it sent, and every answer it got."""

    key: str
    device: str
    op: str
    table: str
    record_id: str
    base: int = 0
    data: dict = field(default_factory=dict)
    sent: int = 0
    results: list = field(default_factory=list)
    # The conflict's record, for a resolve: known on the device when it queued it.
    target_record: str | None = None

    @property
    def ack(self) -> dict | None:
        """Return the first answer that was not `duplicate`: the acknowledged outcome."""
        return next((r for r in self.results if r["status"] != "duplicate"), None)

    @property
    def hidden(self) -> bool:
        """Tell whether the mutation was answered only `duplicate`: its outcome never seen."""
        return bool(self.results) and self.ack is None


class FleetTransport(Transport):
    """A Transport that tags each request and can ask the balancer to break the next one."""

    def __init__(self, base_url: str, name: str):
        super().__init__(base_url, timeout=60.0)
        self.name = name
        self.fault: str | None = None
        self.requests = itertools.count(1)
        self.last_tag = ""

    def post(self, path: str, body: bytes, headers: dict):
        """Send one POST with the fleet's tag and, once, the fault asked for."""
        self.last_tag = f"{self.name}/{next(self.requests)}"
        headers = {**headers, "X-Fleet-Tag": self.last_tag}
        if self.fault:
            headers["X-Fleet-Fault"] = self.fault
            self.fault = None
            self.close()  # a fresh connection, so the balancer's close hits only this request
        return super().post(path, body, headers)


def _short(value) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def describe_data(data: dict) -> str:
    """Return a mutation's data in one short line."""
    return "{" + ", ".join(f"{k}={_short(v)}" for k, v in data.items() if k != "id") + "}"


def _describe(mutation: dict) -> str:
    return (
        f"sent seq {mutation['seq']} {mutation['op']} {mutation['table']}"
        f" base {mutation['base']} {describe_data(mutation['data'])}"
    )


def _describe_result(result: dict) -> str:
    extra = [f"v{result['version']}"] if result.get("version") is not None else []
    if result.get("conflicts"):
        extra.append(f"conflicts {result['conflicts']}")
    if result.get("code"):
        extra.append(result["code"])
    if result.get("duplicate"):
        extra.append("(replayed: applied by an earlier request)")
    return f"seq {result['seq']} {result['status']} {' '.join(extra)}".rstrip()


class FleetClient(SyncClient):
    """The real SyncClient, logging each mutation it queues, sends and hears back about."""

    def __init__(
        self, base_url: str, name: str, trace: Trace, *, sends_scope: bool = True, **kwargs
    ):
        transport = FleetTransport(base_url, name)
        super().__init__(base_url, transport=transport, **kwargs)
        self.name = name
        # False: a client written before the scope token, which never sends it (§5.4).
        self.sends_scope = sends_scope
        self.trace = trace
        self.log: dict[str, LoggedMutation] = {}
        self.keys = itertools.count(1)
        self.exchanges = 0

    def _enqueue(self, op: str, table: str, base: int, data: dict) -> None:
        before = len(self.state.outbox)
        super()._enqueue(op, table, base, data)
        entry = self.state.outbox[-1]
        if len(self.state.outbox) > before:
            entry["key"] = f"{self.name}:{next(self.keys)}"
            self.log[entry["key"]] = LoggedMutation(
                entry["key"], self.name, op, table, data["id"], base
            )
        logged = self.log[entry["key"]]
        logged.data = dict(entry["data"])
        if op == "resolve":
            conflict = self.state.conflicts.get(data["id"]) or {}
            logged.target_record = conflict.get("record_id")
        ids = [data["id"], logged.target_record or data["id"]]
        self.trace.add(
            self.name, f"queue {op} {table}/{data['id']} base {base} {describe_data(data)}", ids
        )

    def _exchange(self, mutations: list) -> dict:
        if not self.sends_scope:
            self.state.scope = None
        for mutation in mutations:
            self.log[mutation["key"]].sent += 1
        targets = {m["seq"]: self.log[m["key"]].target_record or m["data"]["id"] for m in mutations}
        sent = [(targets[m["seq"]], _describe(m)) for m in mutations]
        fault = self.transport.fault or "pass"
        self.exchanges += 1
        cursor = self.state.cursor
        try:
            response = super()._exchange(mutations)
        except Exception as exc:
            head = f"sync {self.transport.last_tag} fault={fault} cursor {cursor}"
            self.trace.add(self.name, f"{head} -> {type(exc).__name__}: {exc}", parts=sent)
            raise
        head = f"sync {self.transport.last_tag} fault={fault} cursor {cursor}"
        answered = [
            (targets.get(r["seq"], ""), f"answer {_describe_result(r)}")
            for r in response["results"]
        ]
        changes = response.get("changes") or {}
        pulled = [
            (r["id"], f"pulled {t} v{r.get('version')}{' deleted' if r.get('deleted') else ''}")
            for t in ("models", "meetings")
            for r in changes.get(t, [])
        ]
        gone = changes.get("removed") or {}
        removed = [(i, f"removed {t}") for t in ("models", "meetings") for i in gone.get(t, [])]
        conflicts = [
            (c["record_id"], f"pulled conflict {c['id'][:8]} {c['field']} {c['reason']}")
            for c in changes.get("conflicts", [])
        ]
        self.trace.add(
            self.name,
            f"{head} -> last_seq {response['last_seq']} cursor {response['cursor']}"
            f" reset {response['reset']}",
            parts=sent + answered + pulled + removed + conflicts,
        )
        return response

    def _apply_response(self, response: dict, report) -> None:
        by_seq = {m["seq"]: m for m in self.state.outbox}
        for result in response["results"]:
            mutation = by_seq.get(result["seq"])
            if mutation is not None:
                self.log[mutation["key"]].results.append(dict(result))
        super()._apply_response(response, report)
