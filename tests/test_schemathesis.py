"""Schemathesis sends what the OpenAPI document allows, and more, to every operation: no 5xx.

The document is the one the app serves at /api/v1/openapi.json; requests go through the WSGI
app in this process (no network), signed in as a commune officer, with a record of each kind in
the lists and reports. Examples, valid and invalid, are derandomized and bounded per operation
(~26 s of CPU for the whole document on SQLite, which generates them, ~19 s on PostgreSQL,
which reads them back), so a run finds the same things every time; a failing example prints
with a curl command that reproduces it.

Requests go where an attacker holding the officer's token would send them (`aim`): at the
officer's own record of the table and into the officer's commune, so that bodies are read
against a real record and valid ones reach the services and write; a case about an id or a unit
keeps its generated value. Each operation proves the reach (`must_reach`): a generated id alone
would stop nearly every request at a 404 or the scope check.

Each operation's examples are built when its test runs, not when pytest collects: schemathesis's
own pytest integration builds them at collection, in every parallel worker of both passes
(~8 s of CPU each), although one worker runs them. Its coverage cases (a wrong type for each
parameter and field, boundaries, missing parts, odd methods and Content-Types) are sent in a
plain loop, as its WSGI transport would send them, rather than as one Hypothesis example each
through `call_and_validate`, which also rebuilt each request for `requests` and parsed each
answer for checks this module does not run; the fuzzing phase then draws EXAMPLES more. Which
cases the PostgreSQL pass leaves out, and why it misses nothing by it: above `rejected_before_sql`.
The generated requests of each operation are kept after the first pass and read by the second
(`planned_requests`, above `CACHE`): generating them is most of a pass's CPU.
"""

import base64
import gc
import hashlib
import json
import os
import re
import shutil
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import urlencode

import hypothesis
import pytest
import schemathesis
from flask import Flask, current_app
from hypothesis import HealthCheck, Phase, settings
from schemathesis import Case
from schemathesis.core import SCHEMATHESIS_TEST_CASE_HEADER, curl
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
from tests.factories import (
    inspection_payload,
    make_device_headers,
    make_tree,
    make_user,
    recognition_payload,
)

EXAMPLES = 12  # per operation: ~35 operations stay within a minute on SQLite and PostgreSQL


def served_document() -> dict:
    """Return the document the app serves (writing it needs no database)."""
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x"})
    response = app.test_client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.get_json()
    # The app lists a path's parameters in the order of a set (werkzeug's rule arguments), which
    # changes with each process's hash seed; generation follows that order, so it is fixed here:
    # path parameters as the path names them, then the others.
    for path, operations in document["paths"].items():
        for operation in operations.values():
            operation["parameters"].sort(
                key=lambda p: path.find(f"{{{p['name']}}}") if p["in"] == "path" else len(path)
            )
    return document


# Operations are collected from the served document; each test then calls its own app, bound
# to the test database, through WSGI. (schemathesis.pytest.from_fixture would load the document
# from the app fixture, but its loader relies on a pytest internal that pytest 9 removed.)
DOCUMENT = served_document()
schema = schemathesis.openapi.from_dict(DOCUMENT)


# A criteria set of the commune's (the officer evaluates their model against it): the least a
# set may be, one criterion and a pass mark.
CRITERIA_SET = {
    "name": "Bộ tiêu chí đánh giá mô hình Dân vận khéo của xã",
    "doc_number": "12-HD/BCĐ",
    "doc_date": "2024-01-15",
    "applies_to": ["MO_HINH"],
    "allow_self": True,
    "period": "GD_2021_2025",
    "criteria": [{"order": 1, "code": "TC1", "text": "Có tên, địa chỉ cụ thể", "max_points": 100}],
    "thresholds": {"XUAT_SAC": 90, "TOT": 80, "KHA": 65, "DAT": 50},
}


