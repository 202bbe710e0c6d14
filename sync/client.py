"""A Python client of the sync protocol, with its own local store and outbox.

Used by the tests, the benchmarks and, later, by an intermediate office's node. It follows
PROTOCOL.md to the letter: one request per exchange, gzip bodies, idempotent retries.
"""

import copy
import gzip
import http.client
import json
import os
import random
import tempfile
import time
import urllib.parse
from dataclasses import dataclass, field
from typing import Any, Protocol

from sync.messages import PROTOCOL_VERSION, SCHEMA_VERSION

# A sign-in answered SIGN_IN_BUSY is tried again after Retry-After, this many times in all.
LOGIN_BUSY_TRIES = 30

RECORD_TABLES = ("models", "meetings", "evaluations", "recognitions", "inspections")
# Bodies smaller than this go uncompressed: gzip's framing would make them larger.
GZIP_MIN_BYTES = 1024


class SyncHttpError(Exception):
    """A request-level error answer from the server."""

    def __init__(self, status: int, body: dict[str, Any] | None):
        error = (body or {}).get("error", {})
        super().__init__(f"{status} {error.get('code')}")
        self.status = status
        self.code = error.get("code")
        self.details = error.get("details", {})


@dataclass
class LocalState:
    """Everything the device keeps: records, outbox, cursor, conflicts, units."""

    records: dict[str, dict[str, dict[str, Any]]] = field(
        default_factory=lambda: {t: {} for t in RECORD_TABLES}
    )
    outbox: list[dict[str, Any]] = field(default_factory=list)
    next_seq: int = 1
    cursor: int = 0
    # The scope token that came with the cursor, stored and sent back with it (§5.4).
    scope: str | None = None
    units: dict[str, Any] = field(default_factory=dict)
    conflicts: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, Any] = field(default_factory=dict)
    # Values of rejected puts, kept so nothing typed is lost (§4.6), keyed "table/id".
    refused: dict[str, dict[str, Any]] = field(default_factory=dict)
    # The server's copy of each record that has local values on top, so they can be discarded.
    server_copies: dict[str, dict[str, Any]] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """Return the state as plain JSON data."""
        return {
            "records": self.records,
            "outbox": self.outbox,
            "next_seq": self.next_seq,
            "cursor": self.cursor,
            "scope": self.scope,
            "units": self.units,
            "conflicts": self.conflicts,
            "errors": self.errors,
            "refused": self.refused,
            "server_copies": self.server_copies,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "LocalState":
        """Rebuild a state saved with to_json; tables added since start empty."""
        state = cls(**data)
        for table in RECORD_TABLES:
            state.records.setdefault(table, {})
        return state


class StateStore(Protocol):
    """Where a client keeps its LocalState between runs."""

    def load(self) -> LocalState:
        """Return the saved state."""
        ...

    def save(self, state: LocalState) -> None:
        """Keep the state."""
        ...


class FileStore:
    """Persist a LocalState as one JSON file, replaced atomically on every save."""

    def __init__(self, path: str):
        self.path = path

    def load(self) -> LocalState:
        """Read the state, or start empty."""
        if not os.path.exists(self.path):
            return LocalState()
        with open(self.path, encoding="utf-8") as fh:
            return LocalState.from_json(json.load(fh))

    def save(self, state: LocalState) -> None:
        """Write the state so that a crash leaves either the old or the new file."""
        directory = os.path.dirname(os.path.abspath(self.path))
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=".sync-", suffix=".json")
        # json.dumps, not json.dump: dump encodes piece by piece in Python, ~10x slower on a
        # state of thousands of records, and the state is saved after every exchange.
        text = json.dumps(state.to_json(), ensure_ascii=False)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.path)


class MemoryStore:
    """Keep a LocalState in memory only, encoded as FileStore writes it to disk."""

    def __init__(self) -> None:
        self._saved = json.dumps(LocalState().to_json(), ensure_ascii=False)

    def load(self) -> LocalState:
        """Return a copy of the saved state."""
        return LocalState.from_json(json.loads(self._saved))

    def save(self, state: LocalState) -> None:
        """Keep a copy of the state."""
        # Encoded, not deep-copied: the copy is what a file would hold (and ~4x cheaper).
        self._saved = json.dumps(state.to_json(), ensure_ascii=False)


@dataclass
class Traffic:
    """What one or more exchanges cost on the wire."""

    requests: int = 0
    bytes_up: int = 0
    bytes_down: int = 0


