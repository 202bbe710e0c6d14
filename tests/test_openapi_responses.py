"""Real requests and responses match what the OpenAPI document declares for them.

Every body below comes from the app itself (records, sync with changes, conflicts, tombstones,
removals and rejections, error envelopes) and is validated with a JSON Schema validator against
the operation's schema in `GET /api/v1/openapi.json` (OpenAPI 3.1: JSON Schema 2020-12).
"""

import re
import uuid

import pytest
from jsonschema import Draft202012Validator, FormatChecker

from tests.conftest import meeting_payload, model_payload

RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
FORMATS = FormatChecker(formats=())


@FORMATS.checks("date-time")
def _date_time(value) -> bool:
    return not isinstance(value, str) or bool(RFC3339.match(value))


@FORMATS.checks("date")
def _date(value) -> bool:
    return not isinstance(value, str) or bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}", value))


@FORMATS.checks("uuid")
def _uuid(value) -> bool:
    if not isinstance(value, str):
        return True
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


class Contract:
    """The served OpenAPI document, and checks of bodies against its operations."""

    def __init__(self, spec: dict):
        self.spec = spec
        self.checked: set[tuple[str, str, str]] = set()

    def _validate(self, schema: dict, body, where: str) -> None:
        root = {**schema, "components": self.spec["components"]}
        errors = sorted(
            Draft202012Validator(root, format_checker=FORMATS).iter_errors(body),
            key=lambda e: list(e.absolute_path),
        )
        assert not errors, f"{where}: " + "; ".join(
            f"{'/'.join(map(str, e.absolute_path))}: {e.message[:300]}" for e in errors[:5]
        )

    def request(self, method: str, path: str, body) -> None:
        """Check a request body against the operation's declared body."""
        op = self.spec["paths"][path][method]
        schema = op["requestBody"]["content"]["application/json"]["schema"]
        self._validate(schema, body, f"{method} {path} request")

    def response(self, method: str, path: str, response) -> None:
        """Check a test-client response against the operation's declared response."""
        op = self.spec["paths"][path][method]
        status = str(response.status_code)
        declared = op["responses"].get(status) or op["responses"]["default"]
        if "content" not in declared:
            assert not response.get_data(), f"{method} {path} {status} has an undeclared body"
            return
        [(mimetype, content)] = declared["content"].items()
        assert response.mimetype == mimetype, (method, path, status)
        self._validate(content["schema"], response.get_json(), f"{method} {path} {status}")
        self.checked.add((method, path, status))


@pytest.fixture
def contract(client) -> Contract:
    """Return the checks of the served OpenAPI document."""
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"] == "3.1.0"
    return Contract(spec)


@pytest.fixture
def call(client, contract):
    """Return a function that sends a request and checks both bodies against the document."""

    def send(method: str, path: str, template: str, headers: dict, body=None, *, valid=True):
        if valid and body is not None and "requestBody" in contract.spec["paths"][template][method]:
            contract.request(method, template, body)
        response = client.open(path, method=method.upper(), json=body, headers=headers)
        contract.response(method, template, response)
        return response

    return send


def test_record_routes_answer_as_documented(call, officer, reviewer, login, tree):
    """Records: list, create, read, partial edit, review, history, and their errors."""
    me = login("canbo")
    model = model_payload(tree["commune"])
    created = call("post", "/api/v1/models", "/api/v1/models", me, model)
    assert created.status_code == 201
    one = "/api/v1/models/{record_id}"
    path = f"/api/v1/models/{model['id']}"
    assert call("get", path, one, me).status_code == 200
    edit = {"version": 1, "name": "Tên mới"}
    assert call("patch", path, one, me, edit).status_code == 200
    stale = call("patch", path, one, me, {"version": 1, "locality": "Bản khác"})
    assert stale.status_code == 409
    review = call("post", path + "/review", one + "/review", me, {"action": "submit", "version": 2})
    assert review.status_code == 200
    assert call("get", path + "/history", one + "/history", me).status_code == 200
    listed = call("get", "/api/v1/models", "/api/v1/models", me)
    assert listed.get_json()["total"] == 1
    missing = call("get", f"/api/v1/models/{uuid.uuid4()}", one, me)
    assert missing.status_code == 404
    assert call("post", "/api/v1/models", "/api/v1/models", me, None).status_code == 400
    bad = {**model_payload(tree["commune"]), "year_registered": 1800}
    assert call("post", "/api/v1/models", "/api/v1/models", me, bad, valid=False).status_code == 422
    meeting = meeting_payload(tree["commune"], start_at="2026-09-25T08:30:45+05:00")
    made = call("post", "/api/v1/meetings", "/api/v1/meetings", me, meeting)
    assert made.status_code == 201 and made.get_json()["start_at"] == "2026-09-25T10:30"
    mpath = f"/api/v1/meetings/{meeting['id']}"
    patched = call(
        "patch", mpath, "/api/v1/meetings/{record_id}", me, {"version": 1, "end_at": None}
    )
    assert patched.status_code == 200
    assert call("get", "/api/v1/meetings", "/api/v1/meetings", me).status_code == 200


