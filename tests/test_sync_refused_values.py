"""The Python client keeps refused values until the user edits or discards them (PROTOCOL.md §4.6, §5.6)."""

from server.extensions import db
from server.models import ModelRecord
from tests.conftest import model_payload
from tests.sync_helpers import device


def synced_model(phone, tree) -> dict:
    """Create a model on the phone and sync it."""
    body = model_payload(tree["commune"])
    phone.create("models", body)
    phone.sync()
    return body


def test_refused_value_stays_over_later_pulls(client, phone, tree):
    """§5.6: a pull of the record lays the refused value over the server's copy."""
    body = synced_model(phone, tree)
    phone.edit("models", body["id"], {"year_registered": 1800})
    assert phone.sync().results[0]["status"] == "rejected"
    other = device(client, "canbo", name="Máy thứ hai")
    other.sync()
    other.edit("models", body["id"], {"locality": "Bản Xốp Phe"})
    other.sync()
    phone.sync()
    record = phone.record("models", body["id"])
    assert (record["year_registered"], record["locality"]) == (1800, "Bản Xốp Phe")
    assert phone.state.errors[f"models/{body['id']}"]["code"] == "VALIDATION_FAILED"


def test_next_edit_carries_the_refused_values(phone, tree):
    """§4.6: the user's next edit sends the kept values with the new ones."""
    body = synced_model(phone, tree)
    phone.edit("models", body["id"], {"year_registered": 1800, "results": "Thu nhập tăng"})
    phone.sync()
    phone.edit("models", body["id"], {"year_registered": body["year_registered"]})
    assert phone.state.outbox[0]["data"]["results"] == "Thu nhập tăng"
    assert phone.sync().results[0]["status"] == "applied"
    assert db.session.get(ModelRecord, body["id"]).results == "Thu nhập tăng"
    assert phone.state.refused == {} and phone.state.errors == {}


def test_discard_shows_the_server_copy_again(client, phone, tree):
    """§4.6: discarding the refused values shows the server's copy, changes by others included."""
    body = synced_model(phone, tree)
    phone.edit("models", body["id"], {"year_registered": 1800})
    phone.sync()
    other = device(client, "canbo", name="Máy thứ hai")
    other.sync()
    other.edit("models", body["id"], {"locality": "Bản Xốp Phe"})
    other.sync()
    phone.sync()
    phone.discard_refused("models", body["id"])
    record = phone.record("models", body["id"])
    assert (record["year_registered"], record["locality"]) == (
        body["year_registered"],
        "Bản Xốp Phe",
    )
    assert phone.state.errors == {} and phone.state.server_copies == {}


def test_discarding_a_refused_create_drops_it(phone, tree):
    """§4.6: a create the server never accepted leaves nothing behind when discarded."""
    bad = model_payload(tree["commune"], year_registered=1800)
    phone.create("models", bad)
    phone.sync()
    assert phone.record("models", bad["id"])["year_registered"] == 1800
    phone.discard_refused("models", bad["id"])
    assert phone.record("models", bad["id"]) is None


def test_refused_values_survive_a_reset_and_a_saved_state(client, phone, tree):
    """§5.3, §4.6: a reset pull and a reload of the saved state keep the refused values."""
    body = synced_model(phone, tree)
    phone.edit("models", body["id"], {"year_registered": 1800})
    phone.sync()
    phone.state.cursor += 10**9  # a cursor the server never handed out gets a reset (§5.4)
    assert phone.sync().reset
    assert phone.record("models", body["id"])["year_registered"] == 1800
    reloaded = type(phone.state).from_json(phone.state.to_json())
    assert reloaded.refused == {f"models/{body['id']}": {"year_registered": 1800}}


def test_a_later_step_keeps_the_refused_values_and_their_error(phone, tree):
    """§4.6: a review step applied after a refused edit is not an edit: the values stay refused."""
    body = synced_model(phone, tree)
    phone.edit("models", body["id"], {"year_registered": 1800})
    phone.sync()
    phone.review("models", body["id"], "submit")
    assert phone.sync().results[0]["status"] == "applied"
    assert phone.record("models", body["id"])["year_registered"] == 1800
    assert phone.state.errors[f"models/{body['id']}"]["code"] == "VALIDATION_FAILED"
