"""Every class of bad input gets its stable error code, and none of it reaches a 500."""

import copy
import gzip
import json
import uuid

import pytest
from flask import current_app
from sqlalchemy import func, select

from server.extensions import db
from server.models import AuditEvent, Meeting, ModelRecord, Unit, User
from tests.conftest import meeting_payload, model_payload, shared_layer
from tests.factories import make_device_headers, make_tree, make_user

UNKNOWN_ID = "00000000-0000-4000-8000-000000000000"


def _bad_input_officer() -> dict:
    """Make the small unit tree, the commune officer and the officer's device."""
    tree = make_tree()
    officer = make_user("canbo", tree["commune"], ["CAN_BO_NHAP"], full_name="Lò Văn Minh")
    return {
        "units": {place: unit.id for place, unit in tree.items()},
        "officer": officer.id,
        "headers": make_device_headers(officer),
    }


# The tree, the officer, its device and its model are made once for the tests in a row that ask
# for them; each test rolls back to them.
officer_layer = shared_layer(_bad_input_officer)


@pytest.fixture
def tree(_bad_input_officer):
    """Return the shared small unit tree."""
    ids = _bad_input_officer["units"]
    found = {u.id: u for u in db.session.scalars(select(Unit).where(Unit.id.in_(ids.values())))}
    return {place: found[unit_id] for place, unit_id in ids.items()}


@pytest.fixture
def officer(_bad_input_officer):
    """Return the shared field officer of the commune."""
    return db.session.get(User, _bad_input_officer["officer"])


@pytest.fixture
def headers(_bad_input_officer):
    """Return the commune officer's headers."""
    return _bad_input_officer["headers"]


@pytest.fixture
def admin_headers(admin, auth_headers):
    """Return the administrator's headers."""
    return auth_headers(admin)


def _bad_input_model(world: dict) -> dict:
    """Create a model as the officer and return its JSON."""
    commune = db.session.get(Unit, world["units"]["commune"])
    response = current_app.test_client().post(
        "/api/v1/models", json=model_payload(commune), headers=world["headers"]
    )
    assert response.status_code == 201
    return response.get_json()


model_layer = shared_layer(_bad_input_model, below=officer_layer)


@pytest.fixture
def model(_bad_input_model):
    """Return the JSON of the officer's shared model."""
    return copy.deepcopy(_bad_input_model)


@pytest.fixture
def meeting(client, tree, headers):
    """Create a meeting as the officer and return its JSON."""
    body = meeting_payload(tree["commune"])
    response = client.post("/api/v1/meetings", json=body, headers=headers)
    assert response.status_code == 201
    return response.get_json()


def error(response) -> dict:
    """Return the error object of an error response."""
    return response.get_json()["error"]


def fields_of(response) -> dict:
    """Return the per-field messages of a VALIDATION_FAILED response."""
    assert response.status_code == 422, response.get_json()
    body = error(response)
    assert body["code"] == "VALIDATION_FAILED"
    return body["details"]["fields"]


def row_counts() -> tuple[int, int, int]:
    """Count models, meetings and audit events."""
    return tuple(
        db.session.scalar(select(func.count()).select_from(m))
        for m in (ModelRecord, Meeting, AuditEvent)
    )


# --- Malformed JSON ---------------------------------------------------------------------------

MALFORMED = {
    "truncated": b'{"name": "Kh',
    "empty": b"",
    "single quotes": b"{'name': 'x'}",
    "trailing comma": b'{"name": "x",}',
    "not utf-8": b'{"name": "\xff\xfe"}',
    "bare word": b"hello",
    "deep nesting": b"[" * 200_000,
}


def json_endpoints(record_id: str, unit_id: int) -> list[tuple[str, str]]:
    """List every endpoint that reads a JSON body."""
    return [
        ("POST", "/api/v1/auth/login"),
        ("POST", "/api/v1/models"),
        ("PATCH", f"/api/v1/models/{record_id}"),
        ("DELETE", f"/api/v1/models/{record_id}"),
        ("POST", f"/api/v1/models/{record_id}/review"),
        ("POST", "/api/v1/meetings"),
        ("POST", "/api/v1/units"),
        ("PATCH", f"/api/v1/units/{unit_id}"),
    ]


ENDPOINT_IDS = [
    "login",
    "create model",
    "edit model",
    "delete model",
    "review model",
    "create meeting",
    "create unit",
    "edit unit",
]


@pytest.mark.parametrize("index", range(len(ENDPOINT_IDS)), ids=ENDPOINT_IDS)
@pytest.mark.parametrize("body", MALFORMED.values(), ids=MALFORMED.keys())
def test_malformed_json_is_400(client, tree, model, admin_headers, index, body):
    method, url = json_endpoints(model["id"], tree["province"].id)[index]
    response = client.open(
        url,
        method=method,
        data=body,
        content_type="application/json",
        headers=admin_headers,
    )
    assert response.status_code == 400
    assert error(response)["code"] == "MALFORMED_JSON"


def test_malformed_json_writes_nothing(client, model, headers):
    before = row_counts()
    client.post("/api/v1/models", data=b"{", content_type="application/json", headers=headers)
    assert row_counts() == before


@pytest.mark.parametrize("body", [[], [1, 2], "chuỗi", 1, None, True])
def test_non_object_json_is_422(client, headers, body):
    response = client.post("/api/v1/models", data=json.dumps(body), headers=headers)
    assert "_schema" in fields_of(response)