def _schemathesis_officer() -> dict:
    """Make the unit tree and the commune officer's device, with a record of theirs per table."""
    commune = make_tree()["commune"]
    officer = make_user("canbo", commune, ["CAN_BO_NHAP"], full_name="Lò Văn Minh")
    headers = make_device_headers(officer)
    reviewer = make_device_headers(make_user("lanhdao", commune, ["LANH_DAO_DUYET"]))
    client = current_app.test_client()

    def made(path: str, body: dict, by: dict[str, str] = headers) -> str:
        response = client.post(f"/api/v1/{path}", json=body, headers=by)
        assert response.status_code == 201, response.get_json()
        return response.get_json()["id"]

    model = made("models", model_payload(commune))
    criteria_set = made("criteria-sets", {**CRITERIA_SET, "issuer_unit_id": commune.id}, reviewer)
    evaluation = {
        "id": str(uuid.uuid4()),
        "owner_unit_id": commune.id,
        "model_id": model,
        "set_id": criteria_set,
        "eval_date": "2024-11-20",
        "evaluator_name": "Hội đồng bình xét xã",
        "scores": [{"code": "TC1", "points": 80}],
        "proposal": "DE_NGHI_CONG_NHAN",
    }
    records = {
        "models": model,
        "meetings": made("meetings", meeting_payload(commune)),
        "recognitions": made("recognitions", recognition_payload(model, commune)),
        "inspections": made("inspections", inspection_payload(commune, [commune])),
        "evaluations": made("evaluations", evaluation),
        "criteria-sets": criteria_set,
    }
    return {"headers": headers, "unit_id": commune.id, "records": records}


# Made once for the module's tests; each test's own changes are rolled back to it.
officer_layer = shared_layer(_schemathesis_officer)


@pytest.fixture
def officer(_schemathesis_officer: dict) -> dict:
    """Return the officer's headers, commune id and the id of their record of each table."""
    return _schemathesis_officer


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
# and validation is the same code on both, so PostgreSQL cannot answer it otherwise than SQLite,
# and only the SQLite pass sends it: that
# pass proves, case by case, that no statement but the token's ran (`reached_sql`), and fails
# if a route starts to query before it validates. The PostgreSQL pass sends all the rest, every
# valid case and every invalid body, where values that pass validation reach SQL and PostgreSQL
# alone may fail: a NUL byte, an integer past int4/int8, a string past a column's limit, an odd
# date. Aimed at the officer's own record, a header or query case would find the record if it
# got past validation; it does not (the recorder says so), and a case about the path keeps its
# generated id.
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


# Generated requests name the officer by placeholders, filled with the pass's own values when
# sent: the token, the officer's record of a table (in paths) and their commune (in bodies).
TOKEN = "Bearer sotay-officer-token"
PLACEHOLDER_HEADERS = {"Authorization": TOKEN}
RECORD = "sotay-record-{}"
UNIT = 1_987_654_321  # a valid unit id that generation is most unlikely to draw itself
UNIT_TEXT = re.compile(r"(?<![\d.])1987654321(?![\d.])")
INT4 = 2**31 - 1
PERIOD = re.compile(r"^GD_\d{4}_\d{4}$")
MINUTE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$")
UUID = re.compile(r"^[0-9a-fA-F]{8}-?([0-9a-fA-F]{4}-?){3}[0-9a-fA-F]{12}$")
# Body fields that name a record of the officer's, and the table of it.
REFERENCES = {
    "model_id": "models",
    "subject_model_id": "models",
    "event_meeting_id": "meetings",
    "set_id": "criteria-sets",
}


def aimed(name: str, value: Any) -> Any:
    """Return the officer's unit or record for a valid unit id or reference, else the value."""
    if name.endswith("unit_id") and type(value) is int and 1 <= value <= INT4:
        return UNIT
    if name in REFERENCES and isinstance(value, str) and UUID.match(value):
        return RECORD.format(REFERENCES[name])
    return value


