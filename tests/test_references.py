"""Units and records a write names must exist, and lie in scope where that matters
(PROTOCOL.md §10): through the JSON API and through sync, on creates and on edits."""

import uuid

import pytest

from server.extensions import db
from server.models import Meeting, ModelRecord
from tests.conftest import meeting_payload, model_payload

MISSING_UNIT = 987654


@pytest.fixture
def headers(login, officer):
    """Return the commune officer's headers, English messages."""
    return {**login("canbo"), "Accept-Language": "en"}


def not_found_fields(response) -> dict:
    """Return the fields a NOT_FOUND answer names."""
    assert response.status_code == 404, response.get_json()
    error = response.get_json()["error"]
    assert error["code"] == "NOT_FOUND"
    return error["details"]["fields"]


def post(client, headers, table: str, body: dict):
    """Create a record through the JSON API."""
    return client.post(f"/api/v1/{table}", json=body, headers=headers)


@pytest.fixture
def model(client, headers, tree) -> dict:
    """Return a model in the officer's commune."""
    response = post(client, headers, "models", model_payload(tree["commune"]))
    assert response.status_code == 201
    return response.get_json()


@pytest.fixture
def foreign_model(client, tree, create_user, login) -> dict:
    """Return a model of another province."""
    create_user("canbo.hatinh", tree["foreign_commune"], ["CAN_BO_NHAP"])
    response = post(client, login("canbo.hatinh"), "models", model_payload(tree["foreign_commune"]))
    assert response.status_code == 201
    return response.get_json()


def test_unit_outside_scope_is_not_found_naming_the_field(client, headers, tree):
    """§10: a create placing a record in a foreign unit answers NOT_FOUND, field named."""
    body = model_payload(tree["commune"], commune_unit_id=tree["foreign_commune"].id)
    fields = not_found_fields(post(client, headers, "models", body))
    assert fields == {"commune_unit_id": ["The unit is outside your scope."]}


@pytest.mark.parametrize(
    ("table", "overrides", "fields"),
    [
        ("meetings", {"organizer_unit_id": MISSING_UNIT}, {"organizer_unit_id": ["not unit"]}),
        (
            "meetings",
            {"co_organizer_ids": [MISSING_UNIT]},
            {"co_organizer_ids": {"0": ["not unit"]}},
        ),
        (
            "meetings",
            {"format": "TRUC_TUYEN", "sites": [{"name": "Điểm cầu", "unit_id": MISSING_UNIT}]},
            {"sites": {"0": {"unit_id": ["not unit"]}}},
        ),
        (
            "meetings",
            {
                "attendees": [
                    {"full_name": "Vi Văn Sơn", "role": "CHU_TRI", "unit_id": MISSING_UNIT}
                ]
            },
            {"attendees": {"0": {"unit_id": ["not unit"]}}},
        ),
        (
            "meetings",
            {"linked_model_ids": [str(uuid.uuid4())]},
            {"linked_model_ids": {"0": ["not record"]}},
        ),
        (
            "models",
            {"replicated_from_id": str(uuid.uuid4())},
            {"replicated_from_id": ["not record"]},
        ),
    ],
    ids=["organizer", "co-organizer", "site", "attendee", "linked model", "replicated from"],
)
def test_dangling_references_are_refused(client, headers, tree, table, overrides, fields):
    """§10: a reference to a unit or a model that does not exist is NOT_FOUND, field named."""
    messages = {
        "not unit": "The unit does not exist.",
        "not record": "The record does not exist or is outside your scope.",
    }
    payload = {"models": model_payload, "meetings": meeting_payload}[table]
    response = post(client, headers, table, payload(tree["commune"], **overrides))

    def english(node):
        if isinstance(node, dict):
            return {k: english(v) for k, v in node.items()}
        return [messages[m] for m in node]

    assert not_found_fields(response) == english(fields)


def test_model_outside_scope_is_not_found(client, headers, tree, foreign_model):
    """§10: a reference to another province's model reveals nothing and is refused."""
    body = meeting_payload(tree["commune"], linked_model_ids=[foreign_model["id"]])
    assert "linked_model_ids" in not_found_fields(post(client, headers, "meetings", body))
    body = model_payload(tree["commune"], replicated_from_id=foreign_model["id"])
    assert "replicated_from_id" in not_found_fields(post(client, headers, "models", body))