# --- Missing, mistyped, unknown fields ---------------------------------------------------------

REQUIRED_MODEL = [
    "owner_unit_id",
    "kind",
    "subject_type",
    "name",
    "field",
    "commune_unit_id",
    "locality",
    "start_date",
    "status",
    "period",
    "year_registered",
    "objective",
    "method",
]


@pytest.mark.parametrize("missing", REQUIRED_MODEL)
def test_missing_model_field_is_named(client, tree, headers, missing):
    body = model_payload(tree["commune"])
    del body[missing]
    assert fields_of(client.post("/api/v1/models", json=body, headers=headers)) == {
        missing: ["Trường bắt buộc (*)"]
    }


@pytest.mark.parametrize(
    "missing", ["type", "title", "format", "organizer_unit_id", "start_at", "location"]
)
def test_missing_meeting_field_is_named(client, tree, headers, missing):
    body = meeting_payload(tree["commune"])
    del body[missing]
    assert missing in fields_of(client.post("/api/v1/meetings", json=body, headers=headers))


def test_every_missing_field_is_listed(client, headers):
    fields = fields_of(client.post("/api/v1/models", json={}, headers=headers))
    assert set(REQUIRED_MODEL) <= set(fields)


WRONG_TYPES = [
    ("name", 123, "Phải là chuỗi ký tự", "Not a valid string."),
    ("year_registered", "năm nay", "Phải là số nguyên", "Not a valid integer."),
    ("year_registered", 2024.5, "Phải là số nguyên", "Not a valid integer."),
    ("year_registered", True, "Phải là số nguyên", "Not a valid integer."),
    ("owner_unit_id", "17000", None, None),
    ("start_date", "01/03/2024", "Ngày không hợp lệ (yyyy-mm-dd)", "Not a valid date."),
    ("start_date", "2024-02-30", "Ngày không hợp lệ (yyyy-mm-dd)", "Not a valid date."),
    ("metrics", "nhiều", "Phải là danh sách", "Not a valid list."),
    ("topic_tags", {"a": 1}, "Phải là danh sách", "Not a valid list."),
    (
        "id",
        "khong-phai-uuid",
        "Mã định danh phải là UUID viết thường dạng 8-4-4-4-12, khác UUID rỗng",
        "Must be a UUID in lower case, 8-4-4-4-12 hex digits, and not nil.",
    ),
    ("name", None, "Không được để trống", "Field may not be null."),
    ("geo_lat", "vĩ độ", "Phải là số", "Not a valid number."),
]


@pytest.mark.parametrize(("field", "value", "vi", "en"), WRONG_TYPES)
def test_wrong_type_is_named_in_vietnamese(client, tree, headers, field, value, vi, en):
    body = model_payload(tree["commune"], **{field: value})
    fields = fields_of(client.post("/api/v1/models", json=body, headers=headers))
    assert field in fields
    if vi:
        assert fields[field] == [vi]


@pytest.mark.parametrize(("field", "value", "vi", "en"), WRONG_TYPES)
def test_wrong_type_is_named_in_english(client, tree, headers, field, value, vi, en):
    body = model_payload(tree["commune"], **{field: value})
    response = client.post(
        "/api/v1/models", json=body, headers={**headers, "Accept-Language": "en"}
    )
    fields = fields_of(response)
    assert field in fields
    if en:
        assert fields[field] == [en]


def test_english_error_message(client, headers):
    response = client.post("/api/v1/models", json={}, headers={**headers, "Accept-Language": "en"})
    assert error(response)["message"] == "The data is not valid."


def test_vietnamese_is_the_default_message(client, headers):
    response = client.post("/api/v1/models", json={}, headers=headers)
    assert error(response)["message"] == "Dữ liệu không hợp lệ."


@pytest.mark.parametrize("language", ["en-US,en;q=0.9", "en", "fr, en;q=0.5"])
def test_english_is_chosen_from_accept_language(client, headers, language):
    response = client.post(
        "/api/v1/models", json={"x": 1}, headers={**headers, "Accept-Language": language}
    )
    assert fields_of(response)["x"] == ["Unknown field."]


@pytest.mark.parametrize("language", ["vi", "vi-VN,vi;q=0.9,en;q=0.8", "fr", "*"])
def test_vietnamese_is_chosen_from_accept_language(client, headers, language):
    response = client.post(
        "/api/v1/models", json={"x": 1}, headers={**headers, "Accept-Language": language}
    )
    assert fields_of(response)["x"] == ["Trường không được phép"]


UNKNOWN_ENUMS = [
    ("kind", "MO_HINH_MOI"),
    ("subject_type", "GIA_DINH"),
    ("field", "kinh_te"),
    ("status", ""),
    ("person_gender", "X"),
]


@pytest.mark.parametrize(("field", "value"), UNKNOWN_ENUMS)
def test_unknown_enum_value_is_named(client, tree, headers, field, value):
    body = model_payload(tree["commune"], **{field: value})
    fields = fields_of(client.post("/api/v1/models", json=body, headers=headers))
    assert fields[field][0].startswith("Giá trị không thuộc danh mục cho phép: ")


