"""Schemathesis sends what the OpenAPI document allows, and more, to every operation: no 5xx.

The document is the one the app serves at /api/v1/openapi.json; requests go through the WSGI
app in this process (no network), signed in as a commune officer, with a record of each kind in
the lists and reports. Examples, valid and invalid, are derandomized and bounded per operation
(~45 s of CPU for the whole document), so a run finds the same things every time; a failing
example prints with a curl command that reproduces it.
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error

from server import create_app
from tests.conftest import meeting_payload, model_payload

EXAMPLES = 12  # per operation: ~35 operations stay within a minute on SQLite and PostgreSQL


def served_document() -> dict:
    """Return the document the app serves (writing it needs no database)."""
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x"})
    response = app.test_client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.get_json()


# Operations are collected from the served document; each test then calls its own app, bound
# to the test database, through WSGI. (schemathesis.pytest.from_fixture would load the document
# from the app fixture, but its loader relies on a pytest internal that pytest 9 removed.)
schema = schemathesis.openapi.from_dict(served_document())


@pytest.fixture
def officer_headers(client, tree, officer, auth_headers):
    """Sign the officer in, with a model and a meeting in their lists and reports."""
    headers = auth_headers(officer)
    for table, body in (
        ("models", model_payload(tree["commune"])),
        ("meetings", meeting_payload(tree["commune"])),
    ):
        assert client.post(f"/api/v1/{table}", json=body, headers=headers).status_code == 201
    return headers


@pytest.mark.slow
@pytest.mark.timeout(120)
@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],  # no shrinking: the first failure is reported
    suppress_health_check=list(HealthCheck),
)
def test_no_request_gets_a_server_error(app, case, officer_headers):
    # A bug must come back as the 500 a phone would get, so the check sees and reports it.
    app.config["SWALLOW_ERRORS"] = True
    case.call_and_validate(app=app, headers=officer_headers, checks=[not_a_server_error])
