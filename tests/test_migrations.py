"""The migrations build exactly the schema the models describe, and take it down again."""

import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from server import create_app
from server.actor import Actor
from server.extensions import db
from server.models import Conflict, Unit, User
from server.records import service
from server.records.tables import TABLES as RECORD_TABLES
from tests.conftest import model_payload

TABLES = {
    "audit_events",
    "conflicts",
    "criteria_sets",
    "devices",
    "dvk_models",
    "inspections",
    "evaluations",
    "file_chunks",
    "file_refs",
    "meetings",
    "mutation_results",
    "one_time_codes",
    "recognitions",
    "scope_removals",
    "sign_in_counters",
    "stored_files",
    "sync_counter",
    "unit_successors",
    "units",
    "users",
}


# Columns added after 0008, which the ORM writes on every INSERT (0013, 0015, 0020).
LATER_COLUMNS = [
    *(
        (table, column, kind)
        for table in ("dvk_models", "meetings")
        for column, kind in (
            ("wire_json", "TEXT"),
            ("wire_seq", "BIGINT"),
            ("attachments", "JSON"),
            ("files_received", "JSON"),
        )
    ),
    ("meetings", "geo_accuracy", "FLOAT"),
    ("units", "requires_minutes", "BOOLEAN"),
    ("users", "search_text", "TEXT"),
]


@pytest.fixture
def empty_database(database_url, tmp_path):
    """Yield the URL of a new, empty database of the same kind as the test database."""
    if not database_url.startswith("postgresql"):
        yield f"sqlite:///{tmp_path / 'migrations.sqlite3'}"
        return
    name = f"sotay_mig_{uuid.uuid4().hex[:12]}"
    admin = create_engine(database_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(database_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def fresh_app(empty_database):
    """Yield an app context on the empty database."""
    app = create_app(
        {"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": empty_database}
    )
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def table_names() -> set[str]:
    """Return the tables of the current database, without alembic's own."""
    return set(inspect(db.engine).get_table_names()) - {"alembic_version"}


def test_upgrade_creates_every_table(fresh_app):
    upgrade()
    assert table_names() == TABLES


def test_upgrade_creates_the_counter_row(fresh_app):
    upgrade()
    assert db.session.execute(text("SELECT id, value FROM sync_counter")).all() == [(1, 0)]


def test_models_match_migrated_schema(fresh_app):
    upgrade()
    with db.engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "compare_server_default": True}
        )
        diff = compare_metadata(context, db.metadata)
    assert diff == []


def test_downgrade_removes_every_table(fresh_app):
    upgrade()
    downgrade(revision="base")
    assert table_names() == set()


def test_upgrade_after_downgrade_rebuilds(fresh_app):
    upgrade()
    downgrade(revision="base")
    upgrade()
    assert table_names() == TABLES


def test_upgrade_twice_is_a_no_op(fresh_app):
    upgrade()
    upgrade()
    assert db.session.execute(text("SELECT count(*) FROM sync_counter")).scalar() == 1


def test_comparison_notices_a_drifted_schema(fresh_app):
    upgrade()
    db.session.execute(text("DROP INDEX ix_meetings_report"))
    db.session.commit()
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
    assert [d[0] for d in diff] == ["add_index"]


def test_action_times_start_as_the_arrival_times(fresh_app):
    """0006: events written before phones said when they acted acted when they arrived."""
    upgrade(revision="0004")
    db.session.execute(
        text(
            "INSERT INTO audit_events (at, table_name, record_id, action) "
            "VALUES ('2026-11-20 08:24:00+00:00', 'models', 'm1', 'create')"
        )
    )
    db.session.commit()
    upgrade()
    row = db.session.execute(text("SELECT at, acted_at, clock_flag FROM audit_events")).one()
    assert row.acted_at == row.at
    assert row.clock_flag is None
    db.session.close()  # SQLite: the migration below needs the write lock
    downgrade(revision="0004")
    columns = {c["name"] for c in inspect(db.engine).get_columns("audit_events")}
    assert not {"acted_at", "clock_flag"} & columns