def aim(case: Case) -> None:
    """Point a case at the officer's own record and commune, unless the case is about them.

    Generated ids (0, 1, past int8) find no record, so the route answers 404 before it reads the
    body, and a generated unit or referenced record lies outside the officer's scope: the body
    would never reach validation against a real record, nor a service. Values a case is about
    stay as generated: a coverage case on a path parameter or a body field, a fuzzing case with
    invalid path parameters, and any unit id or reference that is not a valid one.
    """
    meta = case._meta
    data = meta.phase.data if meta is not None else None
    if isinstance(data, CoveragePhaseData):
        on_path = data.parameter_location == ParameterLocation.PATH
        subjects = {data.parameter} if on_path else set()
        pointer = data.location or ""
    else:
        parts = (meta.components if meta is not None else None) or {}
        path = parts.get(ParameterLocation.PATH)
        subjects = set(case.path_parameters or ()) if path and path.mode.is_negative else set()
        pointer = ""
    params = case.path_parameters or {}
    if "record_id" in params:
        table = "models" if "table" in params else case.operation.path.split("/")[3]
        ours = {"record_id": RECORD.format(table), "table": table}
        case.path_parameters = {
            name: value if name in subjects else ours[name] for name, value in params.items()
        }
    if isinstance(case.body, dict):
        case.body = {
            name: value if f"/properties/{name}/" in pointer else aimed(name, value)
            for name, value in case.body.items()
        }
        year, period = case.body.get("year_registered"), case.body.get("period")
        if (
            type(year) is int
            and 2000 <= year <= 2100
            and isinstance(period, str)
            and PERIOD.match(period)
            and "/properties/year_registered/" not in pointer
            and "/properties/period/" not in pointer
        ):
            # A valid year and a valid period rarely agree (server/records/plausible.py).
            first = year - (year - 2001) % 5
            case.body["period"] = f"GD_{first}_{first + 4}"
        if isinstance(case.body.get("scores"), list) and "/properties/scores/" not in pointer:
            # Generated scores never name the criteria of the officer's set (one: TC1).
            case.body["scores"] = [{"code": "TC1", "points": 80}]
        start = case.body.get("start_at")
        if isinstance(start, str) and MINUTE.match(start) and "/start_at/" not in pointer:
            # The document's pattern admits month 00 and hour 99; the server wants a real time.
            case.body["start_at"] = "2024-08-12T08:00"


def request_of(case: Case, headers: dict[str, str]) -> dict[str, Any]:
    """Return the request schemathesis's WSGI transport would send for a case."""
    request = WSGI_TRANSPORT.serialize_case(case, headers=headers)
    # A case about a missing header must go without it, although the officer's headers have it.
    for name in get_exclude_headers(case):
        request["headers"].pop(name, None)
    return request


class Planned(NamedTuple):
    """A generated request, naming the officer by placeholders."""

    method: str
    request: dict[str, Any]
    early: bool  # left out of the PostgreSQL pass: `rejected_before_sql`
    coverage: bool  # repeated coverage requests are sent once


def plan(case: Case, *, coverage: bool) -> Planned:
    """Aim a case at the officer and keep what sending and reporting it need."""
    aim(case)
    return Planned(
        case.method, request_of(case, PLACEHOLDER_HEADERS), rejected_before_sql(case), coverage
    )


def sameness(request: dict[str, Any]) -> str:
    """Return what tells a request from another: all of it but schemathesis's random case id."""
    headers = {k: v for k, v in request["headers"].items() if k != SCHEMATHESIS_TEST_CASE_HEADER}
    return repr({**request, "headers": headers})


def curl_of(request: dict[str, Any]) -> str:
    """Return a curl command that sends a request to the app served on localhost."""
    query = urlencode(request.get("query_string") or {}, doseq=True)
    body = request.get("data")
    if request.get("json") is not None:
        body = json.dumps(request["json"])
    return curl.generate(
        method=request["method"],
        url=f"http://localhost{request['path']}" + (f"?{query}" if query else ""),
        body=body,
        verify=True,
        headers=dict(request["headers"]),
        known_generated_headers={},
    ).command


class Filler:
    """Put the officer's values of this pass in place of a planned request's placeholders."""

    def __init__(self, officer: dict) -> None:
        self.unit = officer["unit_id"]
        self.text = {TOKEN: officer["headers"]["Authorization"]} | {
            RECORD.format(table): record_id for table, record_id in officer["records"].items()
        }

    def __call__(self, value: Any) -> Any:
        """Return a copy of a request (or part of it) with the officer's values in it."""
        if isinstance(value, str):
            return self.fill_text(value)
        if isinstance(value, bytes):
            # Serialized bodies are JSON or form text; a placeholder is ASCII in any of them.
            return self.fill_text(value.decode("latin-1")).encode("latin-1")
        if type(value) is int:
            return self.unit if value == UNIT else value
        if isinstance(value, dict):
            return {key: self(item) for key, item in value.items()}
        if isinstance(value, list | tuple):
            return type(value)(self(item) for item in value)
        return value

    def fill_text(self, value: str) -> str:
        """Replace the placeholders in a string or serialized text."""
        if "sotay-" in value:
            for placeholder, real in self.text.items():
                value = value.replace(placeholder, real)
        if "1987654321" in value:
            value = UNIT_TEXT.sub(str(self.unit), value)
        return value


