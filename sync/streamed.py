"""Apply a push part by part while its request body still arrives (PROTOCOL.md §4.8); no I/O.

Only the plain case is streamed: the mutations come in seq order, each the device's next. The
push is committed only once the whole request has arrived and been checked as a whole
(`finish`); anything else is rolled back by the caller and the request applied as usual.
"""

from typing import Protocol

from sync.engine import Localise, PushOutcome, Store, apply_one, as_sent
from sync.messages import Mutation, SyncRequest


class StreamingStore(Store, Protocol):
    """A store that can load the records of a batch's later parts as they arrive."""

    def extend_push(self, mutations: list[Mutation]) -> None:
        """Load the records more mutations of the batch begun with begin_push name."""

    def settle(self) -> None:
        """Do what of the batch so far needs no change stamp, while the body still comes."""


class StreamedPush:
    """The push of one request, applied as its mutations arrive, committed at the end."""

    def __init__(self, store: StreamingStore, localise: Localise = as_sent) -> None:
        self.store = store
        self.localise = localise
        self.outcome: PushOutcome | None = None
        self.applied: list[Mutation] = []

    def add(self, mutations: list[Mutation]) -> bool:
        """Apply the next mutations; return False, applying none, unless each is the next seq.

        The first call holds the device (§5.2); the change counter is not taken before
        finish(), so a slow upload holds up no other device's push.
        """
        if not mutations:
            return True
        outcome = self.outcome
        last = self.store.hold_device() if outcome is None else outcome.last_seq
        if [m.seq for m in mutations] != list(range(last + 1, last + 1 + len(mutations))):
            return False
        if outcome is None:
            outcome = self.outcome = PushOutcome(results=[], last_seq=last)
            self.store.begin_push(mutations)
        else:
            self.store.extend_push(mutations)
        for mutation in mutations:
            apply_one(self.store, mutation, outcome, self.localise)
        self.store.settle()
        self.applied.extend(mutations)
        return True

    def matches(self, request: SyncRequest) -> bool:
        """Tell whether what was applied is exactly the whole request's push."""
        return self.outcome is not None and request.mutations == self.applied

    def finish(self) -> PushOutcome:
        """Stamp and commit the push; call once matches() said yes."""
        if self.outcome is None:
            raise RuntimeError("nothing was applied")
        self.store.finish_push()
        return self.outcome
