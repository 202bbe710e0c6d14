"""What an idle sync costs the database: statements counted through real HTTP (PROTOCOL.md §5)."""

from datetime import date

import pytest
from sqlalchemy import event, text

from server import changes
from server.extensions import db

WRITES = ("INSERT", "UPDATE", "DELETE")

# Real transactions: inside the test's rolled-back transaction a commit is a savepoint release
# and would go uncounted, and the savepoints would be counted as statements.
pytestmark = pytest.mark.commits


class Recorder:
    """Count the statements and commits the app's engine runs."""

    def __init__(self):
        self.statements: list[str] = []
        self.commits = 0

    def __enter__(self):
        engine = db.engine
        event.listen(engine, "before_cursor_execute", self._statement)
        event.listen(engine, "commit", self._commit)
        self.engine = engine
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self._statement)
        event.remove(self.engine, "commit", self._commit)

    def _statement(self, conn, cursor, statement, *args):
        self.statements.append(statement)

    def _commit(self, conn):
        self.commits += 1

    @property
    def writes(self) -> list[str]:
        return [s for s in self.statements if s.lstrip().upper().startswith(WRITES)]


def test_idle_sync_writes_nothing_and_commits_nothing(app, phone):
    """§5: a sync with nothing to push or pull, repeated within a minute, only reads.

    Its read ends with a COMMIT of a transaction that wrote nothing (see the next test).
    """
    phone.sync()  # the status now matches what the device reports
    with app.app_context(), Recorder() as seen:
        report = phone.sync()
    assert report.pulled == 0
    assert seen.writes == []
    assert seen.commits <= 1, seen.statements


def test_idle_syncs_keep_the_token_check_prepared(app, phone):
    """§5: on PostgreSQL idle syncs run the token check as a prepared statement.

    psycopg prepares a statement from its 6th run, but deallocates every prepared statement of
    the connection at each ROLLBACK: an idle sync ending its read with one never got there.
    """
    if db.engine.dialect.name != "postgresql":
        pytest.skip("psycopg's prepared statements")
    for _ in range(8):
        phone.sync()
    with app.app_context():
        prepared = db.session.scalars(text("SELECT statement FROM pg_prepared_statements")).all()
    assert any("token_hash" in s and "sync_counter" in s for s in prepared), prepared


def test_idle_sync_is_at_most_three_statements(app, phone):
    """§5: the token check, the device's state and the counter; nothing else."""
    phone.sync()
    with app.app_context(), Recorder() as seen:
        phone.sync()
    assert len(seen.statements) <= 3, seen.statements


def test_idle_sync_is_one_statement_the_token_check(app, phone):
    """§5: the token check reads the counter too; an idle sync sends no second statement."""
    phone.sync()
    with app.app_context(), Recorder() as seen:
        report = phone.sync()
    assert report.pulled == 0
    # SQLite's BEGIN IMMEDIATE (server/__init__.py) goes through the engine: not a query.
    queries = [s for s in seen.statements if not s.startswith("BEGIN")]
    assert len(queries) == 1, seen.statements
    assert "sync_counter" in queries[0]


def test_push_of_new_records_reads_their_history_once(app, phone, tree):
    """§3.2: a batch of new records reads no history; a batch of edits one query per table."""
    from tests.conftest import model_payload

    payloads = [model_payload(tree["commune"]) for _ in range(10)]
    db.session.commit()  # the lazy load of the unit began a transaction (a write lock on SQLite)
    for payload in payloads:
        phone.create("models", payload)
    with app.app_context(), Recorder() as seen:
        report = phone.sync()
    assert [r["status"] for r in report.results] == ["applied"] * 10
    history = [s for s in seen.statements if "FROM audit_events" in s]
    # Records are never erased: one the database lacks has no history to read.
    assert history == [], history
    for payload in payloads:
        phone.edit("models", payload["id"], {"name": "Tên đã sửa"})
    with app.app_context(), Recorder() as seen:
        report = phone.sync()
    assert [r["status"] for r in report.results] == ["applied"] * 10
    history = [s for s in seen.statements if "FROM audit_events" in s]
    assert len(history) == 1, history


def test_a_first_pull_reads_units_page_by_page_not_one_by_one(app, client, tree, reviewer):
    """§5.3: a province's first pull costs the same statements for 3 units as for 23.

    Each unit goes out with its parent's name and its successors (UnitOut): read one unit at a
    time, a country's first pull was thousands of statements.
    """
    from tests.factories import make_unit
    from tests.sync_helpers import device

    def first_pull_statements(name: str) -> int:
        desk = device(client, "lanhdao", name=name)
        db.session.commit()  # the sign-in left this session in a transaction (a write lock on SQLite)
        with app.app_context(), Recorder() as seen:
            desk.sync()
        pulled.append(len(desk.state.units))
        return len(seen.statements)

    # Units made by the factory carry no change_seq; the units import stamps them.
    changes.stamp(db.session, list(tree.values()))
    pulled: list[int] = []
    counts = [first_pull_statements("Máy tính tỉnh")]
    added = []
    for i in range(10):
        new = make_unit(f"Xã mới {i}", tree["province"])
        added += [
            new,
            make_unit(f"Xã cũ {i}", tree["province"], valid_to=date(2025, 6, 30), successors=[new]),
        ]
    changes.stamp(db.session, added)
    counts.append(first_pull_statements("Máy tính thứ hai"))
    assert pulled[1] == pulled[0] + 20, pulled
    assert counts[0] == counts[1], counts


def test_pushes_keep_their_statements_prepared(app, phone, tree):
    """§4, §5: on PostgreSQL a device's pushes and their pulls run prepared statements.

    A push commits once; the pull after it used to end its read with a ROLLBACK, at which
    psycopg deallocates every prepared statement of the connection: from the 6th push on, the
    token check and the pull's records statement must still be prepared.
    """
    from tests.conftest import model_payload

    if db.engine.dialect.name != "postgresql":
        pytest.skip("psycopg's prepared statements")
    payloads = [model_payload(tree["commune"]) for _ in range(8)]
    db.session.commit()  # the lazy load of the unit began a transaction (a write lock on SQLite)
    for payload in payloads:
        phone.create("models", payload)
        report = phone.sync()
        assert [r["status"] for r in report.results] == ["applied"]
    with app.app_context():
        prepared = db.session.scalars(text("SELECT statement FROM pg_prepared_statements")).all()
    assert any("token_hash" in s and "sync_counter" in s for s in prepared), prepared
    assert any("wire_json" in s and "UNION ALL" in s for s in prepared), prepared
