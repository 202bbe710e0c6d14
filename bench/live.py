"""Run the real server for tests and benchmarks: a migrated database, gunicorn, a fault proxy.

Everything binds to 127.0.0.1. gunicorn runs in its own session, so one SIGKILL of the
process group takes the master and its workers down together, as a power cut would.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import gzip
import http.client
import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask
    from sqlalchemy.orm import Session

REPO_ROOT = Path(__file__).resolve().parent.parent
# The password of the accounts seeded here; test data only.
LIVE_PASSWORD = "mat-khau-may-chu-that"
START_TIMEOUT_S = 30.0
STOP_TIMEOUT_S = 10.0
CLI_TIMEOUT_S = 120.0
POLL_S = 0.01
# Upstream reads wait this long: a 1,000-record push takes a few seconds on a slow machine.
PROXY_TIMEOUT_S = 60.0


def free_port() -> int:
    """Return a TCP port that is free on the loopback interface right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def reset_postgres_database(url: str, name: str) -> str:
    """Create database `name` beside `url`'s if missing, empty its public schema, return its URL."""
    import psycopg
    from psycopg import sql
    from sqlalchemy.engine import make_url

    base = make_url(url)
    params = {
        "host": base.host or "127.0.0.1",
        "port": base.port or 5432,
        "user": base.username,
        "password": base.password,
    }
    # CREATE DATABASE cannot run in a transaction, hence autocommit; the maintenance database
    # always exists, unlike the target.
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    with psycopg.connect(dbname=name, autocommit=True, **params) as conn:
        conn.execute("DROP SCHEMA IF EXISTS public CASCADE")
        conn.execute("CREATE SCHEMA public")
    return base.set(database=name).render_as_string(hide_password=False)


def live_database_url(tmp_dir: Path) -> str:
    """Return an empty database for a live server.

    With TEST_DATABASE_URL set, a sibling database `<name>_live`: the main test session drops
    and recreates the public schema of its own database, which must not pull ours away.
    """
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        return "sqlite:///" + str(tmp_dir / "live.sqlite3")
    from sqlalchemy.engine import make_url

    return reset_postgres_database(url, f"{make_url(url).database}_live")


def server_env(database_url: str, **extra: str) -> dict:
    """Return the environment of the server and its CLI for a database."""
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        # Fixed so that every worker and every restart agrees; test-only.
        SECRET_KEY="live-server-test-secret",
        FLASK_APP="wsgi",
        APP_ENV="development",
    )
    env.update(extra)
    return env


def _run(database_url: str, argv: list[str], what: str, stdin: str | None = None) -> str:
    done = subprocess.run(
        [sys.executable, *argv],
        cwd=REPO_ROOT,
        env=server_env(database_url),
        input=stdin,
        capture_output=True,
        text=True,
        timeout=CLI_TIMEOUT_S,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{what} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def run_cli(database_url: str, *args: str, stdin: str | None = None) -> str:
    """Run `flask ARGS` against the database and return its standard output."""
    return _run(database_url, ["-m", "flask", *args], f"flask {' '.join(args)}", stdin)


@contextlib.contextmanager
def app_on(database_url: str, **config: str) -> Iterator[Flask]:
    """Yield an app on the database (and `config`), in this process, inside its app context.

    Set-up done here instead of in a `python -c` or `flask` child saves each call the start of
    a process that imports the server (~0.7 s of CPU).
    """
    from server import create_app
    from server.extensions import db

    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SECRET_KEY": "prepare",
            **config,
        }
    )
    with app.app_context():
        try:
            yield app
        finally:
            db.session.remove()
            db.engine.dispose()


def migrate(database_url: str) -> None:
    """Build the schema with the real migrations (a copy of this process's first migrated one)."""
    prepare_database(database_url, [])


def seed_units(database_url: str, spec: list[tuple[str, str, str, str | None]]) -> dict[str, int]:
    """Create units (code, name, level, parent code) through the units service; return ids."""
    from datetime import date

    from server.extensions import db
    from server.units.service import create_unit

    ids: dict[str, int] = {}
    with app_on(database_url):
        for code, name, level, parent in spec:
            data = {"code": code, "name": name, "level": level, "valid_from": date(2025, 7, 1)}
            if parent:
                data["parent_id"] = ids[parent]
            ids[code] = create_unit(db.session, actor=None, data=data).id
    return ids


