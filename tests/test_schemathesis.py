"""Schemathesis sends what the OpenAPI document allows, and more, to every operation: no 5xx.

The document is the one the app serves at /api/v1/openapi.json; requests go through the WSGI
app in this process (no network), signed in as a commune officer, with a record of each kind in
the lists and reports. Examples, valid and invalid, are derandomized and bounded per operation
(~45 s of CPU for the whole document), so a run finds the same things every time; a failing
example prints with a curl command that reproduces it.

Each operation's examples are built when its test runs, not when pytest collects: schemathesis's
own pytest integration builds them at collection, in every parallel worker of both passes
(~8 s of CPU each), although one worker runs them.
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation.feedback import FeedbackSources
from schemathesis.pytest._test_builder import build_operation_test
from schemathesis.python._constants.orchestrator import make_constants_value_source

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


# Reading the operations is cheap; only building an operation's examples is not.
OPERATIONS = {result.ok().label: result.ok() for result in schema.get_all_operations()}
# Values the document names (enums, examples) that generation draws on, as the plugin does.
FEEDBACK = FeedbackSources(constants_value_source=make_constants_value_source(schema))
HYPOTHESIS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],  # no shrinking: the first failure is reported
    suppress_health_check=list(HealthCheck),
)


@pytest.mark.slow
@pytest.mark.timeout(120)
@pytest.mark.parametrize("operation", list(OPERATIONS))
def test_no_request_gets_a_server_error(app, operation, officer_headers):
    sent = []

    @HYPOTHESIS
    def call(case):
        sent.append(case.method)
        # A bug must come back as the 500 a phone would get, so the check sees and reports it.
        app.config["SWALLOW_ERRORS"] = True
        case.call_and_validate(app=app, headers=officer_headers, checks=[not_a_server_error])

    build_operation_test(
        config=schema.config,
        operation=OPERATIONS[operation],
        test_func=call,
        given_kwargs={},
        feedback=FEEDBACK,
    )()
    assert len(sent) > 1, f"schemathesis sent {len(sent)} request(s) to {operation}"
