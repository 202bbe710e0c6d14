"""The test harness itself: each test's data is rolled back, shared data is restored between
the tests that share it, `commits` tests commit for real, and bench/ stands without tests/."""

import re
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.pool import NullPool

from server.extensions import db
from server.models import Unit
from tests.conftest import shared_data
from tests.factories import make_unit

BENCH = Path(__file__).resolve().parent.parent / "bench"


def _units() -> list[str]:
    return list(db.session.scalars(select(Unit.code).order_by(Unit.code)))


def test_a_committed_unit_is_there_within_the_test(app):
    make_unit("Trung ương", code="ROLLED-BACK")
    db.session.remove()  # a new session, as the next request would get
    assert _units() == ["ROLLED-BACK"]


def test_the_next_test_starts_without_it(app):
    """Runs after the test above (a file's tests keep their order on one worker)."""
    assert _units() == []
    assert db.session.scalar(text("SELECT value FROM sync_counter WHERE id = 1")) == 0


@pytest.mark.commits
def test_a_commits_test_is_seen_by_another_connection(app, database_url):
    make_unit("Trung ương", code="REALLY-COMMITTED")
    engine = create_engine(database_url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            count = conn.scalar(select(func.count()).select_from(Unit.__table__))
    finally:
        engine.dispose()
    assert count == 1


def test_a_commits_test_leaves_the_tables_empty(app):
    assert db.session.scalar(select(func.count(Unit.id))) == 0


def _two_units():
    """Create a root and a province that the tests below share."""
    root = make_unit("Trung ương", code="SHARED-TW", level="TRUNG_UONG")
    return make_unit("Tỉnh dùng chung", root, level="TINH", code="SHARED-40").id


two_units = shared_data(_two_units)


def test_shared_data_can_be_changed_by_a_test(two_units):
    db.session.get(Unit, two_units).name = "Đổi tên"
    db.session.commit()
    make_unit("Thêm", code="SHARED-EXTRA")
    assert _units() == ["SHARED-40", "SHARED-EXTRA", "SHARED-TW"]


def test_shared_data_is_back_for_the_next_test(two_units):
    assert _units() == ["SHARED-40", "SHARED-TW"]
    assert db.session.get(Unit, two_units).name == "Tỉnh dùng chung"


def test_bench_does_not_import_tests():
    """bench/ is the harness tests use: it must run from a tree without tests/."""
    offenders = [
        f"{path.name}:{number}"
        for path in sorted(BENCH.glob("*.py"))
        for number, line in enumerate(path.read_text("utf-8").splitlines(), 1)
        if re.match(r"\s*(from tests[.\s]|import tests\b)", line)
    ]
    assert offenders == []