_TEMPLATES: dict[str, str] = {}


def _postgres_params(url: str) -> dict:
    from sqlalchemy.engine import make_url

    base = make_url(url)
    return {
        "host": base.host or "127.0.0.1",
        "port": base.port or 5432,
        "user": base.username,
        "password": base.password,
    }


def _sqlite_copy(source: str, target: str) -> None:
    """Copy a SQLite database whole, whatever its journal holds."""
    with (
        contextlib.closing(sqlite3.connect(source)) as src,
        contextlib.closing(sqlite3.connect(target)) as dst,
    ):
        src.backup(dst)


def _copy_migrated(database_url: str) -> bool:
    """Make the database a copy of this process's migrated template; False when there is none."""
    template = _TEMPLATES.get(database_url.split(":", 1)[0])
    if template is None:
        return False
    if database_url.startswith("sqlite"):
        _sqlite_copy(template, database_url.split("///", 1)[1])
        return True
    import psycopg
    from psycopg import sql
    from sqlalchemy.engine import make_url

    name = make_url(database_url).database
    with psycopg.connect(dbname="postgres", autocommit=True, **_postgres_params(database_url)) as c:
        c.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        c.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                sql.Identifier(name), sql.Identifier(template)
            )
        )
    return True


def _keep_migrated(database_url: str) -> None:
    """Keep a copy of a freshly migrated, still empty database as this process's template."""
    if database_url.startswith("sqlite"):
        folder = tempfile.mkdtemp(prefix="sotay-migrated-")
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        template = os.path.join(folder, "migrated.sqlite3")
        _sqlite_copy(database_url.split("///", 1)[1], template)
        _TEMPLATES["sqlite"] = template
        return
    import psycopg
    from psycopg import sql
    from sqlalchemy.engine import make_url

    name = make_url(database_url).database
    template = f"{name}_migrated"
    with psycopg.connect(dbname="postgres", autocommit=True, **_postgres_params(database_url)) as c:
        c.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(template)))
        c.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                sql.Identifier(template), sql.Identifier(name)
            )
        )
    _TEMPLATES[database_url.split(":", 1)[0]] = template


@functools.cache
def _password_hash(password: str, cheap: bool = False) -> str:
    from argon2 import PasswordHasher

    # At production cost, as `flask users create` hashes: sign-in tests time real hashing. A
    # cheap hash (Argon2 reads its cost from the hash) serves tests that only need to sign in.
    hasher = (
        PasswordHasher(time_cost=1, memory_cost=8, parallelism=1) if cheap else PasswordHasher()
    )
    return hasher.hash(password)


def store_user(
    session: Session,
    username: str,
    unit_code: str,
    roles: Sequence[str],
    *,
    full_name: str | None = None,
    position: str | None = None,
    password: str = LIVE_PASSWORD,
    cheap_hash: bool = False,
) -> None:
    """Add an active user to the session as `flask users create` stores one."""
    from server.models import Unit, User

    unit = session.query(Unit).filter_by(code=unit_code).one()
    session.add(
        User(
            username=username,
            full_name=full_name or username.title(),
            position=position,
            unit=unit,
            roles=list(roles),
            password_hash=_password_hash(password, cheap_hash),
            active=True,
        )
    )


