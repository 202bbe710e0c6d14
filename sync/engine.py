"""The sync engine: push with idempotency, then pull a page (PROTOCOL.md §4–5); no I/O."""

from dataclasses import dataclass, field
from typing import Protocol

from sync.messages import Mutation, ProtocolError, SyncRequest


class RejectedError(Exception):
    """A mutation refused whole; the queue still advances past it (§4.3)."""

    def __init__(
        self, code: str, message: str = "", details: dict | None = None, show_record: bool = False
    ):
        super().__init__(code)
        self.code = code
        self.message = message
        self.details = details or {}
        # Whether the device should receive the server's copy of the record (§4.7).
        self.show_record = show_record


@dataclass
class Applied:
    """What a store did with one mutation."""

    version: int | None = None
    conflicts: list[str] = field(default_factory=list)
    code: str | None = None
    # The store's handle on what it wrote: lets the pull skip echoing the record back unchanged.
    echo_token: object | None = None


@dataclass
class Page:
    """One page of changes and where the next page starts."""

    changes: dict
    cursor: int
    more: bool


class Store(Protocol):
    """What the engine needs from the server's storage, for one device."""

    def last_seq(self) -> int:
        """Return the last applied mutation seq of the device."""

    def begin_push(self, mutations: list[Mutation]) -> None:
        """Prepare to apply these mutations (e.g. load the records they name in one go)."""

    def apply(self, mutation: Mutation) -> Applied:
        """Apply one mutation atomically, or raise RejectedError leaving nothing behind."""

    def set_last_seq(self, seq: int) -> None:
        """Record the last applied seq, in the same transaction as the effects."""

    def finish_push(self) -> None:
        """Commit the push."""

    def scope_changed(self) -> bool:
        """Tell whether the device's scope differs from what it last pulled with."""

    def high(self) -> int:
        """Return the highest change sequence a pull may return now."""

    def pull(
        self,
        cursor: int,
        limit: int,
        show: list[tuple[str, str]],
        echoes: dict[tuple[str, str], object],
    ) -> Page:
        """Return changes after the cursor, plus the shown records, minus unchanged echoes."""


@dataclass
class PushOutcome:
    """Results of a push and what the pull that follows must add or leave out."""

    results: list[dict]
    last_seq: int
    # Records the device must receive again whatever its cursor (§4.7).
    show: list[tuple[str, str]] = field(default_factory=list)
    # Records this push wrote that the device already holds, with the store's echo tokens.
    echoes: dict[tuple[str, str], object] = field(default_factory=dict)


def push(store: Store, request: SyncRequest) -> PushOutcome:
    """Apply a request's mutations in seq order (§4)."""
    last = store.last_seq()
    fresh = [m for m in request.mutations if m.seq > last]
    for expected, mutation in enumerate(fresh, start=last + 1):
        if mutation.seq != expected:
            raise ProtocolError("SEQ_GAP", {"expected_seq": last + 1, "last_seq": last})
    outcome = PushOutcome(
        results=[{"seq": m.seq, "status": "duplicate"} for m in request.mutations if m.seq <= last],
        last_seq=last,
    )
    store.begin_push(fresh)
    for mutation in fresh:
        key = (mutation.table, mutation.record_id)
        try:
            applied = store.apply(mutation)
        except RejectedError as exc:
            result = {
                "seq": mutation.seq,
                "status": "rejected",
                "code": exc.code,
                "message": exc.message,
                "details": exc.details,
            }
            if exc.show_record:
                outcome.show.append(key)
        else:
            if applied.conflicts or applied.code:
                result = {
                    "seq": mutation.seq,
                    "status": "conflict",
                    "version": applied.version,
                    "conflicts": applied.conflicts,
                }
                if applied.code:
                    result["code"] = applied.code
                outcome.show.append(key)
            else:
                result = {"seq": mutation.seq, "status": "applied"}
                if applied.version is not None:  # absent when there is no record (§3.4)
                    result["version"] = applied.version
                # The device holds exactly this state only if nobody else wrote in between.
                if (
                    mutation.op == "put"
                    and applied.echo_token is not None
                    and applied.version == mutation.base + 1
                ):
                    outcome.echoes[key] = applied.echo_token
        outcome.results.append(result)
        store.set_last_seq(mutation.seq)
        outcome.last_seq = mutation.seq
    store.finish_push()
    return outcome


def sync(store: Store, request: SyncRequest) -> dict:
    """Run one whole sync exchange and build the response body (§3.3)."""
    pushed = push(store, request)
    # A cursor the server never handed out: the device's data came from another database or
    # from before a restore, so it starts again like a device whose scope changed (§5.4).
    reset = store.scope_changed() or request.cursor > store.high()
    cursor = 0 if reset else request.cursor
    page = store.pull(cursor, request.limit, pushed.show, pushed.echoes)
    return {
        "protocol": request.protocol,
        "last_seq": pushed.last_seq,
        "results": pushed.results,
        "cursor": page.cursor,
        "more": page.more,
        "reset": reset,
        "changes": page.changes,
    }