class Phone:
    """A device speaking the sync protocol by hand, every exchange checked against the document."""

    def __init__(self, call, headers: dict):
        self.call, self.headers = call, headers
        self.seq, self.cursor = 0, 0

    def sync(self, *mutations, seqs: list[int] | None = None, valid: bool = True) -> dict:
        """Send the mutations (numbered next, or as given) and return the response body."""
        numbered = []
        for i, m in enumerate(mutations):
            if seqs is None:
                self.seq += 1
            numbered.append({"seq": seqs[i] if seqs else self.seq, **m})
        body = {"protocol": 1, "schema": 1, "cursor": self.cursor, "mutations": numbered}
        response = self.call(
            "post", "/api/v1/sync", "/api/v1/sync", self.headers, body, valid=valid
        )
        answer = response.get_json()
        if response.status_code == 200:
            self.cursor = answer["cursor"]
        return answer


def _put(table: str, data: dict, base: int = 0) -> dict:
    return {"op": "put", "table": table, "base": base, "data": data}


def test_sync_exchanges_answer_as_documented(call, client, officer, admin, login, tree):
    """Sync: applied, echoed, rejected, duplicate, conflict, tombstone, removal, SEQ_GAP."""
    hamlet = {
        "code": "BAN-01",
        "name": "Bản Huồi Pủng",
        "level": "THON",
        "parent_id": tree["commune"].id,
    }
    made = call("post", "/api/v1/units", "/api/v1/units", login("quantri"), hamlet)
    assert made.status_code == 201, made.get_json()
    a = Phone(call, login("canbo", "A"))
    b = Phone(call, login("canbo", "B"))
    assert a.sync()["changes"]["units"]
    model = model_payload(tree["commune"])
    meeting = meeting_payload(tree["commune"], start_at="2026-09-25T08:30:45+05:00")
    first = a.sync(
        _put("models", model),
        _put("meetings", meeting),
        _put("models", {**model_payload(tree["commune"]), "field": "KHAC"}),
        {
            "op": "review",
            "table": "models",
            "base": 0,
            "data": {"id": str(uuid.uuid4()), "action": "submit"},
        },
        valid=False,
    )
    assert [r["status"] for r in first["results"]] == ["applied", "applied", "rejected", "rejected"]
    assert first["changes"]["meetings"][0]["start_at"] == "2026-09-25T10:30"
    again = a.sync(_put("models", model), seqs=[1])
    # Resending seq 1 alone also brings the kept outcomes of seqs 2-4 (§4.2).
    assert again["results"] == [{**r, "duplicate": True} for r in first["results"]]
    b.sync()
    assert b.sync(_put("models", {"id": model["id"], "name": "Tên của B"}, base=1))["results"]
    clash = a.sync(_put("models", {"id": model["id"], "name": "Tên của A"}, base=1))
    assert clash["results"][0]["status"] == "conflict"
    assert clash["changes"]["conflicts"] and clash["changes"]["models"]
    a.sync({"op": "delete", "table": "meetings", "base": 1, "data": {"id": meeting["id"]}})
    tomb = b.sync()
    assert tomb["changes"]["meetings"] == [{"id": meeting["id"], "version": 2, "deleted": True}]
    moved = client.patch(
        f"/api/v1/models/{model['id']}",
        json={
            "version": 2,
            "owner_unit_id": tree["sibling"].id,
            "commune_unit_id": tree["sibling"].id,
        },
        headers=login("quantri"),
    )
    assert moved.status_code == 200, moved.get_json()
    assert a.sync()["changes"]["removed"]["models"] == [model["id"]]
    gap = a.sync(
        {"op": "delete", "table": "models", "base": 0, "data": {"id": model["id"]}}, seqs=[99]
    )
    assert gap["error"]["code"] == "SEQ_GAP"
    resolve = {
        "op": "resolve",
        "table": "conflicts",
        "base": 0,
        "data": {"id": str(uuid.uuid4()), "resolution": "KEEP_KEPT"},
    }
    assert a.sync(resolve)["results"][0]["status"] == "rejected"


def test_envelope_errors_answer_as_documented(call, officer, login):
    """A refused sync request is the error envelope the document declares, and so is a 401."""
    headers = login("canbo")
    bad = {"protocol": 1, "schema": 1, "cursor": -1, "mutations": []}
    with pytest.raises(AssertionError):
        call("post", "/api/v1/sync", "/api/v1/sync", headers, bad)  # the document refuses it
    refused = call("post", "/api/v1/sync", "/api/v1/sync", headers, bad, valid=False)
    assert refused.status_code == 422
    assert call("post", "/api/v1/sync", "/api/v1/sync", headers, None).status_code == 400
    assert call("post", "/api/v1/sync", "/api/v1/sync", {}, None).status_code == 401


def test_record_schema_route_is_documented(call):
    response = call("get", "/api/v1/schema", "/api/v1/schema", {})
    assert response.status_code == 200
    Draft202012Validator.check_schema(response.get_json())


def test_every_component_is_valid_json_schema(contract):
    for schema in contract.spec["components"]["schemas"].values():
        Draft202012Validator.check_schema(schema)


def test_patch_bodies_are_partial_and_need_the_version(contract):
    """A PATCH names only the fields it changes, with the version it is based on."""
    for path, shape in [
        ("/api/v1/models/{record_id}", "Model"),
        ("/api/v1/meetings/{record_id}", "Meeting"),
    ]:
        body = contract.spec["paths"][path]["patch"]["requestBody"]["content"]["application/json"]
        assert body["schema"] == {"$ref": f"#/components/schemas/{shape}Patch"}
        contract.request("patch", path, {"version": 3, "notes": "Ghi chú"})
        with pytest.raises(AssertionError):
            contract.request("patch", path, {"notes": "Ghi chú"})
