"""The unit tree shared by a module's tests: each test changes it freely, the next gets it back
with the same ids, and ids of rows a test makes start where the shared data left them."""

from pathlib import Path

import pytest
from sqlalchemy import select

from server.extensions import db
from server.models import Unit
from tests.conftest import _module_reads_database
from tests.factories import make_unit

TESTS = Path(__file__).resolve().parent
_SEEN: dict[str, object] = {}


def test_a_test_may_change_the_shared_tree(tree):
    _SEEN["ids"] = {place: unit.id for place, unit in tree.items()}
    tree["commune"].name = "Đổi tên"
    db.session.commit()
    _SEEN["next_id"] = make_unit("Thêm", tree["province"], code="TREE-EXTRA").id


def test_the_next_test_gets_the_tree_back(tree):
    """Runs after the test above (a file's tests keep their order on one worker)."""
    assert {place: unit.id for place, unit in tree.items()} == _SEEN["ids"]
    assert tree["commune"].name == "Xã Nậm Cắn"
    assert db.session.scalar(select(Unit.id).where(Unit.code == "TREE-EXTRA")) is None
    assert make_unit("Thêm", tree["province"], code="TREE-EXTRA").id == _SEEN["next_id"]


@pytest.mark.parametrize(
    "module",
    [
        "test_criteria_race",
        "test_enrol_live",
        "test_files_live",
        "test_fleet",
        "test_sign_in_live",
        "test_sync_concurrency",
        "test_sync_faults",
        "test_upload_live",
    ],
)
def test_live_modules_stay_in_the_postgresql_pass(module):
    """They use no database fixture but start servers on the database under test."""
    assert _module_reads_database(str(TESTS / f"{module}.py"))
