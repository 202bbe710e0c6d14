"""Shared fixtures: the app on SQLite or PostgreSQL, clients, and factories in pairs.

The database comes from TEST_DATABASE_URL (PostgreSQL in CI's second pass); without it each test
session uses a fresh SQLite file. Under pytest-xdist each worker gets its own PostgreSQL database
(`<name>_gw0`, …). The schema is built once per session by running the real migrations, and one
app serves the whole session.

Every test runs inside a transaction on one connection, rolled back at its end: `db.session` is
bound to that connection and each of its transactions (one per app context, so one per request)
is a SAVEPOINT, so a commit in the app ends a savepoint and the test's rollback undoes it all.
Data several tests only read (the official units) is loaded once in an enclosing transaction by
`shared_data`, and so is `tree` in modules whose tests all ask for it. Data only some of a
module's tests share is a `shared_layer`: loaded for the first test that asks for it and kept
while the next ones ask too (a module's tests run grouped by the layers they ask for). Tests that
need real commits, seen by other connections, are marked `@pytest.mark.commits`: they get the
engine's own session and emptied tables before and after.
Live servers and migrations use databases of their own (`bench/live.py`, test_migrations.py).
"""

import contextlib
import functools
import gc
import inspect
import itertools
import os
import re
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from flask import Flask, current_app
from flask_sqlalchemy.session import Session as FlaskSession
from hypothesis import settings
from sqlalchemy import Connection, Transaction, select, text

from server import create_app
from server.auth import passwords
from server.extensions import db
from server.models import Unit, User
from tests import run_order
from tests.factories import (
    TEST_PASSWORD,
    hashed_test_password,
    make_device_headers,
    make_tree,
    make_unit,
    make_user,
    meeting_payload,
    model_payload,
)

# The file stores every store-dependent test runs against (PROTOCOL.md §12).
from tests.file_stores import app_store, file_store, s3_endpoint  # noqa: F401

__all__ = ["TEST_PASSWORD", "meeting_payload", "model_payload", "shared_data"]

# Every property test draws the same examples on every run, so a failure in CI replays here;
# Hypothesis prints the failing example and a blob to reproduce it.
settings.register_profile("reproducible", derandomize=True, print_blob=True)
settings.load_profile("reproducible")

# Argon2 at production cost takes ~0.15 s a hash (seconds on a busy machine), and sign-in tests
# hash on every attempt: tests hash at the lowest cost, still Argon2id.
passwords._hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


def pytest_configure(config) -> None:
    """Give each xdist worker its own PostgreSQL database, live servers' databases included."""
    run_order.register(config)
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    url = os.environ.get("TEST_DATABASE_URL")
    if not (worker and url):
        return
    from sqlalchemy.engine import make_url

    name = make_url(url).database or ""
    if not name.endswith("_" + worker):
        from bench.live import reset_postgres_database

        os.environ["TEST_DATABASE_URL"] = reset_postgres_database(url, f"{name}_{worker}")


def pytest_unconfigure(config) -> None:
    """Spare the exiting process a last walk of its heap by the garbage collector.

    Finalisation collects the whole heap of a process that imported the server and every test
    module (~0.6 s of CPU each for the controller and every xdist worker); the tests are over,
    and the memory goes back with the process.
    """
    gc.freeze()


def _test_password_hash() -> str:
    """Return the hash of the test password (kept for modules that import it)."""
    return hashed_test_password()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    """Return the URL of the test database, SQLite by default."""
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    return "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.sqlite3")


@pytest.fixture(scope="session")
def _schema(database_url, tmp_path_factory):
    """Build the schema once with the real migrations."""
    from flask_migrate import downgrade, upgrade

    app = create_app(
        {"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "test"}
    )
    with app.app_context():
        if database_url.startswith("postgresql"):
            db.session.execute(text("DROP SCHEMA public CASCADE"))
            db.session.execute(text("CREATE SCHEMA public"))
            db.session.commit()
        upgrade()
        yield
        db.session.remove()
        downgrade(revision="base")
        db.session.remove()
        db.engine.dispose()


def _restart_sequences() -> None:
    # PostgreSQL sequences ignore rollbacks; ids start from 1 again, as they do on SQLite.
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(
            text(
                "SELECT setval(format('%I.%I', schemaname, sequencename), 1, false) "
                "FROM pg_sequences WHERE schemaname = current_schema()"
            )
        )


def _sequences_now() -> str | None:
    """Return a statement that sets every PostgreSQL sequence back to where it is now."""
    if db.session.get_bind().dialect.name != "postgresql":
        return None
    rows = db.session.execute(
        text(
            "SELECT format('%I.%I', schemaname, sequencename), last_value FROM pg_sequences "
            "WHERE schemaname = current_schema() ORDER BY 1"
        )
    ).all()
    if not rows:
        return None
    calls = ", ".join(
        f"setval('{name}', {value or 1}, {'true' if value else 'false'})" for name, value in rows
    )
    return "SELECT " + calls


def _empty_tables() -> None:
    """Delete every row, leaving the state the migrations leave (the sync counter at 0)."""
    # DELETE, not TRUNCATE: on the few rows a test leaves, TRUNCATE costs ~0.19 s a test on
    # PostgreSQL (it rewrites every table) against ~3 ms.
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())
    _restart_sequences()
    db.session.execute(text("INSERT INTO sync_counter (id, value) VALUES (1, 0)"))
    db.session.commit()