class Transport:
    """One persistent HTTP/1.1 connection that counts every byte both ways."""

    def __init__(self, base_url: str, timeout: float = 60.0):
        parsed = urllib.parse.urlsplit(base_url)
        if parsed.hostname is None:
            raise ValueError(f"no host in {base_url!r}")
        self.host, self.port = parsed.hostname, parsed.port or 80
        self.prefix = parsed.path.rstrip("/")
        self.timeout = timeout
        self.conn: http.client.HTTPConnection | None = None
        self.traffic = Traffic()

    def close(self) -> None:
        """Drop the connection."""
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def post(
        self, path: str, body: bytes, headers: dict[str, Any]
    ) -> tuple[int, dict[str, Any], bytes]:
        """Send one POST and return status, headers and the (inflated) body."""
        if self.conn is None:
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        url = self.prefix + path
        headers = {"Host": f"{self.host}:{self.port}", "Content-Length": str(len(body)), **headers}
        request_head = (
            f"POST {url} HTTP/1.1\r\n"
            + "".join(f"{k}: {v}\r\n" for k, v in headers.items())
            + "\r\n"
        )
        try:
            self.conn.putrequest("POST", url, skip_host=True, skip_accept_encoding=True)
            for key, value in headers.items():
                self.conn.putheader(key, value)
            self.conn.endheaders(body)
            response = self.conn.getresponse()
            raw = response.read()
        except (OSError, http.client.HTTPException):
            self.close()
            raise
        response_head = (
            f"HTTP/1.1 {response.status} {response.reason}\r\n"
            + "".join(f"{k}: {v}\r\n" for k, v in response.getheaders())
            + "\r\n"
        )
        self.traffic.requests += 1
        self.traffic.bytes_up += len(request_head) + len(body)
        self.traffic.bytes_down += len(response_head) + len(raw)
        if response.getheader("Connection", "").lower() == "close":
            self.close()
        if response.getheader("Content-Encoding") == "gzip":
            raw = gzip.decompress(raw)
        return response.status, dict(response.getheaders()), raw


@dataclass
class SyncReport:
    """What one sync() call did."""

    results: list[dict[str, Any]] = field(default_factory=list)
    pulled: int = 0
    pages: int = 0
    reset: bool = False


