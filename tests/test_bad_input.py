"""Every class of bad input gets its stable error code, and none of it reaches a 500."""

import gzip
import json
import uuid

import pytest
from sqlalchemy import func, select

from server.extensions import db
from server.models import AuditEvent, Meeting, ModelRecord, Unit
from tests.conftest import meeting_payload, model_payload

UNKNOWN_ID = "00000000-0000-4000-8000-000000000000"


@pytest.fixture
def headers(officer, auth_headers):
    """Return the commune officer's headers."""
    return auth_headers(officer)


@pytest.fixture
def admin_headers(admin, auth_headers):
    """Return the administrator's headers."""
    return auth_headers(admin)


@pytest.fixture
def model(client, tree, headers):
    """Create a model as the officer and return its JSON."""
    response = client.post("/api/v1/models", json=model_payload(tree["commune"]), headers=headers)
    assert response.status_code == 201
    return response.get_json()


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