class _ConnectionSession(FlaskSession):
    """A Flask-SQLAlchemy session on the test's connection instead of the engine's pool.

    Only in the session's app: an app a test builds for another database (migrations, an
    unreachable server) keeps its own engine.
    """

    test_app: Flask | None = None

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        """Return the test's connection in the test app, else the current app's engine."""
        if bind is None and current_app._get_current_object() is self.test_app:
            return self.bind
        return super().get_bind(mapper=mapper, clause=clause, bind=bind, **kwargs)


@pytest.fixture(scope="session")
def _session_app(_schema, database_url, tmp_path_factory):
    """Build the app once: compiling its URL rules costs ~90 ms, too much to pay per test."""
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SECRET_KEY": "test",
            "LOGIN_MAX_FAILURES": 5,
            # Test processes running side by side must not take each other's hashing slots.
            "LOGIN_SLOT_DIR": str(tmp_path_factory.mktemp("sign-in-slots")),
            "FILE_DIR": str(tmp_path_factory.mktemp("files")),
            "EXPORT_KEY_PATH": str(tmp_path_factory.mktemp("export-key") / "export-key.pem"),
        }
    )
    yield app
    with app.app_context():
        db.engine.dispose()


class _Sessions:
    """The engine's own `db.session` and the one bound to the session's test connection."""

    def __init__(self, app: Flask):
        self.engine_session = db.session
        with app.app_context():
            _empty_tables()  # what an earlier, interrupted run may have left
            self.connection: Connection = db.engine.connect()
        session_class = type("TestAppSession", (_ConnectionSession,), {"test_app": app})
        self.bound = db._make_scoped_session(
            {
                "class_": session_class,
                "bind": self.connection,
                "join_transaction_mode": "create_savepoint",
            }
        )
        db.session = self.bound
        # What sets the sequences back to where a module's shared data left them.
        self.shared_sequences: str | None = None

    @contextlib.contextmanager
    def rolled_back(self) -> Iterator[None]:
        """Run the block (in an app context) inside a transaction that is rolled back after."""
        connection = self.connection
        outer = connection.begin_nested() if connection.in_transaction() else connection.begin()
        try:
            yield
        finally:
            db.session.remove()
            outer.rollback()

    @contextlib.contextmanager
    def committed(self) -> Iterator[None]:
        """Run the block (in an app context) on the engine's session, emptying tables around it."""
        if self.connection.in_transaction():
            raise RuntimeError("a committing test cannot run inside shared_data")
        db.session = self.engine_session
        try:
            _empty_tables()
            yield
        finally:
            db.session.remove()
            _empty_tables()
            db.session.remove()
            db.session = self.bound

    def close(self) -> None:
        """Give the engine's session back to `db` and close the connection."""
        db.session = self.engine_session
        self.connection.close()


@pytest.fixture(scope="session")
def _sessions(_session_app) -> Iterator[_Sessions]:
    sessions = _Sessions(_session_app)
    yield sessions
    sessions.close()


@pytest.fixture
def app(request, _session_app, _sessions, _layers):
    """Return the session's app in an app context, its data rolled back after the test.

    With `@pytest.mark.commits`, commits are real and the tables are emptied before and after.
    The shared layers the test asks for (`shared_layer`) are loaded first, if not already.
    """
    config = dict(_session_app.config)
    commits = request.node.get_closest_marker("commits") is not None
    with _session_app.app_context():
        _layers.switch([] if commits else _requested_layers(request.node))
        if commits:
            with _sessions.committed():
                yield _session_app
        else:
            with _sessions.rolled_back():
                sequences = _layers.sequences() or _sessions.shared_sequences
                if not _sessions.connection.in_nested_transaction():
                    _restart_sequences()
                elif sequences:
                    # Ids go on from the shared data, the same in every test.
                    db.session.execute(text(sequences))
                yield _session_app
    _session_app.config.clear()
    _session_app.config.update(config)