@pytest.mark.parametrize(("field", "value"), UNKNOWN_ENUMS)
def test_unknown_enum_value_is_named_in_english(client, tree, headers, field, value):
    body = model_payload(tree["commune"], **{field: value})
    response = client.post(
        "/api/v1/models", json=body, headers={**headers, "Accept-Language": "en"}
    )
    assert fields_of(response)[field][0].startswith("Must be one of: ")


def test_unknown_enum_in_list_is_named(client, tree, headers):
    body = model_payload(tree["commune"], topic_tags=["MOI_TRUONG", "KHONG_CO"])
    assert "topic_tags" in fields_of(client.post("/api/v1/models", json=body, headers=headers))


def test_unknown_meeting_type_is_named(client, tree, headers):
    body = meeting_payload(tree["commune"], type="HOP_CHO")
    assert "type" in fields_of(client.post("/api/v1/meetings", json=body, headers=headers))


def test_unknown_attendee_role_is_named(client, tree, headers):
    body = meeting_payload(tree["commune"], attendees=[{"full_name": "A", "role": "VUA"}])
    fields = fields_of(client.post("/api/v1/meetings", json=body, headers=headers))
    assert fields["attendees"]["0"]["role"]


@pytest.mark.parametrize(
    "extra",
    [{"version": 3}, {"review_status": "DA_DUYET"}, {"created_by_id": 1}, {"ten_la": "x"}],
)
def test_unknown_or_server_owned_field_is_refused(client, tree, headers, extra):
    body = {**model_payload(tree["commune"]), **extra}
    fields = fields_of(client.post("/api/v1/models", json=body, headers=headers))
    assert fields == {next(iter(extra)): ["Trường không được phép"]}


def test_unknown_nested_field_is_refused(client, tree, headers):
    body = model_payload(tree["commune"], metrics=[{"metric": "Hộ", "value": 1, "gia": 2}])
    fields = fields_of(client.post("/api/v1/models", json=body, headers=headers))
    assert fields["metrics"]["0"]["gia"] == ["Trường không được phép"]


@pytest.mark.parametrize(
    ("field", "value"),
    [("name", "   "), ("locality", ""), ("objective", "\t\n")],
)
def test_blank_required_text_is_refused(client, tree, headers, field, value):
    body = model_payload(tree["commune"], **{field: value})
    assert field in fields_of(client.post("/api/v1/models", json=body, headers=headers))


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"subject_type": "CA_NHAN", "person_name": None}, "person_name"),
        ({"subject_type": "TAP_THE", "collective_name": ""}, "collective_name"),
    ],
)
def test_cross_field_rule_is_named_in_english(client, tree, headers, overrides, field):
    body = model_payload(tree["commune"], **overrides)
    response = client.post(
        "/api/v1/models", json=body, headers={**headers, "Accept-Language": "en"}
    )
    assert fields_of(response) == {field: ["Missing data for required field."]}


@pytest.mark.parametrize(
    ("overrides", "field", "en"),
    [
        (
            {"start_at": "2024-08-12T08:00", "end_at": "2024-08-12T07:00"},
            "end_at",
            "The end must be after the start.",
        ),
        (
            {"format": "TRUC_TUYEN", "sites": []},
            "sites",
            "At least one connection point is needed.",
        ),
        (
            {"attendees": [{"full_name": "A", "role": "DAI_BIEU"}]},
            "attendees",
            "At least one chair is needed.",
        ),
    ],
)
def test_meeting_rule_is_named_in_english(client, tree, headers, overrides, field, en):
    body = meeting_payload(tree["commune"], **overrides)
    response = client.post(
        "/api/v1/meetings", json=body, headers={**headers, "Accept-Language": "en"}
    )
    assert fields_of(response) == {field: [en]}


def not_found_fields(response) -> dict:
    """Return the per-field messages of a NOT_FOUND response (PROTOCOL.md §10)."""
    assert response.status_code == 404, response.get_json()
    body = error(response)
    assert body["code"] == "NOT_FOUND"
    return body["details"]["fields"]


def test_out_of_scope_unit_is_named_in_english(client, tree, headers):
    body = model_payload(tree["foreign_commune"])
    response = client.post(
        "/api/v1/models", json=body, headers={**headers, "Accept-Language": "en"}
    )
    assert not_found_fields(response)["owner_unit_id"] == ["The unit is outside your scope."]


def test_unknown_organizer_unit_is_named(client, tree, headers):
    body = meeting_payload(tree["commune"], organizer_unit_id=987654)
    fields = not_found_fields(client.post("/api/v1/meetings", json=body, headers=headers))
    assert fields == {"organizer_unit_id": ["Đơn vị không tồn tại"]}


@pytest.mark.parametrize(
    "query",
    [
        "page=0",
        "page=abc",
        "per_page=501",
        "review_status=XONG",
        "field=kinh_te",
        "date_from=12/08/2024",
        "khong_biet=1",
        "year=1999",
        "include_deleted=co",
    ],
)
def test_bad_query_argument_is_422(client, headers, query):
    fields = fields_of(client.get(f"/api/v1/models?{query}", headers=headers))
    assert query.split("=")[0] in fields


@pytest.mark.parametrize("query", ["page=0", "level=HUYEN_MOI", "parent_id=x", "per_page=0"])
def test_bad_unit_query_argument_is_422(client, headers, query):
    fields = fields_of(client.get(f"/api/v1/units?{query}", headers=headers))
    assert query.split("=")[0] in fields


