"""Parse and check sync request envelopes (PROTOCOL.md §3); no I/O."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NoReturn, TypeGuard

from sync.clock import parse_at

PROTOCOL_VERSION = 1
SUPPORTED_PROTOCOLS = (1,)
SCHEMA_VERSION = 2
MIN_SCHEMA = 1
MAX_MUTATIONS = 1000
DEFAULT_PAGE = 1000
MAX_PAGE = 5000
OPS = ("put", "delete", "review", "resolve")
REQUEST_KEYS = {"protocol", "schema", "app_version", "cursor", "pending", "limit", "mutations"}
# The scope token a response carries and a client sends back with its cursor (§5.4).
REQUEST_KEYS |= {"scope"}
MAX_SCOPE = 64
MUTATION_KEYS = {"seq", "op", "table", "base", "data", "at"}
# Cursors and sequence numbers are 64-bit on the server, versions and counts 32-bit: larger
# numbers cannot be stored or compared there, so they are refused here.
MAX_SEQ = 2**63 - 1
MAX_COUNT = 2**31 - 1


class ProtocolError(Exception):
    """A request the server refuses whole; code is a stable error code."""

    def __init__(self, code: str, details: dict[str, Any] | None = None):
        super().__init__(code)
        self.code = code
        self.details = details or {}


@dataclass(frozen=True)
class Mutation:
    """One change from a device's outbox."""

    seq: int
    op: str
    table: str
    base: int
    data: dict[str, Any]
    # When the officer acted, by the phone's clock (UTC); None from clients that do not say.
    at: datetime | None = None

    @property
    def record_id(self) -> str:
        """Return the id of the record the mutation is about."""
        record_id: str = self.data["id"]  # parse_request checked it is a string
        return record_id


@dataclass
class SyncRequest:
    """A checked sync request."""

    protocol: int
    schema: int
    cursor: int
    mutations: list[Mutation] = field(default_factory=list)
    app_version: str | None = None
    pending: int | None = None
    limit: int = DEFAULT_PAGE
    # The scope token of the last response the client stored; None from clients that never
    # send one (§5.4).
    scope: str | None = None


def _is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _storable(text: str) -> bool:
    # PostgreSQL refuses NUL in text; a lone surrogate cannot be encoded as UTF-8 at all.
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _fail(where: str, message: str) -> NoReturn:
    raise ProtocolError("VALIDATION_FAILED", {"fields": {where: [message]}})


def check_versions(body: dict[str, Any]) -> tuple[int, int]:
    """Check a request's protocol and schema (§3); return them."""
    protocol = body.get("protocol")
    if not _is_int(protocol):
        _fail("protocol", "Missing data for required field.")
    if protocol not in SUPPORTED_PROTOCOLS:
        raise ProtocolError("PROTOCOL_UNSUPPORTED", {"supported": list(SUPPORTED_PROTOCOLS)})
    schema = body.get("schema")
    if not _is_int(schema):
        _fail("schema", "Missing data for required field.")
    if not MIN_SCHEMA <= schema <= SCHEMA_VERSION:
        raise ProtocolError(
            "PROTOCOL_UNSUPPORTED",
            {
                "supported": list(SUPPORTED_PROTOCOLS),
                "min_schema": MIN_SCHEMA,
                "max_schema": SCHEMA_VERSION,
            },
        )
    return protocol, schema


def parse_request(body: object) -> SyncRequest:
    """Check a decoded JSON body against §3 and return it as a SyncRequest."""
    if not isinstance(body, dict):
        _fail("_schema", "Expected a JSON object")
    protocol, schema = check_versions(body)
    unknown = set(body) - REQUEST_KEYS
    if unknown:
        raise ProtocolError(
            "VALIDATION_FAILED", {"fields": {k: ["Unknown field."] for k in sorted(unknown)}}
        )
    cursor = body.get("cursor")
    if not _is_int(cursor) or not 0 <= cursor <= MAX_SEQ:
        _fail("cursor", f"Must be an integer from 0 to {MAX_SEQ}.")
    app_version = body.get("app_version")
    if app_version is not None and (
        not isinstance(app_version, str) or len(app_version) > 64 or not _storable(app_version)
    ):
        _fail("app_version", "Must be a string of at most 64 characters.")
    pending = body.get("pending")
    if pending is not None and (not _is_int(pending) or not 0 <= pending <= MAX_COUNT):
        _fail("pending", f"Must be an integer from 0 to {MAX_COUNT}.")
    limit = body.get("limit", DEFAULT_PAGE)
    if not _is_int(limit) or not 1 <= limit <= MAX_PAGE:
        _fail("limit", f"Must be an integer from 1 to {MAX_PAGE}.")
    scope = body.get("scope")
    if scope is not None and (not isinstance(scope, str) or len(scope) > MAX_SCOPE):
        _fail("scope", f"Must be a string of at most {MAX_SCOPE} characters.")
    raw = body.get("mutations")
    if not isinstance(raw, list):
        _fail("mutations", "Not a valid list.")
    if len(raw) > MAX_MUTATIONS:
        raise ProtocolError(
            "VALIDATION_FAILED",
            {
                "fields": {"mutations": [f"At most {MAX_MUTATIONS} per request."]},
                "max_mutations": MAX_MUTATIONS,
            },
        )
    mutations = [parse_mutation(i, m) for i, m in enumerate(raw)]
    seqs = [m.seq for m in mutations]
    if len(set(seqs)) != len(seqs):
        _fail("mutations", "Each seq may appear once.")
    mutations.sort(key=lambda m: m.seq)
    return SyncRequest(
        protocol=protocol,
        schema=schema,
        cursor=cursor,
        mutations=mutations,
        app_version=app_version,
        pending=pending,
        limit=limit,
        scope=scope,
    )


def parse_mutation(index: int, raw: object) -> Mutation:
    """Check one element of a request's mutations (§3.2) and return it."""
    where = f"mutations.{index}"
    if not isinstance(raw, dict):
        _fail(where, "Not a valid mapping type.")
    unknown = set(raw) - MUTATION_KEYS
    if unknown:
        _fail(where, f"Unknown field: {', '.join(sorted(unknown))}.")
    seq, op, table = raw.get("seq"), raw.get("op"), raw.get("table")
    base, data = raw.get("base", 0), raw.get("data")
    if not _is_int(seq) or not 1 <= seq <= MAX_SEQ:
        _fail(f"{where}.seq", f"Must be an integer from 1 to {MAX_SEQ}.")
    if op not in OPS:
        _fail(f"{where}.op", f"Must be one of: {', '.join(OPS)}.")
    if not isinstance(table, str) or not table:
        _fail(f"{where}.table", "Missing data for required field.")
    if not _is_int(base) or not 0 <= base <= MAX_COUNT:
        _fail(f"{where}.base", f"Must be an integer from 0 to {MAX_COUNT}.")
    if not isinstance(data, dict) or not isinstance(data.get("id"), str) or not data["id"]:
        _fail(f"{where}.data", "Must be an object with a string id.")
    at = None
    if raw.get("at") is not None:  # null is absent, as for the request's optional keys
        at = parse_at(raw["at"])
        if at is None:
            _fail(f"{where}.at", "Must be an RFC 3339 date-time with a time zone offset.")
    return Mutation(seq=seq, op=op, table=table, base=base, data=data, at=at)