@pytest.fixture
def db_session(app):
    """Return `db.session` for the test (bound to the test's transaction)."""
    return db.session


_SHARED_LOADS: dict[str, list[Callable[[], object]]] = defaultdict(list)


def shared_data(load: Callable[[], object]):
    """Declare a fixture whose data `load` makes once per module for the tests that ask for it.

    `load` runs in an app context inside a transaction that encloses the tests' own until the
    module ends, so each test still rolls back to the shared state; the fixture returns what
    `load` returned. Once loaded, the data is there for the module's later tests too.
    """
    _SHARED_LOADS[load.__module__].append(load)

    @pytest.fixture
    def fixture(_module_data, app):
        return _module_data[load]

    fixture.__doc__ = load.__doc__
    return fixture


def _tree_ids() -> dict[str, int]:
    """Create the small unit tree of `tree` and return its units' ids."""
    return {place: unit.id for place, unit in make_tree().items()}


def _shares_tree(module) -> bool:
    """Tell whether a module's tests may share one `tree`, loaded once for the module.

    Only when every test of the module that uses the database asks for the tree (no test sees
    units it did not expect), none commits, and the module shares no data of its own.
    """
    shares = _TREE_SHARED.get(module.__name__)
    if shares is None:
        items = [item for item in module_items(module) if "app" in item.fixturenames]
        shares = (
            bool(items)
            and not _SHARED_LOADS[module.__name__]
            and all("tree" in item.fixturenames for item in items)
            and not any(item.get_closest_marker("commits") for item in items)
        )
        _TREE_SHARED[module.__name__] = shares
    return shares


_MODULE_ITEMS: dict[str, list[pytest.Item]] = defaultdict(list)
_TREE_SHARED: dict[str, bool] = {}


def module_items(module) -> list[pytest.Item]:
    """Return the collected tests of a module."""
    return _MODULE_ITEMS[module.__name__]


# A test whose fixtures include one of these uses the database under test.
_DATABASE_FIXTURES = frozenset({"database_url", "_schema", "_session_app", "_sessions", "app"})
# A module that reads the database under test by itself: live servers, the fleet.
_READS_DATABASE = re.compile(
    r"^\s*(from|import)\s+(bench|tests\.(live_server|upload_cuts|browser))\b|DATABASE_URL",
    re.MULTILINE,
)


def pytest_addoption(parser) -> None:
    """Add --database-tests-only, for the second database's pass."""
    parser.addoption(
        "--database-tests-only",
        action="store_true",
        help="run only the tests that use the database (pure tests ran in the first pass)",
    )


@functools.cache
def _module_reads_database(path: str) -> bool:
    return bool(_READS_DATABASE.search(Path(path).read_text("utf-8")))


def _uses_database(item: pytest.Item) -> bool:
    """Tell whether a test uses the database under test, through a fixture or by itself."""
    if _DATABASE_FIXTURES.intersection(getattr(item, "fixturenames", ())):
        return True
    if item.get_closest_marker("no_database"):
        return False
    return _module_reads_database(str(item.path))


def _run_order(order: run_order.RunOrder) -> Callable[[pytest.Item], float]:
    """Return the sort key of tests: their module's recorded seconds, longest first."""

    def rank(item: pytest.Item) -> float:
        path = str(item.path)
        return order.rank(
            item,
            browser=f"{os.sep}browser{os.sep}" in path,
            database=bool(item.get_closest_marker("slow")) or _module_reads_database(path),
        )

    return rank


def pytest_collection_modifyitems(session, config, items) -> None:
    """Leave out pure tests with --database-tests-only; put the long modules first.

    xdist (with --no-loadscope-reorder) hands out files in this order: the long ones first
    (tests/run_order.py), the many short ones last, so that the workers finish together instead
    of one running a long file alone at the end.
    """
    if config.getoption("database_tests_only"):
        pure = [item for item in items if not _uses_database(item)]
        if pure:
            config.hook.pytest_deselected(items=pure)
            items[:] = [item for item in items if _uses_database(item)]
    items.sort(key=_run_order(run_order.RunOrder()))  # stable: a module's tests keep their order
    for item in items:
        module = getattr(item, "module", None)
        if module is not None:
            _MODULE_ITEMS[module.__name__].append(item)
    items[:] = _grouped_by_layers(items)