@pytest.mark.parametrize(
    "body",
    [{}, {"version": "một"}, {"version": -1}, {"version": None}, {"version": 1.5}],
)
def test_bad_delete_version_is_422(client, model, headers, body):
    response = client.delete(f"/api/v1/models/{model['id']}", json=body, headers=headers)
    assert "version" in fields_of(response)


@pytest.mark.parametrize(
    "body",
    [
        {"version": 1},
        {"action": "duyet", "version": 1},
        {"action": "submit"},
        {"action": "submit", "version": 1, "ghi_chu": "x"},
        {"action": "submit", "version": 1, "comment": 5},
    ],
)
def test_bad_review_body_is_422(client, model, headers, body):
    response = client.post(f"/api/v1/models/{model['id']}/review", json=body, headers=headers)
    assert response.status_code == 422


@pytest.mark.parametrize(
    "body",
    [
        {"version": 1, "name": 5},
        {"version": 1, "kind": "KHAC"},
        {"version": 1, "id": "khong-phai-uuid"},
        {"version": 1, "la_gi": 1},
        {"name": "Thiếu phiên bản"},
    ],
)
def test_bad_patch_is_422_and_changes_nothing(client, model, headers, body):
    response = client.patch(f"/api/v1/models/{model['id']}", json=body, headers=headers)
    assert response.status_code == 422
    fetched = client.get(f"/api/v1/models/{model['id']}", headers=headers).get_json()
    assert fetched == model


def test_patch_blanking_a_required_field_is_422(client, model, headers):
    response = client.patch(
        f"/api/v1/models/{model['id']}", json={"version": 1, "name": " "}, headers=headers
    )
    assert "name" in fields_of(response)


def test_patch_breaking_a_cross_field_rule_is_422(client, model, headers):
    response = client.patch(
        f"/api/v1/models/{model['id']}",
        json={"version": 1, "subject_type": "CA_NHAN"},
        headers=headers,
    )
    assert "person_name" in fields_of(response)


@pytest.mark.parametrize(
    "body",
    [
        {"name": "Bản mới", "level": "THON"},
        {"code": "X", "name": "Bản mới", "level": "BAN", "parent_id": 1},
        {"code": "X", "name": "", "level": "THON", "parent_id": 1},
        {"code": "X", "name": "Bản mới", "level": "THON", "parent_id": "một"},
        {"code": "X", "name": "Bản mới", "level": "THON", "parent_id": 1, "ma": "x"},
    ],
)
def test_bad_unit_body_is_422(client, admin_headers, body):
    assert client.post("/api/v1/units", json=body, headers=admin_headers).status_code == 422


def test_unit_with_unknown_successor_writes_nothing(client, tree, admin_headers):
    body = {
        "code": "THON-X",
        "name": "Bản mới",
        "level": "THON",
        "parent_id": tree["commune"].id,
        "successor_ids": [987654],
    }
    response = client.post("/api/v1/units", json=body, headers=admin_headers)
    assert "successor_ids" in fields_of(response)
    assert db.session.scalar(select(Unit).where(Unit.code == "THON-X")) is None


def test_duplicate_unit_code_is_409(client, tree, admin_headers):
    body = {"code": "40", "name": "Nghệ An", "level": "TINH", "parent_id": tree["root"].id}
    response = client.post("/api/v1/units", json=body, headers=admin_headers)
    assert response.status_code == 409
    assert error(response)["code"] == "DUPLICATE"


def test_unit_cannot_move_under_its_own_child(client, tree, admin_headers):
    response = client.patch(
        f"/api/v1/units/{tree['province'].id}",
        json={"parent_id": tree["commune"].id},
        headers=admin_headers,
    )
    assert "parent_id" in fields_of(response)
    db.session.expire_all()
    assert db.session.get(Unit, tree["province"].id).parent_id == tree["root"].id


def test_duplicate_record_id_is_409(client, model, headers, tree):
    body = model_payload(tree["commune"], id=model["id"])
    response = client.post("/api/v1/models", json=body, headers=headers)
    assert response.status_code == 409
    assert error(response)["code"] == "DUPLICATE"


# --- Sizes and encodings ----------------------------------------------------------------------


def test_body_over_the_limit_is_413(app, client, tree, headers):
    app.config["MAX_CONTENT_LENGTH"] = 10_000
    body = model_payload(tree["commune"], objective="x" * 10_000)
    response = client.post("/api/v1/models", json=body, headers=headers)
    assert response.status_code == 413
    assert error(response)["code"] == "PAYLOAD_TOO_LARGE"


def test_body_over_the_default_limit_is_413(app, client, tree, headers):
    body = model_payload(tree["commune"], notes="x" * app.config["MAX_CONTENT_LENGTH"])
    response = client.post("/api/v1/models", json=body, headers=headers)
    assert response.status_code == 413


def test_gzip_body_is_accepted(client, tree, headers):
    body = gzip.compress(json.dumps(model_payload(tree["commune"])).encode())
    response = client.post(
        "/api/v1/models",
        data=body,
        content_type="application/json",
        headers={**headers, "Content-Encoding": "gzip"},
    )
    assert response.status_code == 201