def test_search_text_is_rebuilt_as_words(fresh_app):
    """0010: stored search text becomes words, so search matches word beginnings."""
    upgrade(revision="0008")
    db.session.execute(
        text(
            "INSERT INTO units (code, name, level, valid_from, aliases, path, search_text,"
            " change_seq, depth, approves_records, is_border, is_dbkk) VALUES ('X1', 'Xã (Mông) Đồn-Phục',"
            " 'XA', '2025-07-01', '[\"Bản-Cũ\"]', '/1/', 'xa (mong) don-phuc x1 ban-cu', 0,"
            " 0, false, false, false)"
        )
    )
    db.session.commit()
    upgrade()
    stored = db.session.execute(text("SELECT search_text FROM units")).scalar_one()
    assert stored == "xa mong don phuc x1 ban cu"


def test_upgrade_moves_conflicts_left_behind_by_moved_records(fresh_app):
    """0008: a conflict of a record moved earlier reaches the new owner and leaves the old."""
    upgrade(revision="0006")
    session = db.session
    # Today's models write the columns later revisions add: lend them for the set-up.
    for table, column, kind in LATER_COLUMNS:
        session.execute(text(f"ALTER TABLE {table} ADD COLUMN {column} {kind}"))
    root = Unit(code="TW", name="Trung ương", level="TRUNG_UONG", path="/1/", depth=0, id=1)
    old = Unit(code="A", name="Xã A", level="XA", parent_id=1, path="/1/2/", depth=1, id=2)
    new = Unit(code="B", name="Xã B", level="XA", parent_id=1, path="/1/3/", depth=1, id=3)
    session.add_all([root, old, new])
    session.flush()
    user = User(username="qt", full_name="Qt", unit_id=1, roles=["QUAN_TRI"], password_hash="x")
    session.add(user)
    session.flush()
    record = service.create(
        session, RECORD_TABLES["models"], model_payload(old), actor=Actor.signed_in(user)
    )
    conflict = Conflict(
        id=str(uuid.uuid4()),
        table_name="models",
        record_id=record.record.id,
        owner_unit_id=old.id,
        field="results",
        kept_value="a",
        lost_value="b",
        reason="SAME_FIELD",
        base_version=1,
        record_version=1,
        change_seq=1,
    )
    session.add(conflict)
    session.flush()
    record.record.owner_unit_id = new.id  # moved the way it was before 0008
    session.commit()
    session.execute(
        text(
            "INSERT INTO scope_removals (change_seq, table_name, record_id, from_unit_id,"
            " to_unit_id) VALUES (2, 'models', :id, 2, 3)"
        ),
        {"id": record.record.id},
    )
    session.execute(text("UPDATE sync_counter SET value = 2"))
    session.commit()
    record_id, conflict_id = record.record.id, conflict.id
    for table, column, _ in LATER_COLUMNS:
        session.execute(text(f"ALTER TABLE {table} DROP COLUMN {column}"))
    session.commit()
    session.remove()

    upgrade()
    rows = db.session.execute(
        text("SELECT table_name, record_id, from_path, change_seq FROM scope_removals ORDER BY id")
    ).all()
    assert rows == [
        ("models", record_id, "/1/2/", 2),
        ("conflicts", conflict_id, "/1/2/", 3),
    ]
    moved = db.session.execute(
        text("SELECT owner_unit_id, change_seq FROM conflicts WHERE id = :id"), {"id": conflict_id}
    ).one()
    assert tuple(moved) == (3, 4)
    assert db.session.execute(text("SELECT value FROM sync_counter")).scalar() == 4


def test_upgrade_fills_the_users_search_words(fresh_app):
    """0020: existing users become searchable by their folded names."""
    upgrade(revision="0019")
    db.session.add(
        Unit(code="TW", name="Trung ương", level="TRUNG_UONG", path="/1/", depth=0, id=1)
    )
    db.session.flush()
    db.session.execute(
        text(
            "INSERT INTO users (username, full_name, unit_id, roles, active, password_hash,"
            " created_at, updated_at) VALUES ('lo.minh', 'Lò Văn Đức', 1, '[]', true, 'x',"
            " '2026-01-01', '2026-01-01')"
        )
    )
    db.session.commit()
    upgrade()
    stored = db.session.execute(text("SELECT search_text FROM users")).scalar_one()
    assert stored == "lo minh lo van duc"