class Answer(NamedTuple):
    """The status and body the app answered a request with."""

    status: int
    body: bytes


def failure(planned: Planned, answer: Answer, fill: Filler, why: str) -> str:
    """Describe a failing request with its answer and a curl command that replays it."""
    return (
        f"{why}: {answer.status} on {planned.method} {fill(planned.request['path'])}: "
        f"{answer.body.decode(errors='replace')}\n\n"
        f"Reproduce with:\n\n    {curl_of(fill(planned.request))}\n"
    )


def send(app: Flask, planned: Planned, fill: Filler) -> Answer:
    """Send a planned request to the app, as werkzeug's test client would; fail on a 5xx.

    The environ goes to the app itself: a test client would also build a request and a response
    object around it, a tenth of this module's CPU.
    """
    builder = EnvironBuilder(**fill(planned.request))
    try:
        environ = builder.get_environ()
    finally:
        builder.close()
    body, status, _ = run_wsgi_app(app, environ, buffered=True)
    answer = Answer(int(status.split(" ", 1)[0]), b"".join(body))
    assert answer.status < 500, failure(planned, answer, fill, "server error")
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


def generate(operation: APIOperation) -> list[Planned]:
    """Plan an operation's coverage cases, then its fuzzing phase's EXAMPLES."""
    planned = [plan(case, coverage=True) for case in coverage_cases(operation)]

    @HYPOTHESIS
    def call(case: Case) -> None:
        planned.append(plan(case, coverage=False))

    build_operation_test(
        config=schema.config,
        operation=operation,
        test_func=call,
        given_kwargs={},
        feedback=FEEDBACK,
    )()
    return planned


# Both passes send the same derandomized requests, so the first keeps each operation's and the
# second reads them: a directory per document, library versions, EXAMPLES and this module's text
# (any change to one generates anew), a file per operation. JSON rather than pickle: the system
# temp directory is shared, and reading JSON runs nothing. Parallel workers never share an
# operation (one module goes to one worker); two runs may, and a file appears whole or not at all.
CACHE = Path(tempfile.gettempdir()) / (
    "sotay-schemathesis-"
    + hashlib.sha256(
        "\0".join(
            (
                json.dumps(DOCUMENT, sort_keys=True),
                schemathesis.__version__,
                hypothesis.__version__,
                str(EXAMPLES),
                Path(__file__).read_text(encoding="utf-8"),
            )
        ).encode()
    ).hexdigest()[:24]
)


def cache_file(operation: str, directory: Path = CACHE) -> Path:
    """Return the file that keeps an operation's planned requests."""
    return directory / (hashlib.sha256(operation.encode()).hexdigest()[:32] + ".json")


def store(path: Path, planned: list[Planned]) -> None:
    """Write planned requests to a file atomically; a cache that cannot be written is skipped."""
    rows = [
        (
            item.method,
            {key: value for key, value in item.request.items() if key != "data"},
            base64.b64encode(item.request["data"]).decode() if "data" in item.request else None,
            item.early,
            item.coverage,
        )
        for item in planned
    ]
    try:
        if not path.parent.exists():
            prune(path.parent)
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        try:
            with os.fdopen(handle, "w", encoding="ascii") as file:
                file.write(json.dumps(rows))  # dump would encode piece by piece in Python
            os.replace(temporary, path)
        finally:
            Path(temporary).unlink(missing_ok=True)
    except OSError:
        pass  # the next pass generates again


def prune(directory: Path, days: float = 1) -> None:
    """Remove what earlier versions of the module kept, unused for some days."""
    stale = time.time() - days * 86400
    for other in directory.parent.glob("sotay-schemathesis-*"):
        if other != directory and other.stat().st_mtime < stale:
            shutil.rmtree(other, ignore_errors=True)


def load(path: Path) -> list[Planned] | None:
    """Read planned requests back; None when the file is missing or unreadable."""
    try:
        with path.open(encoding="ascii") as file:
            rows = json.load(file)
        return [
            Planned(
                method,
                request if data is None else {**request, "data": base64.b64decode(data)},
                early,
                coverage,
            )
            for method, request, data, early, coverage in rows
        ]
    except (OSError, ValueError, TypeError):
        return None