def test_gzip_bomb_is_413(app, client, tree, headers):
    app.config["MAX_INFLATED_LENGTH"] = 100_000
    body = gzip.compress(b" " * 1_000_000)
    response = client.post(
        "/api/v1/models",
        data=body,
        content_type="application/json",
        headers={**headers, "Content-Encoding": "gzip"},
    )
    assert response.status_code == 413
    assert error(response)["code"] == "PAYLOAD_TOO_LARGE"


@pytest.mark.parametrize(
    # mtime=0: the same bytes, hence the same test ids, in every pytest-xdist worker
    "body",
    [b"not gzip at all", gzip.compress(b'{"a": 1}', mtime=0)[:-12], b"\x1f\x8b"],
    ids=["not-gzip", "truncated", "header-only"],
)
def test_broken_gzip_is_400(client, headers, body):
    response = client.post(
        "/api/v1/models",
        data=body,
        content_type="application/json",
        headers={**headers, "Content-Encoding": "gzip"},
    )
    assert response.status_code == 400
    assert error(response)["code"] == "MALFORMED_BODY"


@pytest.mark.parametrize("encoding", ["br", "deflate", "compress"])
def test_unsupported_encoding_is_415(client, headers, encoding):
    response = client.post(
        "/api/v1/models",
        data=b"{}",
        content_type="application/json",
        headers={**headers, "Content-Encoding": encoding},
    )
    assert response.status_code == 415
    assert error(response)["code"] == "UNSUPPORTED_MEDIA_TYPE"


@pytest.mark.parametrize(
    ("field", "limit"), [("name", 500), ("locality", 255), ("objective", 20_000)]
)
def test_over_long_text_is_422(client, tree, headers, field, limit):
    body = model_payload(tree["commune"], **{field: "a" * (limit + 1)})
    fields = fields_of(client.post("/api/v1/models", json=body, headers=headers))
    assert fields[field] == [f"Độ dài phải từ 1 đến {limit} ký tự"]


# --- Unknown ids ------------------------------------------------------------------------------


@pytest.mark.parametrize("table", ["models", "meetings"])
@pytest.mark.parametrize(
    "record_id", [UNKNOWN_ID, "khong-ton-tai", "1", "x" * 300, "%F0%9F%98%80", "%00", "a%00b"]
)
@pytest.mark.parametrize(
    ("method", "suffix", "body"),
    [
        ("GET", "", None),
        ("PATCH", "", {"version": 1, "notes": "x"}),
        ("DELETE", "", {"version": 1}),
        ("POST", "/review", {"action": "submit", "version": 1}),
        ("GET", "/history", None),
    ],
    ids=["get", "patch", "delete", "review", "history"],
)
def test_unknown_record_is_404(client, headers, table, record_id, method, suffix, body):
    response = client.open(
        f"/api/v1/{table}/{record_id}{suffix}", method=method, json=body, headers=headers
    )
    assert response.status_code == 404
    assert error(response)["code"] == "NOT_FOUND"


def test_deleted_record_is_404(client, model, headers):
    client.delete(f"/api/v1/models/{model['id']}", json={"version": 1}, headers=headers)
    assert client.get(f"/api/v1/models/{model['id']}", headers=headers).status_code == 404


def test_deleted_record_keeps_its_history(client, model, headers):
    client.delete(f"/api/v1/models/{model['id']}", json={"version": 1}, headers=headers)
    history = client.get(f"/api/v1/models/{model['id']}/history", headers=headers)
    assert [e["action"] for e in history.get_json()] == ["create", "delete"]


@pytest.mark.parametrize("unit_id", ["987654", "0", "99999999999999999999"])
def test_unknown_unit_is_404(client, headers, unit_id):
    response = client.get(f"/api/v1/units/{unit_id}", headers=headers)
    assert response.status_code == 404


def test_list_within_unknown_unit_is_404(client, headers):
    assert client.get("/api/v1/models?unit_id=987654", headers=headers).status_code == 404


@pytest.mark.parametrize("unit_id", ["99999999999999999999", "-1", "0"])
def test_list_within_impossible_unit_id_is_422(client, headers, unit_id):
    response = client.get(f"/api/v1/models?unit_id={unit_id}", headers=headers)
    assert "unit_id" in fields_of(response)


@pytest.mark.parametrize("device_id", [UNKNOWN_ID, "khong-ton-tai", "%00"])
def test_unknown_device_is_404(client, headers, device_id):
    response = client.post(f"/api/v1/devices/{device_id}/revoke", headers=headers)
    assert response.status_code == 404


@pytest.mark.parametrize("record_id", ["\x00", "khong-phai-uuid", 5, None, ["x"]])
def test_create_with_impossible_id_is_422(client, tree, headers, record_id):
    body = json.dumps(model_payload(tree["commune"], id=record_id))
    response = client.post(
        "/api/v1/models", data=body, content_type="application/json", headers=headers
    )
    assert "id" in fields_of(response)


def test_create_with_existing_id_in_capitals_is_422(client, tree, model, headers):
    """PROTOCOL.md §4.4: ids have one spelling; another is refused, never rewritten."""
    body = model_payload(tree["commune"], id=model["id"].upper())
    response = client.post("/api/v1/models", json=body, headers=headers)
    assert response.status_code == 422
    assert list(error(response)["details"]["fields"]) == ["id"]


