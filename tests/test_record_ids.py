"""Record ids have one spelling in the JSON API too (PROTOCOL.md §4.4)."""

import pytest
from sqlalchemy import func, select

from server.extensions import db
from server.models import Meeting, ModelRecord
from tests.conftest import meeting_payload, model_payload
from tests.sync_helpers import SPELLINGS

SPELLING_IDS = list(SPELLINGS)
SPELLING_FUNCS = list(SPELLINGS.values())


@pytest.fixture
def headers(officer, auth_headers):
    """Return the commune officer's headers."""
    return auth_headers(officer)


def refused_fields(response) -> dict:
    """Check a coded 422 and return its field errors."""
    assert response.status_code == 422, response.get_json()
    error = response.get_json()["error"]
    assert error["code"] == "VALIDATION_FAILED"
    return error["details"]["fields"]


@pytest.mark.parametrize("spelling", SPELLING_FUNCS, ids=SPELLING_IDS)
@pytest.mark.parametrize(
    ("path", "payload", "model"),
    [
        ("/api/v1/models", model_payload, ModelRecord),
        ("/api/v1/meetings", meeting_payload, Meeting),
    ],
    ids=["models", "meetings"],
)
def test_create_with_another_spelling_of_the_id_is_422(
    client, tree, headers, path, payload, model, spelling
):
    """A new record's id in any spelling but lower-case 8-4-4-4-12, or nil, is refused."""
    body = payload(tree["commune"])
    body["id"] = spelling(body["id"])
    assert list(refused_fields(client.post(path, json=body, headers=headers))) == ["id"]
    assert db.session.scalar(select(func.count()).select_from(model)) == 0


@pytest.mark.parametrize("spelling", SPELLING_FUNCS, ids=SPELLING_IDS)
def test_references_in_another_spelling_are_422(client, tree, headers, spelling):
    """Ids naming other records follow the same form."""
    created = client.post("/api/v1/models", json=model_payload(tree["commune"]), headers=headers)
    assert created.status_code == 201
    other = created.get_json()["id"]
    model = model_payload(tree["commune"], replicated_from_id=spelling(other))
    response = client.post("/api/v1/models", json=model, headers=headers)
    assert list(refused_fields(response)) == ["replicated_from_id"]
    meeting = meeting_payload(tree["commune"], linked_model_ids=[spelling(other)])
    response = client.post("/api/v1/meetings", json=meeting, headers=headers)
    assert list(refused_fields(response)) == ["linked_model_ids"]


@pytest.mark.parametrize("spelling", SPELLING_FUNCS[:-1], ids=SPELLING_IDS[:-1])
def test_a_record_is_named_by_its_one_spelling(client, tree, headers, spelling):
    """Another spelling of an existing id in a path names no record."""
    created = client.post("/api/v1/models", json=model_payload(tree["commune"]), headers=headers)
    record_id = created.get_json()["id"]
    assert client.get(f"/api/v1/models/{record_id}", headers=headers).status_code == 200
    response = client.get(f"/api/v1/models/{spelling(record_id)}", headers=headers)
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "NOT_FOUND"