def test_deleted_model_is_not_a_reference(client, headers, tree, model):
    """§10: a tombstone cannot be linked."""
    gone = client.delete(f"/api/v1/models/{model['id']}", json={"version": 1}, headers=headers)
    assert gone.status_code == 204
    body = model_payload(tree["commune"], replicated_from_id=model["id"])
    assert "replicated_from_id" in not_found_fields(post(client, headers, "models", body))


def test_good_references_are_accepted(client, headers, tree, model):
    """§10: units that exist (another province co-organizing too) and models in scope."""
    body = meeting_payload(
        tree["commune"],
        organizer_unit_id=tree["province"].id,
        co_organizer_ids=[tree["foreign"].id, tree["sibling"].id],
        linked_model_ids=[model["id"]],
    )
    assert post(client, headers, "meetings", body).status_code == 201
    copy = model_payload(tree["commune"], replicated_from_id=model["id"])
    assert post(client, headers, "models", copy).status_code == 201


def test_edit_adding_a_dangling_reference_is_refused(client, headers, tree, model):
    """§10: edits are checked like creates."""
    response = client.patch(
        f"/api/v1/models/{model['id']}",
        json={"version": 1, "replicated_from_id": str(uuid.uuid4())},
        headers=headers,
    )
    assert "replicated_from_id" in not_found_fields(response)


def test_edit_keeping_a_reference_made_earlier_applies(client, headers, tree, model):
    """§10: a reference valid when written does not block later edits once its target goes."""
    body = meeting_payload(tree["commune"], linked_model_ids=[model["id"]])
    assert post(client, headers, "meetings", body).status_code == 201
    gone = client.delete(f"/api/v1/models/{model['id']}", json={"version": 1}, headers=headers)
    assert gone.status_code == 204
    response = client.patch(
        f"/api/v1/meetings/{body['id']}",
        json={"version": 1, "linked_model_ids": [model["id"]], "title": "Tọa đàm mới"},
        headers=headers,
    )
    assert response.status_code == 200, response.get_json()


def test_sync_refuses_dangling_references(phone, tree):
    """§4.3, §10: through sync the put is rejected NOT_FOUND naming the field; the next applies."""
    bad = meeting_payload(tree["commune"], co_organizer_ids=[MISSING_UNIT])
    phone.create("meetings", bad)
    phone.create("models", model_payload(tree["foreign_commune"]))
    good = meeting_payload(tree["commune"])
    phone.create("meetings", good)
    results = phone.sync().results
    assert [(r["status"], r.get("code")) for r in results] == [
        ("rejected", "NOT_FOUND"),
        ("rejected", "NOT_FOUND"),
        ("applied", None),
    ]
    assert set(results[0]["details"]["fields"]) == {"co_organizer_ids"}
    assert set(results[1]["details"]["fields"]) == {"owner_unit_id", "commune_unit_id"}
    assert db.session.get(Meeting, bad["id"]) is None
    assert phone.record("meetings", bad["id"])["co_organizer_ids"] == [MISSING_UNIT]  # §4.6


def test_sync_links_a_model_created_earlier_in_the_batch(phone, tree):
    """§10: a model created by an earlier mutation of the same request can be referred to."""
    model = model_payload(tree["commune"])
    phone.create("models", model)
    copy = model_payload(tree["commune"], replicated_from_id=model["id"])
    phone.create("models", copy)
    phone.create("meetings", meeting_payload(tree["commune"], linked_model_ids=[model["id"]]))
    assert [r["status"] for r in phone.sync().results] == ["applied"] * 3
    assert db.session.get(ModelRecord, copy["id"]).replicated_from_id == model["id"]


def test_sync_edit_adding_a_dangling_reference_is_refused(phone, tree):
    """§10: a sync edit is checked like a create."""
    body = meeting_payload(tree["commune"])
    phone.create("meetings", body)
    phone.sync()
    phone.edit("meetings", body["id"], {"linked_model_ids": [str(uuid.uuid4())]})
    (result,) = phone.sync().results
    assert (result["status"], result["code"]) == ("rejected", "NOT_FOUND")
    assert db.session.get(Meeting, body["id"]).linked_model_ids == []