class SyncClient:
    """A device: local records, an outbox, and sync over one HTTP connection."""

    def __init__(
        self,
        base_url: str,
        *,
        store: StateStore | None = None,
        token: str | None = None,
        app_version: str = "python-client",
        compress: bool = True,
        page_limit: int | None = None,
        transport: Transport | None = None,
        schema: int = SCHEMA_VERSION,
    ) -> None:
        self.transport = transport or Transport(base_url)
        # The record shapes this client knows (PROTOCOL.md §9): an older app sends an older one.
        self.schema = schema
        self.store: StateStore = store or MemoryStore()
        self.state = self.store.load()
        self.token = token
        self.app_version = app_version
        self.compress = compress
        self.page_limit = page_limit
        self.user: dict[str, Any] | None = None

    # --- account ----------------------------------------------------------------------------

    def login(self, username: str, password: str, device_name: str = "python") -> dict[str, Any]:
        """Sign in; the token binds this client to a new device."""
        body = json.dumps(
            {
                "username": username,
                "password": password,
                "device_name": device_name,
                "app_version": self.app_version,
            }
        )
        for _ in range(LOGIN_BUSY_TRIES):
            status, headers, raw = self.transport.post(
                "/api/v1/auth/login", body.encode(), {"Content-Type": "application/json"}
            )
            data: dict[str, Any] = json.loads(raw)
            busy = status == 429 and (data.get("error") or {}).get("code") == "SIGN_IN_BUSY"
            if not busy:
                break
            # The server checks a few passwords at a time and says when to come back.
            retry_after = {k.lower(): v for k, v in headers.items()}.get("retry-after", "1")
            time.sleep(float(retry_after) * (1 + random.random()))  # noqa: S311 - jitter
        if status != 201:
            raise SyncHttpError(status, data)
        self.token = data["token"]
        self.user = data["user"]
        return data

    # --- local edits ------------------------------------------------------------------------

    def record(self, table: str, record_id: str) -> dict[str, Any] | None:
        """Return the local copy of a record."""
        return self.state.records.get(table, {}).get(record_id)

    def create(self, table: str, data: dict[str, Any]) -> dict[str, Any]:
        """Create a record locally and queue it."""
        # What the server starts every record with (§3.2): a draft awaiting no one.
        record = {**data, "version": 0, "review_status": "NHAP", "approvals": [], "deleted": False}
        self.state.records.setdefault(table, {})[data["id"]] = record
        self._enqueue("put", table, 0, dict(data))
        return record

    def edit(self, table: str, record_id: str, changes: dict[str, Any]) -> None:
        """Change some fields of a local record and queue the change with any refused values."""
        record = self.state.records[table][record_id]
        key = f"{table}/{record_id}"
        on_server = record.get("version", 0) > 0
        if on_server and not self._has_local_values(table, record_id):
            self.state.server_copies[key] = copy.deepcopy(record)
        record.update(changes)
        # The user edits again: the values refused before go with the new ones (§4.6).
        kept = self.state.refused.pop(key, {})
        data = {"id": record_id, **kept, **changes}
        self._enqueue("put", table, record.get("version", 0), data)

    def discard_refused(self, table: str, record_id: str) -> None:
        """Drop the refused values of a record and show the server's copy again (§4.6)."""
        key = f"{table}/{record_id}"
        if self.state.refused.pop(key, None) is None:
            return
        self.state.errors.pop(key, None)
        server = self.state.server_copies.get(key)
        if server is None:
            # Never accepted by the server: nothing of it exists but what was refused.
            if not self._pending_for(table, record_id):
                self.state.records.get(table, {}).pop(record_id, None)
        else:
            self._store_pulled(table, server)
        self.store.save(self.state)

    def delete(self, table: str, record_id: str) -> None:
        """Delete a record locally and queue the delete."""
        record = self.state.records[table].pop(record_id, None) or {}
        self._enqueue("delete", table, record.get("version", 0), {"id": record_id})

    def review(self, table: str, record_id: str, action: str, comment: str | None = None) -> None:
        """Queue a workflow step on a record."""
        record = self.state.records[table].get(record_id) or {}
        data = {"id": record_id, "action": action}
        if comment is not None:
            data["comment"] = comment
        self._enqueue("review", table, record.get("version", 0), data)

    def resolve(self, conflict_id: str, resolution: str) -> None:
        """Queue the resolution of a conflict."""
        self._enqueue("resolve", "conflicts", 0, {"id": conflict_id, "resolution": resolution})

    def _enqueue(self, op: str, table: str, base: int, data: dict[str, Any]) -> None:
        last = self.state.outbox[-1] if self.state.outbox else None
        if (
            op == "put"
            and last
            and not last.get("sent")
            and last["op"] == "put"
            and last["table"] == table
            and last["data"]["id"] == data["id"]
        ):
            last["data"].update(data)  # collapse edits that never left the device (§4.1)
        else:
            self.state.outbox.append(
                {"seq": self.state.next_seq, "op": op, "table": table, "base": base, "data": data}
            )
            self.state.next_seq += 1
        self.store.save(self.state)

    # --- sync -------------------------------------------------------------------------------

    def _exchange(self, mutations: list[dict[str, Any]]) -> dict[str, Any]:
        body = {
            "protocol": PROTOCOL_VERSION,
            "schema": self.schema,
            "app_version": self.app_version,
            "cursor": self.state.cursor,
            "pending": max(0, len(self.state.outbox) - len(mutations)),
            "mutations": [
                {k: m[k] for k in ("seq", "op", "table", "base", "data")} for m in mutations
            ],
        }
        if self.page_limit:
            body["limit"] = self.page_limit
        if self.state.scope is not None:
            body["scope"] = self.state.scope
        raw = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
        headers = {
            "Authorization": f"Bearer {self.token}",
            "Content-Type": "application/json",
            "Accept-Encoding": "gzip",
        }
        if self.compress and len(raw) >= GZIP_MIN_BYTES:
            raw = gzip.compress(raw, compresslevel=6, mtime=0)
            headers["Content-Encoding"] = "gzip"
        status, _, payload = self.transport.post("/api/v1/sync", raw, headers)
        data: dict[str, Any] | None = json.loads(payload) if payload else None
        if status != 200 or data is None:
            raise SyncHttpError(status, data)
        return data

    def sync(self, *, batch: int = 1000, max_rounds: int = 10_000) -> SyncReport:
        """Push the outbox and pull until nothing is left; safe to call again after a failure."""
        report = SyncReport()
        for _ in range(max_rounds):
            mutations = self.state.outbox[:batch]
            for mutation in mutations:
                mutation["sent"] = True  # from now on it is never collapsed into
            if mutations:
                self.store.save(self.state)
            try:
                response = self._exchange(mutations)
            except SyncHttpError as exc:
                if exc.code == "SEQ_GAP":
                    self._renumber(exc.details["expected_seq"])
                    continue
                raise
            self._apply_response(response, report)
            report.pages += 1
            if not response["more"] and len(self.state.outbox) == 0:
                return report
            if not response["more"] and not mutations:
                return report
        raise RuntimeError("sync did not finish within max_rounds")

    def _renumber(self, first: int) -> None:
        for offset, mutation in enumerate(self.state.outbox):
            mutation["seq"] = first + offset
        self.state.next_seq = first + len(self.state.outbox)
        self.store.save(self.state)

    def _apply_response(self, response: dict[str, Any], report: SyncReport) -> None:
        last = response["last_seq"]
        by_seq = {m["seq"]: m for m in self.state.outbox}
        for result in response["results"]:
            mutation = by_seq.get(result["seq"])
            report.results.append(result)
            if mutation is None or mutation["table"] not in RECORD_TABLES:
                continue
            record = self.state.records.get(mutation["table"], {}).get(mutation["data"]["id"])
            key = f"{mutation['table']}/{mutation['data']['id']}"
            if result["status"] == "rejected":
                self.state.errors[key] = {"code": result["code"], "message": result["message"]}
                if mutation["op"] == "put":
                    kept = self.state.refused.setdefault(key, {})
                    kept.update({k: v for k, v in mutation["data"].items() if k != "id"})
            elif key not in self.state.refused:
                # Refused values still shown keep their error until an edit carries them.
                self.state.errors.pop(key, None)
            if record is not None and result.get("version") is not None:
                record["version"] = result["version"]
        self.state.outbox = [m for m in self.state.outbox if m["seq"] > last]
        if response["reset"]:
            self._drop_pulled()
            report.reset = True
        changes = response.get("changes") or {}
        for unit in changes.get("units", []):
            self.state.units[str(unit["id"])] = unit
        # What left the scope goes first, then the changes (§5.4).
        removed = changes.get("removed") or {}
        for table in RECORD_TABLES:
            for record_id in removed.get(table, []):
                if not self._has_local_values(table, record_id):
                    self.state.records.get(table, {}).pop(record_id, None)
                    self.state.server_copies.pop(f"{table}/{record_id}", None)
        for conflict_id in removed.get("conflicts", []):
            self.state.conflicts.pop(conflict_id, None)
        for unit_id in removed.get("units", []):
            self.state.units.pop(str(unit_id), None)
        for conflict in changes.get("conflicts", []):
            self.state.conflicts[conflict["id"]] = conflict
        for table in RECORD_TABLES:
            for record in changes.get(table, []):
                self._store_pulled(table, record)
                report.pulled += 1
        self.state.cursor = response["cursor"]
        # A server before the token sends none: the client then keeps sending none.
        self.state.scope = response.get("scope")
        self.store.save(self.state)  # changes and cursor together (§5.3)

    def _pending_for(self, table: str, record_id: str) -> list[dict[str, Any]]:
        return [
            m for m in self.state.outbox if m["table"] == table and m["data"]["id"] == record_id
        ]

    def _has_local_values(self, table: str, record_id: str) -> bool:
        """Tell whether a record has unsent edits or refused values that must not be lost."""
        return bool(self._pending_for(table, record_id)) or (
            f"{table}/{record_id}" in self.state.refused
        )

    def _store_pulled(self, table: str, record: dict[str, Any]) -> None:
        key = f"{table}/{record['id']}"
        pending = [m for m in self._pending_for(table, record["id"]) if m["op"] == "put"]
        kept = self.state.refused.get(key)
        if not pending and kept is None:
            self.state.server_copies.pop(key, None)
            if record.get("deleted"):
                self.state.records.get(table, {}).pop(record["id"], None)
                return
        else:
            self.state.server_copies[key] = copy.deepcopy(record)
            if record.get("deleted"):
                return  # the user's values stay as they are; a discard drops the record
        merged = dict(record)
        # Refused values, then edits still unsent, stay on top of the server's copy (§5.6).
        if kept is not None:
            merged.update(kept)
        for mutation in pending:
            merged.update({k: v for k, v in mutation["data"].items() if k != "id"})
        # A state saved before a table existed (evaluations, schema 2) gains it here.
        self.state.records.setdefault(table, {})[record["id"]] = merged

    def _drop_pulled(self) -> None:
        for table, records in self.state.records.items():
            self.state.records[table] = {
                rid: rec for rid, rec in records.items() if self._has_local_values(table, rid)
            }
        self.state.units = {}
        self.state.conflicts = {}