def prepare_database(
    database_url: str,
    units: list[tuple[str, str, str, str | None]],
    users: Sequence[tuple[str, ...]] = (),
    password: str = LIVE_PASSWORD,
    *,
    cheap_hashes: bool = False,
) -> dict[str, int]:
    """Migrate an empty database, add units and users; return the units' ids by code.

    A user is (username, unit code, role[, full name[, position]]), with `password`.

    What `migrate`, `seed_units` and `create_user` do in three processes, in this one: the
    migrations run once per process and later databases are copies of the first (a file copy on
    SQLite, CREATE DATABASE … TEMPLATE on PostgreSQL); units go through the units service and
    users are stored as `flask users create` stores them, with LIVE_PASSWORD (with
    `cheap_hashes`, hashed at the lowest Argon2 cost, for tests that do not time sign-in).
    """
    from datetime import date

    from flask_migrate import upgrade
    from sqlalchemy.orm import Session

    from server import create_app
    from server.extensions import db
    from server.units.service import create_unit

    copied = _copy_migrated(database_url)
    app = create_app(
        {"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "prepare"}
    )
    ids: dict[str, int] = {}
    with app.app_context():
        try:
            if not copied:
                upgrade()
                db.session.remove()
                db.engine.dispose()
                _keep_migrated(database_url)
            with Session(db.engine) as session:
                for code, name, level, parent in units:
                    data = {
                        "code": code,
                        "name": name,
                        "level": level,
                        "valid_from": date(2025, 7, 1),
                    }
                    if parent:
                        data["parent_id"] = ids[parent]
                    ids[code] = create_unit(session, actor=None, data=data).id
                for username, unit_code, role, *names in users:
                    store_user(
                        session,
                        username,
                        unit_code,
                        [role],
                        full_name=names[0] if names else None,
                        position=names[1] if len(names) > 1 else None,
                        password=password,
                        cheap_hash=cheap_hashes,
                    )
                session.commit()
        finally:
            db.session.remove()
            db.engine.dispose()
    return ids


def clone_records(database_url: str, table: str, template_id: str, count: int) -> None:
    """Copy a stored record `count` times under new ids, each with its own change_seq.

    Pushing thousands of records through sync takes ~6 ms each; tests that only need them to
    be there to pull are seeded this way in well under a second.
    """
    import uuid

    from sqlalchemy import insert, inspect

    from server import changes
    from server.extensions import db
    from server.records.tables import TABLES

    model = TABLES[table].model
    with app_on(database_url):
        template = db.session.get(model, template_id)
        names = [a.key for a in inspect(model).column_attrs]
        last = changes.allocate(db.session, count)
        rows = []
        for offset in range(count):
            row = {name: getattr(template, name) for name in names}
            row["id"] = str(uuid.uuid4())
            row["change_seq"] = last - count + 1 + offset
            rows.append(row)
        db.session.execute(insert(model), rows)
        db.session.commit()


def create_user(database_url: str, username: str, unit_code: str, role: str) -> None:
    """Create a user with `flask users create` (run in this process), the password on stdin."""
    args = ["users", "create", username, "--full-name", username.title()]
    with app_on(database_url) as app:
        done = app.test_cli_runner().invoke(
            args=[*args, "--unit", unit_code, "--role", role], input=LIVE_PASSWORD + "\n"
        )
    if done.exit_code != 0:
        raise RuntimeError(f"flask {' '.join(args)} failed:\n{done.output}") from done.exception


def _children(pid: int) -> list[int]:
    try:
        raw = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(p) for p in raw.split()]


def _alive(pid: int) -> bool:
    """Tell whether a process exists and is not a zombie."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def wait_until(condition, timeout: float, what: str) -> None:
    """Poll a condition until it holds, or fail after the timeout."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(POLL_S)