def _grouped_by_layers(items: list[pytest.Item]) -> list[pytest.Item]:
    """Run a module's tests that ask for the same shared layers one after another.

    Each layer is then loaded once in the module (once per value of its key), not once per
    change of parameter; tests keep their order otherwise, and modules theirs.
    """
    grouped: list[pytest.Item] = []
    for _, run in itertools.groupby(items, key=lambda item: getattr(item, "module", None)):
        run = list(run)
        first: dict[tuple[int, ...], int] = {}
        keys = []
        for item in run:
            chain = tuple(id(layer) for layer in _requested_layers(item))
            keys.append(first.setdefault(chain, len(first)))
        grouped += [item for _, item in sorted(zip(keys, run, strict=True), key=lambda p: p[0])]
    return grouped


@pytest.fixture(scope="module")
def _module_data(request, _session_app, _sessions):
    """Load a module's shared data in a transaction that lasts until the module's end."""
    loads = list(_SHARED_LOADS[request.module.__name__])
    if _shares_tree(request.module):
        loads.append(_tree_ids)
    if not loads:
        yield {}
        return
    outer = _sessions.connection.begin()
    try:
        with _session_app.app_context():
            _restart_sequences()
            values = {load: load() for load in loads}
            _sessions.shared_sequences = _sequences_now()
            db.session.remove()  # tests get sessions of their own; objects are reloaded
        yield values
    finally:
        _sessions.shared_sequences = None
        outer.rollback()


# --- Shared layers: data loaded once for a run of tests that ask for it --------------------------


@dataclass(eq=False)
class SharedLayer:
    """Data that `load` makes above the data of the layer `below` (if any)."""

    load: Callable[..., object]
    below: "SharedLayer | None" = None
    # The name of a test parameter: the layer is one per value of it, given to `load` first.
    key: str | None = None
    variants: dict[object, "SharedLayer"] = field(default_factory=dict)

    def for_test(self, item: pytest.Item) -> "SharedLayer":
        """Return the layer itself, or its variant for the test's value of the key."""
        if self.key is None:
            return self
        value = item.callspec.params[self.key]  # type: ignore[attr-defined]
        if value not in self.variants:
            self.variants[value] = SharedLayer(functools.partial(self.load, value), self.below)
        return self.variants[value]

    def chain(self) -> list["SharedLayer"]:
        """Return the layers this one stands on, lowest first, and itself."""
        return [*(self.below.chain() if self.below else []), self]


def shared_layer(
    load: Callable[..., object],
    *,
    below: SharedLayer | None = None,
    name: str | None = None,
    key: str | None = None,
):
    """Declare a fixture whose data `load` makes once for the tests that ask for it in a row.

    Unlike `shared_data`, a layer is there only for the tests that ask for it (through any
    fixture): `load` runs in a transaction that encloses the test's own, kept while the next tests
    ask for the same layer and rolled back before the first that does not. A layer may stand on
    another (`below=` that layer's fixture); a test asking for a layer gets those below it too. The
    fixture returns what `load` returned (ids, not objects: the loading session ends); a `load`
    with a parameter is given what the layer below returned. With `key`, the name of a test
    parameter, there is one layer per value of it, and `load` takes the value first.
    """
    layer = SharedLayer(load, below.layer if below is not None else None, key)

    def fixture(request, app, _layers):
        return _layers.value(layer.for_test(request.node))

    fixture.layer = layer  # type: ignore[attr-defined]  # what `_requested_layers` looks for
    fixture.__doc__ = load.__doc__
    defined = pytest.fixture(name=name or load.__name__)(fixture)
    defined.layer = layer  # type: ignore[attr-defined]  # what `below=` takes
    return defined


def _requested_layers(item: pytest.Item) -> list[SharedLayer]:
    """Return the chain of shared layers a test asks for, lowest first."""
    found = []
    for name in getattr(item, "fixturenames", ()):
        definitions = item._fixtureinfo.name2fixturedefs.get(name)  # type: ignore[attr-defined]
        layer = getattr(definitions[-1].func, "layer", None) if definitions else None
        if layer is not None:
            found.append(layer.for_test(item))
    if not found:
        return []
    chain = max((layer.chain() for layer in found), key=len)
    if any(layer not in chain for layer in found):
        raise RuntimeError(f"{item.nodeid} asks for layers that do not stand on each other")
    return chain


