"""Set up and tear down a fleet's world: one database, two app servers, a balancer in front."""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from bench.fleet_proxy import ProxyEvent, RoutingProxy
from bench.live import (
    LiveServer,
    prepare_database,
    reset_postgres_database,
)

UNITS = [
    ("TW", "Trung ương", "TRUNG_UONG", None),
    ("40", "Tỉnh Nghệ An", "TINH", "TW"),
    ("17000", "Xã Nậm Cắn", "XA", "40"),
    ("17001", "Xã Mường Xén", "XA", "40"),
    ("17002", "Xã Tà Cạ", "XA", "40"),
    ("42", "Tỉnh Hà Tĩnh", "TINH", "TW"),
    ("18000", "Xã Cẩm Xuyên", "XA", "42"),
]
PROVINCE, OTHER_PROVINCE = "40", "42"
COMMUNES = ("17000", "17001", "17002", "18000")
# The commune the administrator moves under the other province and back.
MOVING_COMMUNE = "17002"
# The officer the administrator moves to the next commune and back: its phone is reset (§5.4).
MOVING_USER, MOVING_USER_UNITS = "canbo1b", ("17000", "17001")
# username, unit code, role
USERS = [
    ("canbo1", "17000", "CAN_BO_NHAP"),
    ("canbo1b", "17000", "CAN_BO_NHAP"),
    ("canbo2", "17001", "CAN_BO_NHAP"),
    ("canbo3", "17002", "CAN_BO_NHAP"),
    ("canbo4", "18000", "CAN_BO_NHAP"),
    ("lanhdao40", "40", "LANH_DAO_DUYET"),
    ("lanhdao42", "42", "LANH_DAO_DUYET"),
    ("quantri", "TW", "QUAN_TRI"),
]
ADMIN = "quantri"
# The devices, in order: the first eight cover every user once (canbo1 twice); more devices
# cycle through the officers, fewer take the first ones.
DEVICE_USERS = [
    "canbo1",
    "lanhdao40",
    "canbo2",
    "canbo3",
    "canbo1",
    "canbo4",
    "canbo1b",
    "lanhdao42",
]
EXTRA_DEVICE_USERS = ["canbo2", "canbo3", "canbo1b", "canbo4", "canbo1"]
# Never kill two workers closer together than this: the master needs time to start another.
KILL_SPACING_S = 2.0


def device_users(count: int) -> list[str]:
    """Return the user of each of `count` devices."""
    users = DEVICE_USERS[:count]
    while len(users) < count:
        users.append(EXTRA_DEVICE_USERS[(len(users) - len(DEVICE_USERS)) % len(EXTRA_DEVICE_USERS)])
    return users


@dataclass
class World:
    """The running fleet's servers, balancer and database."""

    database_url: str
    units: dict[str, int]
    servers: list[LiveServer]
    proxy: RoutingProxy
    kills: int = 0
    # A moved user's unit now, by username: where its phone creates records.
    user_units: dict[str, int] = field(default_factory=dict)

    @property
    def url(self) -> str:
        """Return the balancer's URL."""
        return self.proxy.url

    def wait_ready(self) -> None:
        """Wait until every server runs its workers again."""
        for server in self.servers:
            server.wait_ready()


def fleet_database(kind: str, tmp: Path, pg_url: str | None, pg_name: str) -> str:
    """Return an empty database of the kind asked for."""
    if kind == "sqlite":
        return "sqlite:///" + str(tmp / "fleet.sqlite3")
    if not pg_url:
        raise ValueError("PostgreSQL needs a server URL")
    return reset_postgres_database(pg_url, pg_name)


def drop_postgres_database(pg_url: str, name: str) -> None:
    """Drop a database the fleet made."""
    import psycopg
    from psycopg import sql
    from sqlalchemy.engine import make_url

    base = make_url(pg_url)
    with psycopg.connect(
        host=base.host or "127.0.0.1",
        port=base.port or 5432,
        user=base.username,
        password=base.password,
        dbname="postgres",
        autocommit=True,
    ) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


@contextlib.contextmanager
def running_world(
    database_url: str, tmp: Path, *, seed: int, log: Callable[[ProxyEvent], None]
) -> Iterator[World]:
    """Migrate and seed the database, start two servers and the balancer; stop them after."""
    units = prepare_database(database_url, UNITS, USERS)
    servers = [LiveServer(database_url, tmp / f"gunicorn-{i}.log", workers=1) for i in range(2)]
    proxy = None
    try:
        with ThreadPoolExecutor(max_workers=2) as pool:
            for future in [pool.submit(s.start) for s in servers]:
                future.result()
        killer = _Killer(servers)
        proxy = RoutingProxy(
            [s.port for s in servers], seed=seed, kill_worker=killer.kill, log=log
        ).start()
        world = World(database_url, units, servers, proxy)
        killer.world = world
        yield world
    finally:
        if proxy is not None:
            proxy.stop()
        for server in servers:
            server.stop()


class _Killer:
    """SIGKILL a server's worker, at most once every KILL_SPACING_S."""

    def __init__(self, servers: list[LiveServer]):
        self.servers = servers
        self.lock = threading.Lock()
        self.last = 0.0
        self.world: World | None = None

    def kill(self, index: int) -> None:
        """Kill a worker of server `index` unless one died too recently."""
        with self.lock:
            now = time.monotonic()
            if now - self.last < KILL_SPACING_S:
                return
            pids = self.servers[index].worker_pids()
            if not pids:
                return
            with contextlib.suppress(ProcessLookupError):
                os.kill(pids[0], signal.SIGKILL)
                self.last = now
                if self.world is not None:
                    self.world.kills += 1