class LiveServer:
    """A gunicorn master and its workers serving wsgi:app on a loopback port."""

    def __init__(
        self,
        database_url: str,
        log_path: Path,
        *,
        workers: int = 1,
        worker_class: str | None = None,
        port: int | None = None,
        env: dict[str, str] | None = None,
    ):
        self.database_url = database_url
        self.env = env or {}
        self.log_path = log_path
        self.workers = workers
        self.worker_class = worker_class
        self.port = port or free_port()
        self.process: subprocess.Popen | None = None
        self._log = None

    @property
    def url(self) -> str:
        """Return the base URL of the server."""
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        """Start gunicorn and wait until every worker answers."""
        # No control socket: its default path is shared by every gunicorn on the machine.
        args = [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "--no-control-socket"]
        args.append("wsgi:app")
        if self.worker_class:
            args += ["--worker-class", self.worker_class]
        env = server_env(
            self.database_url,
            BIND=f"127.0.0.1:{self.port}",
            WEB_CONCURRENCY=str(self.workers),
            # Servers of parallel tests must not take each other's hashing slots.
            **{"LOGIN_SLOT_DIR": str(self.log_path.parent / "sign-in-slots"), **self.env},
        )
        self._log = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()/kill()
        self.process = subprocess.Popen(
            args,
            cwd=REPO_ROOT,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.wait_ready()

    def log_tail(self, lines: int = 40) -> str:
        """Return the end of the server's log."""
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def worker_pids(self) -> list[int]:
        """Return the pids of the live workers."""
        if self.process is None:
            return []
        return [pid for pid in _children(self.process.pid) if _alive(pid)]

    def _healthy(self) -> bool:
        if self.process is None or self.process.poll() is not None:
            raise RuntimeError(f"gunicorn exited:\n{self.log_tail()}")
        if len(self.worker_pids()) < self.workers:
            return False
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
        try:
            conn.request("GET", "/healthz")
            return conn.getresponse().status == 200
        except OSError:
            return False
        finally:
            conn.close()

    def wait_ready(self, timeout: float = START_TIMEOUT_S) -> None:
        """Wait until the master runs all its workers and one answers the health check."""
        wait_until(self._healthy, timeout, f"gunicorn on port {self.port}")

    def kill_worker(self) -> int:
        """SIGKILL one worker, as the OOM killer would; the master starts another."""
        victims = self.worker_pids()
        if not victims:
            raise RuntimeError("no worker to kill")
        os.kill(victims[0], signal.SIGKILL)
        wait_until(lambda: not _alive(victims[0]), STOP_TIMEOUT_S, "the worker to die")
        return victims[0]

    def crash(self) -> None:
        """SIGKILL the master and every worker at once, as a power cut would."""
        if self.process is None:
            return
        pids = [self.process.pid, *_children(self.process.pid)]
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=STOP_TIMEOUT_S)
        # Orphaned workers are reaped by init; the port is free once they are gone.
        wait_until(lambda: not any(_alive(p) for p in pids), STOP_TIMEOUT_S, "gunicorn to die")
        self._close()

    def stop(self) -> None:
        """Stop gunicorn gracefully, or kill it when it does not stop in time."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                self.crash()
                return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)  # stray workers of a dead master
        self._close()

    def _close(self) -> None:
        if self._log is not None:
            self._log.close()
            self._log = None
        self.process = None

    def __enter__(self) -> LiveServer:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def write_in_progress(database_url: str) -> bool:
    """Tell whether another connection holds an uncommitted write on the database right now."""
    if database_url.startswith("sqlite"):
        path = database_url.split("///", 1)[1]
        conn = sqlite3.connect(path, timeout=0, isolation_level=None)
        try:
            # The server opens every transaction with BEGIN IMMEDIATE: the write lock is taken
            # from the request's first query to its commit.
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("ROLLBACK")
        except sqlite3.OperationalError:
            return True
        finally:
            conn.close()
        return False
    import psycopg
    from sqlalchemy.engine import make_url

    url = make_url(database_url)
    with psycopg.connect(
        host=url.host,
        port=url.port or 5432,
        user=url.username,
        password=url.password,
        dbname=url.database,
        autocommit=True,
    ) as conn:
        # A push reads the batch's records first and writes them all at commit, so the record
        # tables stay locked (AccessShare, then RowExclusive) by an open transaction throughout.
        row = conn.execute(
            "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation"
            " JOIN pg_stat_activity a ON a.pid = l.pid"
            " WHERE c.relname IN ('dvk_models', 'meetings') AND l.pid <> pg_backend_pid()"
            " AND a.xact_start IS NOT NULL"
        ).fetchone()
    return row[0] > 0


# --- a proxy that breaks chosen exchanges ---------------------------------------------------


class _Reader:
    """Buffered reads from a socket: up to a delimiter, an exact length, or the end."""

    def __init__(self, sock: socket.socket):
        self.sock = sock
        self.buffer = b""

    def _fill(self) -> bool:
        chunk = self.sock.recv(65536)
        self.buffer += chunk
        return bool(chunk)

    def until(self, delimiter: bytes) -> bytes | None:
        """Read through the delimiter; None when the peer closed before sending anything."""
        while delimiter not in self.buffer:
            if not self._fill():
                if self.buffer:
                    raise ConnectionError("peer closed mid-message")
                return None
        end = self.buffer.index(delimiter) + len(delimiter)
        data, self.buffer = self.buffer[:end], self.buffer[end:]
        return data

    def exactly(self, size: int) -> bytes:
        """Read exactly size bytes."""
        while len(self.buffer) < size:
            if not self._fill():
                raise ConnectionError("peer closed mid-body")
        data, self.buffer = self.buffer[:size], self.buffer[size:]
        return data

    def rest(self) -> bytes:
        """Read until the peer closes."""
        while self._fill():
            pass
        data, self.buffer = self.buffer, b""
        return data


def _headers(head: bytes) -> dict[str, str]:
    lines = head.decode("latin-1").split("\r\n")[1:]
    pairs = (line.split(":", 1) for line in lines if ":" in line)
    return {k.strip().lower(): v.strip() for k, v in pairs}


def _decode(head: bytes, body: bytes) -> object:
    if _headers(head).get("content-encoding") == "gzip":
        body = gzip.decompress(body)
    return json.loads(body) if body else None


@dataclass
class Exchange:
    """One request the proxy forwarded and what became of its response."""

    index: int
    request_head: bytes
    request_body: bytes
    fault: tuple = ("pass",)
    response_head: bytes = b""
    response_body: bytes = b""
    # How many response bytes reached the client; None while the exchange runs.
    delivered: int | None = None
    upstream_failed: bool = False
    forwarded: threading.Event = field(default_factory=threading.Event)
    finished: threading.Event = field(default_factory=threading.Event)

    @property
    def path(self) -> str:
        """Return the request's path."""
        return self.request_head.split(b" ", 2)[1].decode()

    def request_json(self) -> object:
        """Return the decoded request body."""
        return _decode(self.request_head, self.request_body)

    def response_json(self) -> object:
        """Return the decoded response body."""
        return _decode(self.response_head, self.response_body)