class _LayerStack:
    """The shared layers loaded now, each in a transaction inside the one below it."""

    def __init__(self, sessions: _Sessions):
        self.sessions = sessions
        self.loaded: list[tuple[SharedLayer, Transaction, object, str | None]] = []

    def switch(self, chain: list[SharedLayer]) -> None:
        """Keep the loaded layers the chain starts with, roll back the rest, load the missing."""
        keep = 0
        while keep < min(len(chain), len(self.loaded)) and self.loaded[keep][0] is chain[keep]:
            keep += 1
        self.cut(keep)
        connection = self.sessions.connection
        for layer in chain[keep:]:
            started = connection.in_transaction()
            transaction = connection.begin_nested() if started else connection.begin()
            sequences = self.sequences() or self.sessions.shared_sequences
            if not started:
                _restart_sequences()
            elif sequences:
                db.session.execute(text(sequences))
            value = layer.load(*self.below_value(layer))
            self.loaded.append((layer, transaction, value, _sequences_now()))
            db.session.remove()  # tests get sessions of their own; objects are reloaded

    def cut(self, keep: int = 0) -> None:
        """Roll back every loaded layer above the first `keep`."""
        while len(self.loaded) > keep:
            db.session.remove()
            transaction = self.loaded.pop()[1]
            if transaction.is_active:  # else the module's shared data went first, and it with it
                transaction.rollback()

    def below_value(self, layer: SharedLayer) -> list[object]:
        """Return what the layer's `load` takes: the value of the layer below, if it asks."""
        if layer.below is None or not inspect.signature(layer.load).parameters:
            return []
        return [self.value(layer.below)]

    def value(self, layer: SharedLayer) -> object:
        """Return what a loaded layer's `load` returned."""
        return next(value for loaded, _, value, _ in self.loaded if loaded is layer)

    def sequences(self) -> str | None:
        """Return what sets the sequences back to where the top layer left them."""
        return self.loaded[-1][3] if self.loaded else None


@pytest.fixture(scope="module")
def _layers(_session_app, _sessions) -> Iterator[_LayerStack]:
    """Hold the module's loaded layers; roll them back when the module ends."""
    stack = _LayerStack(_sessions)
    yield stack
    with _session_app.app_context():
        stack.cut()


@pytest.fixture
def client(app):
    """Return a test client."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """Return a CLI runner."""
    return app.test_cli_runner()


@pytest.fixture
def create_unit(app):
    """Return a factory of units placed in the tree."""
    return make_unit


@pytest.fixture
def tree(request, _module_data, create_unit):
    """Return a small unit tree: root, a province with two communes, a foreign province.

    Made once per module where the module's tests allow it (`_shares_tree`), else per test.
    """
    ids = _module_data.get(_tree_ids)
    if ids is None:
        return make_tree()
    units = db.session.scalars(select(Unit).where(Unit.id.in_(ids.values())))
    by_id = {unit.id: unit for unit in units}
    return {place: by_id[unit_id] for place, unit_id in ids.items()}


@pytest.fixture
def create_user(app):
    """Return a factory of users with the test password."""
    return make_user


@pytest.fixture
def login(client):
    """Return a function that signs a user in and gives back request headers with the token."""

    def do_login(username: str, device_name: str = "Điện thoại thử") -> dict:
        response = client.post(
            "/api/v1/auth/login",
            json={"username": username, "password": TEST_PASSWORD, "device_name": device_name},
        )
        assert response.status_code == 201, response.get_json()
        return {"Authorization": "Bearer " + response.get_json()["token"]}

    return do_login


@pytest.fixture
def auth_headers(app):
    """Return a function that registers a device for a user and gives back its headers.

    It skips the password check, so tests that are not about sign-in stay fast.
    """
    return make_device_headers


@pytest.fixture
def officer(tree, create_user) -> User:
    """Return a field officer of the commune."""
    return create_user("canbo", tree["commune"], ["CAN_BO_NHAP"], full_name="Lò Văn Minh")


@pytest.fixture
def reviewer(tree, create_user) -> User:
    """Return a reviewer at the province."""
    return create_user("lanhdao", tree["province"], ["LANH_DAO_DUYET"], full_name="Nguyễn Thị Hoa")


@pytest.fixture
def admin(tree, create_user) -> User:
    """Return a system administrator."""
    return create_user("quantri", tree["root"], ["QUAN_TRI"], full_name="Quản Trị Viên")


@pytest.fixture
def phone(client, officer):
    """Return the commune officer's phone (the Python sync client), synced once."""
    from tests.sync_helpers import device  # it imports this module

    d = device(client, "canbo", name="Điện thoại Nậm Cắn")
    d.sync()
    return d


@pytest.fixture
def desk(client, reviewer):
    """Return the province reviewer's computer, synced once."""
    from tests.sync_helpers import device  # it imports this module

    d = device(client, "lanhdao", name="Máy tính tỉnh")
    d.sync()
    return d