def planned_requests(operation: str, directory: Path = CACHE) -> list[Planned]:
    """Return an operation's planned requests, as an earlier pass kept them or generated now."""
    path = cache_file(operation, directory)
    planned = load(path)
    if planned is None:
        planned = generate(OPERATIONS[operation])
        store(path, planned)
    return planned


# Answers that a request turned away before the service (by the token, the scope, a missing
# record, a malformed request or the router) gets.
REFUSED = frozenset({400, 401, 403, 404, 405, 422})
# Proof of reach: each operation on the officer's records answers at least once otherwise, and
# creating a record succeeds at least once.
CREATED = frozenset(
    f"POST /api/v1/{table}"
    for table in ("models", "meetings", "inspections", "recognitions", "evaluations")
)


def must_reach(operation: str) -> bool:
    """Tell whether an operation must answer some request with more than a refusal."""
    return "{record_id}" in operation or operation in CREATED


@pytest.mark.slow
@pytest.mark.timeout(120)
@pytest.mark.parametrize("operation", list(OPERATIONS))
def test_no_request_gets_a_server_error(app, operation, officer, frozen_heap):
    # A bug must come back as the 500 a phone would get, so the check sees and reports it.
    app.config["SWALLOW_ERRORS"] = True

    on_postgresql = db.engine.dialect.name == "postgresql"
    token = str(TOKEN_ROWS.compile(dialect=db.engine.dialect))
    fill = Filler(officer)
    method = operation.split(" ", 1)[0]
    seen: set[str] = set()
    sent = 0
    answered: set[int] = set()  # to requests with the operation's own method
    with statements(db.engine) as ran:
        for planned in planned_requests(operation):
            if planned.early and on_postgresql:
                continue  # the SQLite pass proves it database-blind
            if planned.coverage:
                key = sameness(planned.request)
                if key in seen:
                    continue  # the same request again proves nothing new
                seen.add(key)
            ran.clear()
            answer = send(app, planned, fill)
            sent += 1
            if planned.method.upper() == method:
                answered.add(answer.status)
            if planned.early:
                assert not reached_sql(ran, token), failure(
                    planned,
                    answer,
                    fill,
                    f"left out of the PostgreSQL pass, yet reached SQL {reached_sql(ran, token)}",
                )
    assert sent > 1, f"schemathesis sent {sent} request(s) to {operation}"
    if operation in CREATED:
        assert 201 in answered, f"{operation} created nothing: it answered {sorted(answered)}"
    if must_reach(operation):
        assert answered - REFUSED, f"{operation} reached no record: it answered {sorted(answered)}"


@pytest.mark.no_database  # nothing of it differs on PostgreSQL
def test_kept_requests_are_the_generated_ones(tmp_path):
    """The second pass, reading what the first kept, sends what generating anew would."""
    # Schemathesis probes a path's undeclared methods once a process, with its first operation;
    # each generation here starts as that first one, and the run's own record is put back.
    probed = schema.coverage_unexpected_methods_seen
    before = set(probed)
    every: list[Planned] = []
    try:
        for operation in (
            "DELETE /api/v1/models/{record_id}",
            "GET /api/v1/records/{table}/{record_id}/files.zip",
        ):
            probed.clear()
            first = planned_requests(operation, tmp_path)
            assert cache_file(operation, tmp_path).exists()
            kept = planned_requests(operation, tmp_path)
            assert kept == first  # read back as written, case ids too
            probed.clear()
            fresh = generate(OPERATIONS[operation])
            assert [sameness(item.request) for item in kept] == [
                sameness(item.request) for item in fresh
            ]
            assert [item[:1] + item[2:] for item in kept] == [item[:1] + item[2:] for item in fresh]
            every += kept
    finally:
        probed.clear()
        probed.update(before)
    assert any(item.early for item in every)
    assert any("data" in item.request for item in every)  # bytes, stored as base64
    assert any(item.method == "TRACE" for item in every)
    assert any(RECORD.format("models") in item.request["path"] for item in every)
    # A new version's first write removes what versions unused for a day kept.
    stale, recent = tmp_path / "sotay-schemathesis-a", tmp_path / "sotay-schemathesis-b"
    for directory in (stale, recent):
        directory.mkdir()
    os.utime(stale, (0, 0))
    store(cache_file("GET /healthz", tmp_path / "sotay-schemathesis-c"), every[:1])
    assert not stale.exists() and recent.exists()
    assert load(cache_file("GET /healthz", tmp_path / "sotay-schemathesis-c")) == every[:1]