class Relay:
    """A loopback listener that serves each client connection on a thread of its own.

    Subclasses say what to do with a connection in `_serve`; the relay tracks every socket so
    that `stop()` ends the blocked reads of all its threads at once.
    """

    thread_name = "relay-accept"

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self._cond = threading.Condition()
        self._sockets: set[socket.socket] = set()
        self._threads: list[threading.Thread] = []
        self._closing = False
        self._acceptor = threading.Thread(target=self._accept, name=self.thread_name, daemon=True)

    @property
    def url(self) -> str:
        """Return the base URL clients should use."""
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Relay:
        """Start accepting connections."""
        self._acceptor.start()
        return self

    def stop(self) -> None:
        """Close every socket and wait for the relay's threads."""
        with self._cond:
            self._closing = True
            sockets = list(self._sockets)
        # Closing a listening socket does not wake a thread blocked in accept(); shutting it
        # down does.
        with contextlib.suppress(OSError):
            self.listener.shutdown(socket.SHUT_RDWR)
        self.listener.close()
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        self._acceptor.join(timeout=STOP_TIMEOUT_S)
        for thread in list(self._threads):
            thread.join(timeout=STOP_TIMEOUT_S)

    def __enter__(self) -> Relay:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return  # the listener was closed: stop()
            with self._cond:
                if self._closing:
                    client.close()
                    return
                self._sockets.add(client)
                self._threads = [t for t in self._threads if t.is_alive()]
                thread = threading.Thread(target=self._serve, args=(client,), daemon=True)
                self._threads.append(thread)
            thread.start()

    def _track(self, sock: socket.socket | None, add: bool) -> None:
        if sock is None:
            return
        with self._cond:
            if add:
                self._sockets.add(sock)
            else:
                self._sockets.discard(sock)
        if not add:
            sock.close()

    def _serve(self, client: socket.socket) -> None:
        raise NotImplementedError


