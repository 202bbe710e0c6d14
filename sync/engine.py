"""The sync engine: push with idempotency, then pull a page (PROTOCOL.md §4–5); no I/O."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from sync.messages import Mutation, ProtocolError, SyncRequest

# A record as the engine names it: (table, id).
Key = tuple[str, str]


class RejectedError(Exception):
    """A mutation refused whole; the queue still advances past it (§4.3)."""

    def __init__(
        self,
        code: str,
        message: str | None = None,
        details: dict[str, Any] | None = None,
        show_record: bool = False,
    ):
        super().__init__(code)
        self.code = code
        # None: the caller's localiser renders the code's message (sync() below).
        self.message = message
        self.details = details or {}
        # Whether the device should receive the server's copy of the record (§4.7).
        self.show_record = show_record


# Renders a rejected mutation's message and details in the caller's language: (code, details)
# -> (message, details). The server passes its catalogue's; the engine keeps no language.
Localise = Callable[[str, dict[str, Any]], tuple[str, dict[str, Any]]]


def as_sent(code: str, details: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """Return a code as its own message and the details unchanged: no catalogue at hand."""
    return code, details


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

    changes: dict[str, Any]
    cursor: int
    more: bool


class Store(Protocol):
    """What the engine needs from the server's storage, for one device."""

    def last_seq(self) -> int:
        """Return the last applied mutation seq of the device, holding nothing (idle sync)."""

    def hold_device(self) -> int:
        """Hold the device against other pushes until commit; return its last seq read then."""

    def stored_results(self, first: int, last: int) -> dict[int, tuple[dict[str, Any], Key | None]]:
        """Return the results kept for seqs first..last, each with the record it showed."""

    def keep_result(self, result: dict[str, Any], shows: Key | None) -> None:
        """Keep a mutation's result and the record it showed, to answer a retry the same way."""

    def begin_push(self, mutations: list[Mutation]) -> None:
        """Prepare to apply these mutations (e.g. load the records they name in one go)."""

    def apply(self, mutation: Mutation) -> Applied:
        """Apply one mutation atomically, or raise RejectedError leaving nothing behind."""

    def set_last_seq(self, seq: int) -> None:
        """Record the last applied seq, in the same transaction as the effects."""

    def finish_push(self) -> None:
        """Commit the push."""

    def scope_changed(self) -> bool:
        """Tell whether the device's scope differs from the token it sent, or, if it sent
        none, from what it last pulled with."""

    def scope(self) -> str:
        """Return the token of the device's scope now: the response's `scope` (§5.4)."""

    def reset_unconfirmed(self, cursor: int) -> bool:
        """Tell whether a reset was answered to a request with this cursor, unconfirmed since."""

    def note_reset(self, cursor: int) -> None:
        """Remember a reset answered to this cursor; no page of it may end at that cursor."""

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

    results: list[dict[str, Any]]
    last_seq: int
    # Records the device must receive again whatever its cursor (§4.7).
    show: list[tuple[str, str]] = field(default_factory=list)
    # Records this push wrote that the device already holds, with the store's echo tokens.
    echoes: dict[tuple[str, str], object] = field(default_factory=dict)


def push(store: Store, request: SyncRequest, localise: Localise = as_sent) -> PushOutcome:
    """Apply a request's mutations in seq order (§4).

    A rejected result is rendered in the caller's language as it is made, and kept so: a retry
    answers it exactly as it was sent (§3.4).
    """
    if not request.mutations:
        # An idle sync takes no lock and writes nothing.
        return PushOutcome(results=[], last_seq=store.last_seq())
    # The same batch on two connections at once: the second waits here and then finds it done.
    last = store.hold_device()
    fresh = [m for m in request.mutations if m.seq > last]
    for expected, mutation in enumerate(fresh, start=last + 1):
        if mutation.seq != expected:
            raise ProtocolError("SEQ_GAP", {"expected_seq": last + 1, "last_seq": last})
    outcome = PushOutcome(results=[], last_seq=last)
    replayed = [m for m in request.mutations if m.seq <= last]
    if replayed:
        _answer_replayed(store, replayed[0].seq, last if not fresh else replayed[-1].seq, outcome)
    store.begin_push(fresh)
    for mutation in fresh:
        apply_one(store, mutation, outcome, localise)
    store.finish_push()
    return outcome


def apply_one(
    store: Store, mutation: Mutation, outcome: PushOutcome, localise: Localise = as_sent
) -> None:
    """Apply one mutation of a push and add its result to the outcome (§4.3)."""
    key = (mutation.table, mutation.record_id)
    shows_record = False
    try:
        applied = store.apply(mutation)
    except RejectedError as exc:
        message, details = localise(exc.code, exc.details)
        result = {
            "seq": mutation.seq,
            "status": "rejected",
            "code": exc.code,
            "message": exc.message if exc.message is not None else message,
            "details": details,
        }
        shows_record = exc.show_record
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
            shows_record = True
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
    if shows_record:
        outcome.show.append(key)
    outcome.results.append(result)
    store.keep_result(result, key if shows_record else None)
    store.set_last_seq(mutation.seq)
    outcome.last_seq = mutation.seq


def _answer_replayed(store: Store, first: int, last: int, outcome: PushOutcome) -> None:
    """Answer seqs first..last, applied before, with the results they had then (§4.2).

    last is the device's last applied seq when the request sends nothing new: a device that
    lost an answer may resend a smaller batch, and the seqs after it, which it will drop
    from its outbox (§4.6), must reach it with their outcomes too.
    """
    kept = store.stored_results(first, last)
    for seq in range(first, last + 1):
        if seq not in kept:
            # Its result is no longer kept (§3.4).
            outcome.results.append({"seq": seq, "status": "duplicate"})
            continue
        result, shows = kept[seq]
        outcome.results.append({**result, "seq": seq, "duplicate": True})
        if shows is not None:
            outcome.show.append(shows)


def sync(
    store: Store,
    request: SyncRequest,
    localise: Localise = as_sent,
    pushed: PushOutcome | None = None,
) -> dict[str, Any]:
    """Run one whole sync exchange and build the response body (§3.3).

    pushed: the outcome of a push already applied and committed (sync/streamed.py).
    """
    if pushed is None:
        pushed = push(store, request, localise)
    # A cursor the server never handed out: the device's data came from another database or
    # from before a restore, so it starts again like a device whose scope changed (§5.4).
    # A reset whose answer was lost is answered again (§5.4): the device's scope token still
    # differs, or, for a client that sends none, it comes back with the very cursor it had.
    reset = (
        store.scope_changed()
        or request.cursor > store.high()
        or store.reset_unconfirmed(request.cursor)
    )
    if reset:
        store.note_reset(request.cursor)
    cursor = 0 if reset else request.cursor
    # A reset makes the device drop what it pulled before, its own just-answered writes too:
    # then nothing it wrote may be left out as an echo.
    page = store.pull(cursor, request.limit, pushed.show, {} if reset else pushed.echoes)
    return {
        "protocol": request.protocol,
        "last_seq": pushed.last_seq,
        "results": pushed.results,
        "cursor": page.cursor,
        "more": page.more,
        "reset": reset,
        "scope": store.scope(),
        "changes": page.changes,
    }
