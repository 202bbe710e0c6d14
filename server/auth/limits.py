"""Sign-in limits: counters every worker and server share, and a host's budget for hashing.

The counters live in the database so that they hold across gunicorn workers and across app
servers without another service to run. Each is a fixed window kept in one row and bumped by a
single upsert, which is atomic on SQLite and PostgreSQL alike, so parallel guesses cannot all
slip under a limit. Password hashing is the one costly step (Argon2 by design); it runs only in
one of a few slots per host, taken with flock on files every worker process opens, so a flood
of sign-ins is refused at once instead of starving every other request of CPU; the hash
itself runs at low priority on the budget's cores.
"""

import fcntl
import math
import os
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar, cast

from sqlalchemy import Table, case, delete, literal, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from server.models import SignInCounter
from server.models.types import UtcDateTime

T = TypeVar("T")


@dataclass(frozen=True)
class Limits:
    """How many sign-ins may fail per address and user name, and per address, in a window."""

    pair_max: int
    pair_window: int
    address_max: int
    address_window: int


def pair_key(address: str, username: str) -> str:
    """Return the counter key of one user name tried from one address."""
    return f"pair:{address} {username}"


def address_key(address: str) -> str:
    """Return the counter key of every sign-in from one address."""
    return f"address:{address}"


def hit(session: Session, key: str, now: datetime, window: int) -> tuple[int, int]:
    """Count one attempt under a key; return the window's count and the seconds it has left."""
    table = cast(Table, SignInCounter.__table__)
    dialect = session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    expired = table.c.window_start <= literal(now - timedelta(seconds=window), UtcDateTime())
    statement = (
        insert(table)
        .values(key=key, window_start=now, count=1)
        .on_conflict_do_update(
            index_elements=[table.c.key],
            set_={
                "count": case((expired, 1), else_=table.c.count + 1),
                "window_start": case(
                    (expired, literal(now, UtcDateTime())), else_=table.c.window_start
                ),
            },
        )
        .returning(table.c.count, table.c.window_start)
    )
    count, started = session.execute(statement).one()
    left = (started + timedelta(seconds=window) - now).total_seconds()
    return count, max(1, math.ceil(left))


def refund(session: Session, key: str) -> None:
    """Take back one attempt counted under a key: it succeeded or was never tried."""
    session.execute(
        update(SignInCounter)
        .where(SignInCounter.key == key, SignInCounter.count > 0)
        .values(count=SignInCounter.count - 1)
    )


def forget(session: Session, key: str) -> None:
    """Drop a key's counter."""
    session.execute(delete(SignInCounter).where(SignInCounter.key == key))


def prune(session: Session, now: datetime, window: int) -> None:
    """Drop counters whose window ended: a flood of made-up names leaves one row per name."""
    cutoff = now - timedelta(seconds=window)
    session.execute(delete(SignInCounter).where(SignInCounter.window_start <= cutoff))


# Password hashing runs at the lowest niceness, so the kernel gives the requests' threads the
# CPU first even while a hash is under way. The kernel's weights make the level matter: a hash
# is four lane threads on one core, and against a request thread (weight 1024) four threads at
# niceness 10 (110 each) still took 30 % of that core, slowing a sync there by 43 %; at 19
# (15 each) they take 6 %. A hash still gets every cycle no request wants, so sign-ins stay
# fast on a server that is not saturated.
HASH_NICENESS = 19
_hashers: dict[int, ThreadPoolExecutor] = {}
_hashers_lock = threading.Lock()


def _calm_this_thread(cpus: set[int]) -> None:
    """Lower this thread's priority and keep it (and Argon2's lane threads) on a few cores."""
    # Linux: both calls act on the calling thread alone, and threads it starts inherit them.
    os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), HASH_NICENESS)
    os.sched_setaffinity(0, cpus)


def _hasher(slots: int) -> ThreadPoolExecutor:
    """Return this process's hashing threads, started on first use (after gunicorn forks)."""
    pid = os.getpid()
    with _hashers_lock:
        if pid not in _hashers:
            # Argon2 runs one thread per lane (four): unconfined, a single hash fills every
            # core. Confined to the last `slots` cores, it leaves the others to requests.
            cpus = sorted(os.sched_getaffinity(0))
            _hashers.clear()  # a forked child drops its parent's (dead) threads
            _hashers[pid] = ThreadPoolExecutor(
                max_workers=slots,
                thread_name_prefix="hash",
                initializer=_calm_this_thread,
                initargs=(set(cpus[-slots:]),),
            )
        return _hashers[pid]


class HashBudget:
    """A few slots for password hashing on this host, shared by every process and thread."""

    def __init__(self, directory: str, slots: int):
        self.directory = directory
        self.slots = slots

    def run(self, function: Callable[..., T], *args: object) -> T:
        """Run a hash on a low-priority thread confined to the budget's cores; wait for it."""
        return _hasher(self.slots).submit(function, *args).result()

    @contextmanager
    def slot(self) -> Iterator[bool]:
        """Hold a free slot while the block runs; yield False at once when none is free."""
        os.makedirs(self.directory, exist_ok=True)
        for index in range(self.slots):
            # Each open is its own lock owner, so threads of one worker exclude each other as
            # processes do; the kernel frees the lock if the worker dies mid-hash.
            path = os.path.join(self.directory, f"slot-{index}")
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                continue
            try:
                yield True
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
                os.close(fd)
            return
        yield False