def test_id_in_capitals_names_no_record(client, model, headers):
    """PROTOCOL.md §4.4: a path id in another spelling is not found."""
    response = client.get(f"/api/v1/models/{model['id'].upper()}", headers=headers)
    assert response.status_code == 404
    assert error(response)["code"] == "NOT_FOUND"


@pytest.mark.parametrize("comment", [None, "", "   "])
def test_return_without_comment_names_the_field(
    client, tree, model, headers, reviewer, auth_headers, comment
):
    client.post(
        f"/api/v1/models/{model['id']}/review",
        json={"action": "submit", "version": 1},
        headers=headers,
    )
    response = client.post(
        f"/api/v1/models/{model['id']}/review",
        json={"action": "return", "version": 2, "comment": comment},
        headers=auth_headers(reviewer),
    )
    assert fields_of(response) == {"comment": ["Trường bắt buộc (*)"]}


# --- Out-of-range values that databases refuse --------------------------------------------------

HUGE = 10**20


@pytest.mark.parametrize(
    "overrides",
    [
        {"owner_unit_id": HUGE},
        {"commune_unit_id": HUGE},
        {"owner_unit_id": -HUGE},
        {"name": "Khéo\x00 vận động"},
        {"objective": "nửa cặp \ud800"},
        {"metrics": [{"metric": "Hộ", "value": 1e400}]},
        {"geo_lat": float("nan")},
        {"person_birth_year": HUGE},
    ],
    ids=["huge owner", "huge commune", "negative owner", "nul", "surrogate", "inf", "nan", "year"],
)
def test_values_a_database_refuses_are_422(client, tree, headers, overrides):
    before = row_counts()
    body = json.dumps(model_payload(tree["commune"], **overrides))
    response = client.post(
        "/api/v1/models", data=body, content_type="application/json", headers=headers
    )
    assert response.status_code == 422, response.get_json()
    assert row_counts() == before


@pytest.mark.parametrize(
    "overrides",
    [
        {"start_at": "9999-12-31T23:59:00-12:00"},
        {"start_at": "0001-01-01T00:00:00+14:00"},
        {"organizer_unit_id": HUGE},
        {"title": "Hội nghị\x00"},
    ],
    ids=["after year 9999", "before year 1", "huge organizer", "nul"],
)
def test_meeting_values_a_database_refuses_are_422(client, tree, headers, overrides):
    body = json.dumps(meeting_payload(tree["commune"], **overrides))
    response = client.post(
        "/api/v1/meetings", data=body, content_type="application/json", headers=headers
    )
    assert response.status_code == 422, response.get_json()


@pytest.mark.parametrize(
    "query",
    [
        f"page={HUGE}",
        "page=10000000000000",
        "q=%00",
        f"unit_id={HUGE}",
        "date_from=0001-01-01",
        "date_to=9999-12-31",
    ],
)
def test_extreme_query_arguments_never_500(client, headers, query):
    response = client.get(f"/api/v1/models?{query}", headers=headers)
    assert response.status_code in (200, 404, 422)


@pytest.mark.parametrize("query", [f"page={HUGE}", f"parent_id={HUGE}", f"within={HUGE}", "q=%00"])
def test_extreme_unit_query_arguments_never_500(client, headers, query):
    assert client.get(f"/api/v1/units?{query}", headers=headers).status_code in (200, 404, 422)


@pytest.mark.parametrize(
    "credentials",
    [
        {"username": "can\x00bo", "password": "x", "device_name": "Máy"},
        {"username": "canbo", "password": "\ud800", "device_name": "Máy"},
        {"username": "canbo", "password": "x", "device_name": "Máy\x00"},
        {"username": 5, "password": "x", "device_name": "Máy"},
        {"username": "", "password": "x", "device_name": "Máy"},
    ],
)
def test_bad_credentials_body_never_500(client, officer, credentials):
    body = json.dumps(credentials)
    response = client.post("/api/v1/auth/login", data=body, content_type="application/json")
    assert response.status_code in (401, 422)


def test_patch_with_huge_unit_id_is_422(client, model, headers):
    response = client.patch(
        f"/api/v1/models/{model['id']}",
        json={"version": 1, "commune_unit_id": HUGE},
        headers=headers,
    )
    assert "commune_unit_id" in fields_of(response)


def test_unit_create_with_huge_parent_is_422(client, admin_headers):
    body = {"code": "X1", "name": "Bản", "level": "THON", "parent_id": HUGE}
    response = client.post("/api/v1/units", json=body, headers=admin_headers)
    assert fields_of(response) == {"parent_id": ["Phải từ 1 đến 2147483647"]}


def test_meeting_edit_keeps_fields_consistent(client, meeting, headers):
    response = client.patch(
        f"/api/v1/meetings/{meeting['id']}",
        json={"version": 1, "end_at": "2024-08-12T07:00"},
        headers=headers,
    )
    assert "end_at" in fields_of(response)


def test_random_ids_are_fresh(client, tree, headers):
    body = model_payload(tree["commune"])
    del body["id"]
    response = client.post("/api/v1/models", json=body, headers=headers)
    assert uuid.UUID(response.get_json()["id"]).version == 4


# --- Control and direction characters (issue 13) -----------------------------------------------

CONTROL = "Chứa ký tự điều khiển ẩn; hãy xóa đoạn đó và gõ lại"