class FaultProxy(Relay):
    """A loopback HTTP/1.1 proxy that can break chosen requests or responses.

    Faults are set per exchange number (0 for the first request the proxy sees):
    ``("cut", fraction)`` forwards the response's head and that fraction of its body, then
    closes the client's connection; ``("drop",)`` forwards nothing and closes it. Either way
    the proxy first reads the whole response, so the server has finished (and committed)
    before the client fails. ``("cut_request", fraction)`` sends the server the request's head
    and that fraction of its body, then ends the upload as a dropped link would, and closes
    the client's connection without an answer.
    """

    thread_name = "proxy-accept"

    def __init__(self, upstream_port: int):
        super().__init__()
        self.upstream_port = upstream_port
        self.exchanges: list[Exchange] = []
        self.faults: dict[int, tuple] = {}

    @property
    def next_index(self) -> int:
        """Return the number the next request will get."""
        with self._cond:
            return len(self.exchanges)

    def fault(self, index: int, *fault) -> None:
        """Break the response of exchange `index`."""
        with self._cond:
            self.faults[index] = fault

    def wait_forwarded(self, index: int, timeout: float = PROXY_TIMEOUT_S) -> Exchange:
        """Wait until request `index` has been forwarded whole to the server."""
        deadline = time.monotonic() + timeout
        with self._cond:
            if not self._cond.wait_for(lambda: len(self.exchanges) > index, timeout):
                raise TimeoutError(f"request {index} never reached the proxy")
            exchange = self.exchanges[index]
        if not exchange.forwarded.wait(max(0.0, deadline - time.monotonic())):
            raise TimeoutError(f"request {index} was never forwarded")
        return exchange

    def start(self) -> FaultProxy:
        """Start accepting connections."""
        super().start()
        return self

    def __enter__(self) -> FaultProxy:
        return self.start()

    def _serve(self, client: socket.socket) -> None:
        upstream: socket.socket | None = None
        try:
            client.settimeout(PROXY_TIMEOUT_S)
            reader = _Reader(client)
            upstream_reader = None
            while True:
                head = reader.until(b"\r\n\r\n")
                if head is None:
                    return
                body = reader.exactly(int(_headers(head).get("content-length", "0")))
                with self._cond:
                    exchange = Exchange(len(self.exchanges), head, body)
                    exchange.fault = self.faults.pop(exchange.index, ("pass",))
                    self.exchanges.append(exchange)
                    self._cond.notify_all()
                if upstream is None:
                    upstream = socket.create_connection(
                        ("127.0.0.1", self.upstream_port), timeout=PROXY_TIMEOUT_S
                    )
                    self._track(upstream, add=True)
                    upstream_reader = _Reader(upstream)
                if exchange.fault[0] == "cut_request":
                    upstream.sendall(head + body[: int(len(body) * exchange.fault[1])])
                    upstream.shutdown(socket.SHUT_WR)  # the server reads end-of-stream
                else:
                    upstream.sendall(head + body)
                exchange.forwarded.set()
                if not self._relay(exchange, upstream_reader, client):
                    return
        except OSError:
            return  # a peer went away, or stop() shut the sockets
        finally:
            self._track(upstream, add=False)
            self._track(client, add=False)

    def _relay(self, exchange: Exchange, upstream: _Reader, client: socket.socket) -> bool:
        """Pass one response on as its fault says; tell whether the connection lives on."""
        try:
            head = upstream.until(b"\r\n\r\n")
            if head is None:
                raise ConnectionError("server closed without answering")
            headers = _headers(head)
            if "content-length" in headers:
                body = upstream.exactly(int(headers["content-length"]))
            else:
                body = upstream.rest()
        except OSError:
            exchange.upstream_failed = True
            exchange.delivered = 0
            exchange.finished.set()
            return False
        exchange.response_head, exchange.response_body = head, body
        data = head + body
        kind = exchange.fault[0]
        if kind == "cut":
            data = head + body[: int(len(body) * exchange.fault[1])]
        elif kind in ("drop", "cut_request"):
            data = b""
        try:
            client.sendall(data)
        finally:
            exchange.delivered = len(data)
            exchange.finished.set()
        return kind == "pass" and headers.get("connection", "").lower() != "close"
