"""Hand out change sequences: the monotonic counter behind every pull cursor."""

import typing

from sqlalchemy import BigInteger, Table, bindparam, insert, select, update
from sqlalchemy.orm import Session

from server.models import SyncCounter

# Through the table, built once: every push runs it, and the ORM's bulk UPDATE path (which
# would look for counter objects in the session to synchronise) costs more than the UPDATE.
_COUNTER = typing.cast(Table, SyncCounter.__table__)
_ALLOCATE = (
    update(_COUNTER)
    .where(_COUNTER.c.id == 1)
    .values(value=_COUNTER.c.value + bindparam("count", type_=BigInteger))
    .returning(_COUNTER.c.value)
)


def ensure_counter(session: Session) -> None:
    """Create the counter row if the database has none yet."""
    if session.get(SyncCounter, 1) is None:
        session.execute(insert(SyncCounter).values(id=1, value=0))


def allocate(session: Session, count: int) -> int:
    """Reserve count sequence numbers and return the last one.

    The UPDATE takes the counter row's lock until commit, so transactions commit in the order
    of their sequence numbers: a reader that sees counter value H sees every change up to H.
    Callers allocate just before committing to hold that lock as briefly as possible.
    """
    if count <= 0:
        raise ValueError("count must be positive")
    if session.autoflush:
        # What the session holds goes out first, as an ORM UPDATE's autoflush did: the rows
        # it changes are locked before the counter, in the order every other writer takes
        # them (the counter last). A chunk completing a file locked the counter first, then
        # waited for a record a concurrent chunk held while it waited for the counter:
        # PostgreSQL broke the deadlock with a 503. A push stamps in no_autoflush, its
        # records locked already.
        session.flush()
    last = session.connection().execute(_ALLOCATE, {"count": count}).scalar_one_or_none()
    if last is None:
        ensure_counter(session)
        return allocate(session, count)
    return last


def hold(session: Session) -> None:
    """Take the counter's lock until commit without using a number.

    While it is held no other transaction can commit a stamp, so the rows this transaction
    reads afterwards are every stamped row there will be below the numbers it allocates next.
    """
    session.execute(update(SyncCounter).where(SyncCounter.id == 1).values(value=SyncCounter.value))


DEFERRED = "deferred_stamps"


def stamp(session: Session, objects: list) -> None:
    """Give each object a fresh change_seq, now or, inside defer_stamps, just before commit."""
    objects = [o for o in objects if o is not None]
    if not objects:
        return
    if DEFERRED in session.info:
        session.info[DEFERRED].extend(objects)
        return
    _assign(session, objects)


def _assign(session: Session, objects: list) -> int:
    # An object stamped twice in one transaction needs one number: its latest change.
    unique = list(dict.fromkeys(objects))
    last = allocate(session, len(unique))
    for offset, obj in enumerate(unique):
        obj.change_seq = last - len(unique) + 1 + offset
    return last


def replace(session: Session, old: object, new: object) -> None:
    """Stamp new wherever old was to be stamped: the same record in another form."""
    deferred = session.info.get(DEFERRED)
    if deferred:
        session.info[DEFERRED] = [new if o is old else o for o in deferred]


def defer_stamps(session: Session) -> None:
    """Collect stamps instead of allocating them one by one.

    A batch then takes the counter lock once, at the very end: concurrent pushes serialise
    only for their one flush and commit, not for their whole length.
    """
    session.info[DEFERRED] = []


def apply_deferred_stamps(session: Session) -> int | None:
    """Allocate the collected stamps in one step; call just before the flush and commit.

    The counter is updated before anything is flushed, so every row goes out in one INSERT or
    UPDATE that carries its final change_seq (and the wire JSON rendered at it), instead of
    being written first with no stamp and then again with one. The counter's lock is then held
    over that flush: the rows the batch changes are already locked (its records and their
    conflicts, in id order), so the flush waits on no one. Return the last number allocated,
    the counter as this transaction leaves it (None if there was nothing to stamp).
    """
    objects = session.info.pop(DEFERRED, [])
    if not objects:
        return None
    with session.no_autoflush:
        return _assign(session, objects)


def current(session: Session) -> int:
    """Return the highest committed change sequence visible to this transaction."""
    return session.scalar(select(SyncCounter.value).where(SyncCounter.id == 1)) or 0
