"""Schemathesis sends what the OpenAPI document allows, and more, to every operation: no 5xx.

The document is the one the app serves at /api/v1/openapi.json; requests go through the WSGI
app in this process (no network), signed in as a commune officer, with a record of each kind in
the lists and reports. Examples, valid and invalid, are derandomized and bounded per operation
(~26 s of CPU for the whole document on SQLite, ~31 s on PostgreSQL), so a run finds the same
things every time; a failing example prints with a curl command that reproduces it.

Each operation's examples are built when its test runs, not when pytest collects: schemathesis's
own pytest integration builds them at collection, in every parallel worker of both passes
(~8 s of CPU each), although one worker runs them. Its coverage cases (a wrong type for each
parameter and field, boundaries, missing parts, odd methods and Content-Types) are sent in a
plain loop, as its WSGI transport would send them, rather than as one Hypothesis example each
through `call_and_validate`, which also rebuilt each request for `requests` and parsed each
answer for checks this module does not run; the fuzzing phase then draws EXAMPLES more. Which
cases the PostgreSQL pass leaves out, and why it misses nothing by it: above `rejected_before_sql`.
"""

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, NamedTuple

import pytest
import schemathesis
from flask import Flask, current_app
from hypothesis import HealthCheck, Phase, settings
from schemathesis import Case
from schemathesis.core.parameters import ParameterLocation
from schemathesis.generation.drivers import CoverageGenerator
from schemathesis.generation.feedback import FeedbackSources
from schemathesis.generation.meta import (
    CoveragePhaseData,
    CoverageScenario,
    content_type_probes_first,
)
from schemathesis.generation.overrides import Override
from schemathesis.pytest._test_builder import build_operation_test
from schemathesis.python._constants.orchestrator import make_constants_value_source
from schemathesis.schemas import APIOperation
from schemathesis.transport.prepare import get_exclude_headers
from schemathesis.transport.wsgi import WSGI_TRANSPORT
from sqlalchemy import Engine, event
from werkzeug.test import EnvironBuilder, run_wsgi_app

from server import create_app
from server.auth.identity import TOKEN_ROWS
from server.extensions import db
from tests.conftest import meeting_payload, model_payload, shared_layer
from tests.factories import make_device_headers, make_tree, make_user

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


def _schemathesis_officer() -> dict:
    """Make the unit tree and the commune officer's device, with a model and a meeting of theirs."""
    commune = make_tree()["commune"]
    officer = make_user("canbo", commune, ["CAN_BO_NHAP"], full_name="Lò Văn Minh")
    headers = make_device_headers(officer)
    client = current_app.test_client()
    for table, body in (("models", model_payload(commune)), ("meetings", meeting_payload(commune))):
        assert client.post(f"/api/v1/{table}", json=body, headers=headers).status_code == 201
    return {"headers": headers}


# Made once for the module's tests; each test's own changes are rolled back to it.
officer_layer = shared_layer(_schemathesis_officer)


@pytest.fixture
def officer_headers(_schemathesis_officer):
    """Return the headers of the officer, who has a model and a meeting in their lists."""
    return dict(_schemathesis_officer["headers"])


@pytest.fixture
def frozen_heap() -> Iterator[None]:
    """Keep the objects alive before the test out of the collector's scans while it runs.

    Generating and sending thousands of cases allocates enough to start many full collections,
    each rescanning the app, the document and the fixtures (~10 % of the module's CPU).
    """
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


# Reading the operations is cheap; only building an operation's examples is not.
OPERATIONS = {result.ok().label: result.ok() for result in schema.get_all_operations()}
# Values the document names (enums, examples) that generation draws on, as the plugin does.
FEEDBACK = FeedbackSources(constants_value_source=make_constants_value_source(schema))
HYPOTHESIS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    derandomize=True,
    phases=[Phase.generate],  # no shrinking: the first failure is reported
    suppress_health_check=list(HealthCheck),
)


# Invalid input the server turns away before any SQL but the token's: a method the path does not
# take, a missing parameter or body, and any value of a query, path or header parameter that
# breaks the document (request validation reads those before a route loads anything; a route
# may load its record before it reads the body, so invalid bodies are not among them, nor are
# Content-Type probes, which routes without a body ignore). Nothing of it reaches the database,
# and validation is the same code on both, so PostgreSQL cannot answer it otherwise than SQLite, and only the SQLite pass sends it: that
# pass proves, case by case, that no statement but the token's ran (`reached_sql`), and fails
# if a route starts to query before it validates. The PostgreSQL pass sends all the rest, every
# valid case and every invalid body, where values that pass validation reach SQL and PostgreSQL
# alone may fail: a NUL byte, an integer past int4/int8, a string past a column's limit, an odd
# date.
PARAMETER_CHECKS = frozenset({ParameterLocation.QUERY, ParameterLocation.PATH})
HEADER_CHECKS = frozenset(
    {
        CoverageScenario.MISSING_PARAMETER,
        CoverageScenario.INCORRECT_TYPE,
        CoverageScenario.INVALID_PATTERN,
    }
)


