"""An evaluation pushed while its criteria set is edited never names a version that changed
after it was scored (PROTOCOL.md §3.5). Real gunicorn, two workers, SQLite or PostgreSQL: the
push holds the set's row shared while it checks the scores, the edit holds it exclusively while
it looks for evaluations, so one of them goes first whole."""

import json
import threading
import types
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from bench.live import (
    LIVE_PASSWORD,
    LiveServer,
    live_database_url,
    prepare_database,
)
from tests.conftest import model_payload

pytestmark = pytest.mark.slow

UNITS = [
    ("TW", "Trung ương", "TRUNG_UONG", None),
    ("40", "Tỉnh Nghệ An", "TINH", "TW"),
    ("17000", "Xã Nậm Cắn", "XA", "40"),
]
ROUNDS = 6
CRITERIA = [
    {"order": 1, "code": "TC1", "text": "Cụ thể", "max_points": 30},
    {"order": 2, "code": "TC2", "text": "Huy động lực lượng", "max_points": 40},
    {"order": 3, "code": "TC3", "text": "Bền vững", "max_points": 30},
]
SET = {
    "name": "Bộ tiêu chí",
    "applies_to": ["MO_HINH"],
    "criteria": CRITERIA,
    "thresholds": {"XUAT_SAC": 90, "TOT": 80, "KHA": 65, "DAT": 50},
}


def call(url: str, method: str, path: str, token: str | None, body: object) -> tuple[int, dict]:
    """Send one JSON request; return the status and the decoded answer."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url + path, data=data, method=method)
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    """Start gunicorn on a migrated database with a province reviewer and a province officer."""
    tmp = tmp_path_factory.mktemp("criteria-race")
    url = live_database_url(tmp)
    users = [("lanhdao", "40", "LANH_DAO_DUYET"), ("canbo", "40", "CAN_BO_NHAP")]
    units = prepare_database(url, UNITS, users)
    server = LiveServer(url, tmp / "gunicorn.log", workers=2)
    try:
        server.start()
        tokens = {}
        for name in ("lanhdao", "canbo"):
            status, body = call(
                server.url,
                "POST",
                "/api/v1/auth/login",
                None,
                {"username": name, "password": LIVE_PASSWORD, "device_name": name},
            )
            assert status == 201, body
            tokens[name] = body["token"]
        yield types.SimpleNamespace(server=server, units=units, tokens=tokens)
    finally:
        server.stop()


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_a_set_edited_while_an_evaluation_arrives_keeps_what_was_scored(live, round_):
    """Either the edit makes version 2 and the evaluation keeps version 1 as scored, or the edit
    goes first in place and the evaluation is refused for the criterion it did not score."""
    url, tokens = live.server.url, live.tokens
    status, issued = call(
        url, "POST", "/api/v1/criteria-sets", tokens["lanhdao"],
        {**SET, "issuer_unit_id": live.units["40"]},
    )  # fmt: skip
    assert status == 201, issued
    model = model_payload(types.SimpleNamespace(id=live.units["17000"]))
    status, body = call(url, "POST", "/api/v1/models", tokens["canbo"], model)
    assert status == 201, body
    evaluation = {
        "id": str(uuid.uuid4()),
        "owner_unit_id": live.units["40"],
        "model_id": model["id"],
        "set_id": issued["id"],
        "eval_date": "2026-11-20",
        "scores": [{"code": c["code"], "points": 20} for c in CRITERIA],
    }
    push = {
        "protocol": 1,
        "schema": 2,
        "cursor": 0,
        "limit": 1,
        "mutations": [{"seq": round_ + 1, "op": "put", "table": "evaluations", "data": evaluation}],
    }
    edit = {
        **SET,
        "criteria": [*CRITERIA, {"order": 4, "code": "TC4", "text": "Mới", "max_points": 10}],
        "version_no": 1,
    }
    barrier = threading.Barrier(2)

    def run(method: str, path: str, token: str, body: dict) -> tuple[int, dict]:
        barrier.wait(timeout=30)
        return call(url, method, path, token, body)

    with ThreadPoolExecutor(max_workers=2) as pool:
        pushed = pool.submit(run, "POST", "/api/v1/sync", tokens["canbo"], push)
        edited = pool.submit(
            run, "PUT", f"/api/v1/criteria-sets/{issued['id']}", tokens["lanhdao"], edit
        )
        (push_status, push_body), (edit_status, edit_body) = pushed.result(), edited.result()
    assert (push_status, edit_status) == (200, 200), (push_body, edit_body)
    result = push_body["results"][0]
    path = f"/api/v1/criteria-sets/{issued['id']}"
    status, first = call(url, "GET", path, tokens["canbo"], None)
    codes = [c["code"] for c in first["criteria"]]
    if result["status"] == "applied":
        # The evaluation went first: the edit made version 2, version 1 is as it was scored.
        assert edit_body["version_no"] == 2 and edit_body["id"] != issued["id"]
        assert codes == ["TC1", "TC2", "TC3"]
        assert first["superseded_by_id"] == edit_body["id"]
    else:
        # The edit went first, in place: the evaluation misses the new criterion.
        assert (result["status"], result["code"]) == ("rejected", "VALIDATION_FAILED"), result
        assert result["details"]["codes"] == {"scores": "CRITERION_NOT_SCORED"}
        assert edit_body["id"] == issued["id"] and codes == ["TC1", "TC2", "TC3", "TC4"]
