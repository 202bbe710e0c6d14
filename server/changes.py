"""Hand out change sequences: the monotonic counter behind every pull cursor."""

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from server.models import SyncCounter


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
    last = session.execute(
        update(SyncCounter)
        .where(SyncCounter.id == 1)
        .values(value=SyncCounter.value + count)
        .returning(SyncCounter.value)
    ).scalar_one_or_none()
    if last is None:
        ensure_counter(session)
        return allocate(session, count)
    return last


def stamp(session: Session, objects: list) -> int:
    """Give each object a fresh change_seq, in order; return the last one."""
    objects = [o for o in objects if o is not None]
    if not objects:
        return current(session)
    session.flush()
    last = allocate(session, len(objects))
    for offset, obj in enumerate(objects):
        obj.change_seq = last - len(objects) + 1 + offset
    return last


def current(session: Session) -> int:
    """Return the highest committed change sequence visible to this transaction."""
    return session.scalar(select(SyncCounter.value).where(SyncCounter.id == 1)) or 0