def rejected_before_sql(case: Case) -> bool:
    """Tell whether a coverage case is one the server refuses before any SQL but the token's."""
    meta = case._meta  # reading `case.meta` would revalidate the case
    if meta is None or not meta.generation.mode.is_negative:
        return False
    data = meta.phase.data
    if not isinstance(data, CoveragePhaseData):
        return False
    if data.scenario in (
        CoverageScenario.UNSPECIFIED_HTTP_METHOD,
        CoverageScenario.MISSING_PARAMETER,
    ):
        return True
    if data.parameter_location == ParameterLocation.HEADER:
        return data.scenario in HEADER_CHECKS
    return data.parameter_location in PARAMETER_CHECKS


def request_of(case: Case, headers: dict[str, str]) -> dict[str, Any]:
    """Return the request schemathesis's WSGI transport would send for a case."""
    request = WSGI_TRANSPORT.serialize_case(case, headers=headers)
    # A case about a missing header must go without it, although the officer's headers have it.
    for name in get_exclude_headers(case):
        request["headers"].pop(name, None)
    return request


class Answer(NamedTuple):
    """The status and body the app answered a case with."""

    status: int
    body: bytes


def failure(case: Case, answer: Answer, headers: dict[str, str], why: str) -> str:
    """Describe a failing case with its answer and a curl command that replays it."""
    return (
        f"{why}: {answer.status} on {case.method} {case.formatted_path}: "
        f"{answer.body.decode(errors='replace')}\n\n"
        f"Reproduce with:\n\n    {case.as_curl_command(headers=headers)}\n"
    )


def send(app: Flask, case: Case, request: dict[str, Any], headers: dict[str, str]) -> Answer:
    """Send a case's request to the app, as werkzeug's test client would; fail on a 5xx.

    The environ goes to the app itself: a test client would also build a request and a response
    object around it, a tenth of this module's CPU.
    """
    builder = EnvironBuilder(**request)
    try:
        environ = builder.get_environ()
    finally:
        builder.close()
    body, status, _ = run_wsgi_app(app, environ, buffered=True)
    answer = Answer(int(status.split(" ", 1)[0]), b"".join(body))
    assert answer.status < 500, failure(case, answer, headers, "server error")
    return answer


@contextmanager
def statements(engine: Engine) -> Iterator[list[str]]:
    """Collect the SQL statements sent to the database while the block runs."""
    sent: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        sent.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", record)


def reached_sql(sent: list[str], token: str) -> list[str]:
    """Return the statements beyond the token's check (its read, last-seen write, savepoints)."""
    return [
        statement
        for statement in sent
        if statement != token
        and not statement.startswith(("SAVEPOINT", "RELEASE", "ROLLBACK", "UPDATE devices"))
    ]


def coverage_cases(operation: APIOperation) -> Iterator[Case]:
    """Yield schemathesis's coverage cases of an operation in the order its plugin runs them.

    Repeated inputs are left out, and of the probes with a method the document does not declare
    for the path only OPTIONS (Flask answers it itself) and the first other one are kept: the
    router refuses every other method alike, with a 405, before any of our code runs.
    """
    generation = schema.config.generation_for(operation=operation, phase="coverage")
    generator = CoverageGenerator(
        operation=operation,
        generation_modes=generation.modes,
        generation_config=generation,
        auth_storage=None,
        override=Override(),
        feedback=FEEDBACK,
    )
    undeclared: set[str] = set()
    # The plugin attaches them as explicit examples, which Hypothesis runs last first.
    for case in reversed(content_type_probes_first(generator)):
        method = case.method.upper()
        if method != operation.method.upper() and method != "OPTIONS":
            if undeclared:
                continue
            undeclared.add(method)
        yield case


@pytest.mark.slow
@pytest.mark.timeout(120)
@pytest.mark.parametrize("operation", list(OPERATIONS))
def test_no_request_gets_a_server_error(app, operation, officer_headers, frozen_heap):
    sent: list[str] = []
    # A bug must come back as the 500 a phone would get, so the check sees and reports it.
    app.config["SWALLOW_ERRORS"] = True

    on_postgresql = db.engine.dialect.name == "postgresql"
    token = str(TOKEN_ROWS.compile(dialect=db.engine.dialect))
    seen: set[str] = set()
    with statements(db.engine) as ran:
        for case in coverage_cases(OPERATIONS[operation]):
            early = rejected_before_sql(case)
            if early and on_postgresql:
                continue  # the SQLite pass proves it database-blind
            request = request_of(case, officer_headers)
            key = repr(request)
            if key in seen:
                continue  # the same request again proves nothing new
            seen.add(key)
            sent.append(case.method)
            ran.clear()
            answer = send(app, case, request, officer_headers)
            if early:
                assert not reached_sql(ran, token), failure(
                    case,
                    answer,
                    officer_headers,
                    f"left out of the PostgreSQL pass, yet reached SQL {reached_sql(ran, token)}",
                )

    @HYPOTHESIS
    def call(case):
        sent.append(case.method)
        send(app, case, request_of(case, officer_headers), officer_headers)

    build_operation_test(
        config=schema.config,
        operation=OPERATIONS[operation],
        test_func=call,
        given_kwargs={},
        feedback=FEEDBACK,
    )()
    assert len(sent) > 1, f"schemathesis sent {len(sent)} request(s) to {operation}"
