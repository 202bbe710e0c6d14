"""The report tests' usual world, loaded once for the tests that ask for it in a row.

A module opts in by naming these fixtures as its own (`tree = shared.tree`, …): its tests then
share one tree, writer, reviewer and reviewer's device (the `_reports_base` layer of conftest.py),
Nghệ An's legacy units above them (`_reports_nghe_an`), and whatever layers the module builds on
those with `shared_layer`. Each test
still rolls back to the shared state; what a test adds stays its own.
"""

import pytest

from server.extensions import db
from server.models import User
from tests.test_reports.conftest import units


@pytest.fixture(name="tree")
def tree(_reports_base):
    """Return the shared small unit tree."""
    return units(_reports_base["units"])


@pytest.fixture(name="writer")
def writer(_reports_base):
    """Return the shared officer at the province who records for any unit of it."""
    return db.session.get(User, _reports_base["writer"])


@pytest.fixture(name="reviewer")
def reviewer(_reports_base):
    """Return the shared reviewer at the province."""
    return db.session.get(User, _reports_base["reviewer"])


@pytest.fixture(name="headers")
def headers(_reports_base):
    """Return the shared reviewer's headers."""
    return _reports_base["headers"]


@pytest.fixture(name="nghe_an")
def nghe_an(_reports_base, _reports_nghe_an):
    """Return the shared tree plus Thái Hòa, its old communes and their successors."""
    return units({**_reports_base["units"], **_reports_nghe_an})