# (field, value, path of the error in details.fields)
REFUSED_IN_MODELS = [
    ("name", "Mô hình\x07 chuông", ["name"]),
    ("locality", "Bản\x0bdọc", ["locality"]),
    ("locality", "Bản\tHuồi", ["locality"]),  # one-line text holds no tab or line break
    ("person_name", "Vi\nVăn", ["person_name"]),
    ("person_position", "Trưởng\x85bản", ["person_position"]),  # C1: NEXT LINE
    ("collective_name", "Chi hội\x7f", ["collective_name"]),
    ("name", "cod.exe\u202efdp", ["name"]),  # RIGHT-TO-LEFT OVERRIDE
    ("locality", "Bản \u2067Huồi\u2069", ["locality"]),  # isolates
    ("lead_org", "\u202aHội\u202c", ["lead_org"]),  # embedding
    ("objective", "Mục tiêu\x07", ["objective"]),  # multi-line text refuses other controls
    ("objective", "Mục tiêu \u202e", ["objective"]),
    ("notes", "Ghi chú\x1b[31m", ["notes"]),
    ("metrics", [{"metric": "Số hộ\x0c", "value": 1}], ["metrics", "0", "metric"]),
]
REFUSED_IN_MEETINGS = [
    ("title", "Hội nghị\x0b dọc", ["title"]),
    ("location", "Hội trường\x00", ["location"]),
    ("content_summary", "Nội dung\x08", ["content_summary"]),
    (
        "attendees",
        [{"full_name": "Vi Văn\u202eSơn", "role": "CHU_TRI"}],
        ["attendees", "0", "full_name"],
    ),
    (
        "sites",
        [{"name": "Điểm cầu\x1f"}],
        ["sites", "0", "name"],
    ),
]


def error_at(fields: dict, path: list[str]):
    """Return the messages at a path of nested field errors."""
    for key in path:
        fields = fields[key]
    return fields


@pytest.mark.parametrize(("field", "value", "path"), REFUSED_IN_MODELS)
def test_model_control_character_is_refused_naming_the_field(
    client, tree, headers, field, value, path
):
    before = row_counts()
    body = json.dumps(model_payload(tree["commune"], **{field: value}))
    response = client.post(
        "/api/v1/models", data=body, content_type="application/json", headers=headers
    )
    assert error_at(fields_of(response), path)[0] in (CONTROL, "Chứa ký tự không lưu được")
    assert row_counts() == before


@pytest.mark.parametrize(("field", "value", "path"), REFUSED_IN_MEETINGS)
def test_meeting_control_character_is_refused_naming_the_field(
    client, tree, headers, field, value, path
):
    body = json.dumps(meeting_payload(tree["commune"], **{field: value}))
    response = client.post(
        "/api/v1/meetings", data=body, content_type="application/json", headers=headers
    )
    assert error_at(fields_of(response), path)[0] in (CONTROL, "Chứa ký tự không lưu được")


def test_control_character_message_in_english(client, tree, headers):
    body = model_payload(tree["commune"], name="a\x07b")
    response = client.post(
        "/api/v1/models", json=body, headers={**headers, "Accept-Language": "en"}
    )
    assert fields_of(response) == {"name": ["Contains an invisible control character."]}


def test_multi_line_text_keeps_tabs_and_line_breaks(client, tree, headers):
    text = "Dòng 1\r\nDòng 2\n\tthụt lề \u200eđánh dấu"
    body = model_payload(tree["commune"], name=text, objective=text, results=text, notes=text)
    response = client.post("/api/v1/models", json=body, headers=headers)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["objective"] == text


def test_edit_with_control_character_is_refused(client, model, headers):
    response = client.patch(
        f"/api/v1/models/{model['id']}", json={"version": 1, "name": "x\x07"}, headers=headers
    )
    assert fields_of(response) == {"name": [CONTROL]}


def test_edit_of_a_record_stored_with_a_control_character_is_accepted(client, model, headers):
    """Text stored before the rule does not block an edit of another field."""
    record = db.session.get(ModelRecord, model["id"])
    record.name = "Mô hình\x07 cũ"
    record.locality = "Bản\nmới"
    db.session.commit()
    response = client.patch(
        f"/api/v1/models/{model['id']}", json={"version": 1, "notes": "Sửa"}, headers=headers
    )
    assert response.status_code == 200, response.get_json()


def test_review_comment_with_control_character_is_refused(client, model, headers):
    response = client.post(
        f"/api/v1/models/{model['id']}/review",
        json={"action": "submit", "version": 1, "comment": "Gửi\x07"},
        headers=headers,
    )
    assert fields_of(response) == {"comment": [CONTROL]}


def test_review_comment_in_a_sync_review_is_refused_the_same_way(client, tree, officer, model):
    """PROTOCOL.md §4: a review mutation is checked by the review route's own schema."""
    from tests.sync_helpers import device

    phone = device(client, officer.username)
    response = client.post(
        "/api/v1/sync",
        json={
            "protocol": 1,
            "schema": 1,
            "cursor": 0,
            "mutations": [
                {
                    "seq": 1,
                    "op": "review",
                    "table": "models",
                    "base": 1,
                    "data": {"id": model["id"], "action": "submit", "comment": "Gửi\u202e"},
                }
            ],
        },
        headers={"Authorization": f"Bearer {phone.token}"},
    )
    assert response.status_code == 200, response.get_json()
    result = response.get_json()["results"][0]
    assert result["status"] == "rejected"
    assert result["code"] == "VALIDATION_FAILED"
    assert result["details"]["fields"] == {"comment": [CONTROL]}


