"""The sync store's mutation handlers and the language of what a push answers (PROTOCOL.md §3)."""

import uuid

import pytest
from marshmallow import ValidationError

from server.errors import ApiError, validation_error
from server.records.tables import TABLES
from server.sync_api.handlers import HANDLERS, handler_for
from sync.messages import OPS, Mutation

ENGLISH = {"Accept-Language": "en"}


def sync(client, phone, mutations: list[dict], headers: dict | None = None):
    """Send one sync request as the phone and return the response."""
    return client.post(
        "/api/v1/sync",
        json={"protocol": 1, "schema": 1, "cursor": 0, "mutations": mutations},
        headers={"Authorization": f"Bearer {phone.token}", **(headers or {})},
    )


def first_result(client, phone, mutation: dict, headers: dict | None = None) -> dict:
    """Push one mutation as seq 1 and return its result."""
    response = sync(client, phone, [{"seq": 1, "base": 0, **mutation}], headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()["results"][0]


def test_every_op_of_the_protocol_has_a_handler():
    """§3.3: put, delete, review and resolve, and nothing else."""
    assert set(HANDLERS) == set(OPS)


def test_an_op_without_a_handler_is_refused_as_the_protocol_refuses_it():
    mutation = Mutation(seq=1, op="merge", table="models", base=0, data={"id": "x"})
    with pytest.raises(ValidationError) as caught:
        handler_for(mutation)
    assert caught.value.messages == {"op": ["Must be one of: put, delete, review, resolve."]}


def test_an_unknown_op_is_still_a_malformed_request(client, phone):
    """§3.3: an op outside the four makes the whole request 422, as before the registry."""
    response = sync(
        client,
        phone,
        [{"seq": 1, "op": "merge", "table": "models", "base": 0, "data": {"id": "x"}}],
    )
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "VALIDATION_FAILED"
    assert list(error["details"]["fields"]) == ["mutations.0.op"]


def test_review_data_is_checked_by_the_review_schema(client, phone):
    """§3.3: a review step outside the workflow's actions names the field."""
    data = {"id": str(uuid.uuid4()), "action": "fly"}
    result = first_result(client, phone, {"op": "review", "table": "models", "data": data}, ENGLISH)
    assert result["code"] == "VALIDATION_FAILED"
    assert list(result["details"]["fields"]) == ["action"]


def test_resolve_data_refuses_unknown_keys_before_reading_the_conflict(client, phone):
    """§3.3: resolve data is {id, resolution}; the conflict need not exist to learn that."""
    data = {"id": str(uuid.uuid4()), "resolution": "KEEP_KEPT", "extra": 1}
    result = first_result(client, phone, {"op": "resolve", "table": "conflicts", "data": data})
    assert result["status"] == "rejected"
    assert result["code"] == "VALIDATION_FAILED"
    assert result["details"]["fields"] == {"extra": ["Trường không được phép"]}


def test_resolve_of_a_record_table_is_an_unknown_table(client, phone):
    data = {"id": str(uuid.uuid4()), "resolution": "KEEP_KEPT"}
    result = first_result(client, phone, {"op": "resolve", "table": "models", "data": data})
    assert result["code"] == "UNKNOWN_TABLE"
    assert result["details"] == {"table": "models", "tables": ["conflicts"]}


def test_put_of_an_unknown_table_keeps_its_details(client, phone):
    data = {"id": str(uuid.uuid4())}
    result = first_result(client, phone, {"op": "put", "table": "users", "data": data})
    assert result["code"] == "UNKNOWN_TABLE"
    assert result["details"] == {"table": "users", "tables": sorted(TABLES)}


BAD_ID = {"op": "put", "table": "models", "data": {"id": "NOT-A-UUID"}}


@pytest.mark.parametrize(
    ("headers", "message", "field"),
    [
        ({}, "Dữ liệu không hợp lệ.", "Mã định danh phải là UUID viết thường dạng 8-4-4-4-12"),
        (ENGLISH, "The data is not valid.", "Must be a UUID in lower case, 8-4-4-4-12 hex"),
    ],
    ids=["vi", "en"],
)
def test_a_rejected_result_speaks_the_callers_language(client, phone, headers, message, field):
    """§3.4, §10: the same refusal in Vietnamese by default and in English on request."""
    result = first_result(client, phone, BAD_ID, headers)
    assert result["message"] == message
    assert result["details"]["fields"]["id"][0].startswith(field)


def test_a_replayed_rejection_keeps_the_language_it_was_first_sent_in(client, phone):
    """§3.4: a duplicate is the first result exactly, its message in the first request's language."""
    first = first_result(client, phone, BAD_ID, ENGLISH)
    again = first_result(client, phone, BAD_ID)
    assert again == {**first, "duplicate": True}
    assert again["message"] == "The data is not valid."


def test_errors_are_rendered_only_when_the_language_is_known(app):
    """Services raise codes and details; no request is read until the response is built."""
    error = validation_error(ValidationError({"name": ["Unknown field."]}))
    assert error.details == {"fields": {"name": ["Unknown field."]}}
    assert error.body("vi")["error"] == {
        "code": "VALIDATION_FAILED",
        "message": "Dữ liệu không hợp lệ.",
        "details": {"fields": {"name": ["Trường không được phép"]}},
    }
    assert error.body("en")["error"]["details"] == {"fields": {"name": ["Unknown field."]}}
    assert ApiError("NOT_FOUND", message="Không có.").body("en")["error"]["message"] == "Không có."