@pytest.mark.parametrize(
    "body",
    [
        {"code": "X1", "name": "Bản\x07", "level": "THON", "parent_id": 1},
        {"code": "X\u202e1", "name": "Bản", "level": "THON", "parent_id": 1},
        {"code": "X1", "name": "Bản", "level": "THON", "parent_id": 1, "aliases": ["a\x0b"]},
    ],
    ids=["name", "code", "alias"],
)
def test_unit_control_character_is_refused(client, tree, admin_headers, body):
    body = {**body, "parent_id": tree["commune"].id}
    response = client.post("/api/v1/units", json=body, headers=admin_headers)
    assert [CONTROL] in fields_of(response).values() or "aliases" in fields_of(response)


def test_device_name_with_control_character_is_refused(client, officer):
    response = client.post(
        "/api/v1/auth/login",
        json={"username": "canbo", "password": "x", "device_name": "Máy\u202e"},
    )
    assert fields_of(response) == {"device_name": [CONTROL]}


# --- Numbers too long to read, nesting too deep ----------------------------------------------

LONG = "9" * 5000


def sync_body(**overrides) -> str:
    """Return a sync request as text, some values replaced by raw JSON text."""
    fields = {"protocol": "1", "schema": "1", "cursor": "0", **overrides}
    return "{" + ",".join(f'"{k}":{v}' for k, v in fields.items()) + "}"


def mutation(**overrides) -> str:
    """Return a mutation as JSON text, some values replaced by raw JSON text."""
    fields = {
        "seq": "1",
        "op": '"delete"',
        "table": '"models"',
        "base": "1",
        "data": f'{{"id": "{UNKNOWN_ID}"}}',
        **overrides,
    }
    return "{" + ",".join(f'"{k}":{v}' for k, v in fields.items()) + "}"


HUGE_BODIES = {
    "sync cursor": ("/api/v1/sync", sync_body(cursor=LONG)),
    "sync negative cursor": ("/api/v1/sync", sync_body(cursor="-" + LONG)),
    "sync limit": ("/api/v1/sync", sync_body(limit=LONG)),
    "sync pending": ("/api/v1/sync", sync_body(pending=LONG)),
    "sync seq": ("/api/v1/sync", sync_body(mutations=f"[{mutation(seq=LONG)}]")),
    "sync base": ("/api/v1/sync", sync_body(mutations=f"[{mutation(base=LONG)}]")),
    "sync data": (
        "/api/v1/sync",
        sync_body(mutations="[" + mutation(data='{"x":' + LONG + "}") + "]"),
    ),
    "model year": ("/api/v1/models", '{"year_registered": ' + LONG + "}"),
    "model float": ("/api/v1/models", '{"geo_lat": 1e999999}'),
    "model long float": ("/api/v1/models", '{"geo_lat": 0.' + LONG + "e-99999}"),
    "login": ("/api/v1/auth/login", '{"username": ' + LONG + "}"),
    "sync deep": ("/api/v1/sync", sync_body(mutations="[" * 500 + "]" * 500)),
    "model deep": ("/api/v1/models", '{"name": ' + "[" * 500 + "]" * 500 + "}"),
    "model deep objects": ("/api/v1/models", '{"a":' * 900 + "1" + "}" * 900),
}


@pytest.mark.parametrize("case", HUGE_BODIES.values(), ids=HUGE_BODIES.keys())
def test_huge_number_or_deep_nesting_is_a_coded_4xx(client, headers, case):
    url, body = case
    response = client.post(url, data=body, content_type="application/json", headers=headers)
    assert 400 <= response.status_code < 500, response.get_data(as_text=True)[:300]
    assert error(response)["code"] in ("MALFORMED_JSON", "VALIDATION_FAILED")


def test_huge_number_in_an_edit_is_malformed_json(client, model, headers):
    response = client.patch(
        f"/api/v1/models/{model['id']}",
        data='{"version": ' + LONG + "}",
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 400
    assert error(response)["code"] == "MALFORMED_JSON"


# --- Odd paths: the app's own files and API ids --------------------------------------------------

ODD_PATHS = {
    "nul": "/a%00b",
    "nul in a folder": "/js/%00.js",
    "long name": "/js/" + "a" * 5000 + ".js",
    "long path": "/" + "a/" * 3000 + "x",
    "invalid utf-8": "/js/%ff%fe.js",
    "cut utf-8": "/js/%c3",
    "surrogate": "/js/%ed%a0%80.js",
    "dot dot": "/js/../../server/config.py",
    "dot file": "/.git/config",
    "invalid utf-8 record id": "/api/v1/models/%ff%fe",
    "nul record id": "/api/v1/meetings/%00",
    "long record id": "/api/v1/models/" + "a" * 5000,
    "invalid utf-8 unit id": "/api/v1/units/%c3",
}


@pytest.mark.parametrize("path", ODD_PATHS.values(), ids=ODD_PATHS.keys())
def test_odd_path_is_404(client, headers, path):
    response = client.get(path, headers=headers)
    assert response.status_code == 404
    assert error(response)["code"] == "NOT_FOUND"
