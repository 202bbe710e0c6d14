"""Points of the contract a client writer had to guess (PROTOCOL.md §3.2, §7), now written down."""

import pytest

from tests.conftest import model_payload


@pytest.fixture
def send(client, officer, login):
    """Return a function that posts one sync request of the officer's device."""
    headers = login("canbo", device_name="Điện thoại")

    def post(mutations: list, cursor: int = 0) -> dict:
        body = {"protocol": 1, "schema": 1, "cursor": cursor, "mutations": mutations}
        response = client.post("/api/v1/sync", json=body, headers=headers)
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    return post


def _put(seq: int, data: dict, base: int) -> dict:
    return {"seq": seq, "op": "put", "table": "models", "base": base, "data": data}


def test_edit_after_an_unanswered_edit_keeps_the_last_received_base(send, tree):
    """§3.2: base stays the version last received; the server never conflicts a device with itself."""
    model = model_payload(tree["commune"])
    send([_put(1, model, 0)])
    first = _put(2, {"id": model["id"], "name": "Tên thứ hai"}, 1)
    send([first])  # its answer is lost: the device still knows version 1
    answer = send([first, _put(3, {"id": model["id"], "name": "Tên thứ ba"}, 1)])
    assert answer["results"] == [
        {"seq": 2, "status": "applied", "version": 2, "duplicate": True},
        {"seq": 3, "status": "applied", "version": 3},
    ]
    assert "conflicts" not in answer["changes"]


def test_records_are_created_as_drafts(send, tree, client, login):
    """§3.2, §7: a new record is a draft (NHAP); a client cannot set its review status."""
    model = model_payload(tree["commune"])
    refused = send([_put(1, {**model, "review_status": "DA_DUYET"}, 0)])
    assert refused["results"][0]["code"] == "VALIDATION_FAILED"
    send([_put(2, model, 0)])
    got = client.get(f"/api/v1/models/{model['id']}", headers=login("canbo"))
    assert got.get_json()["review_status"] == "NHAP"


def test_resolve_ignores_base(send, tree, client, login):
    """§3.2: the base of a resolve is ignored."""
    model = model_payload(tree["commune"])
    send([_put(1, model, 0)])
    other = login("canbo", device_name="Máy khác")
    body = {
        "protocol": 1,
        "schema": 1,
        "cursor": 0,
        "mutations": [_put(1, {"id": model["id"], "name": "Tên của máy khác"}, 1)],
    }
    assert client.post("/api/v1/sync", json=body, headers=other).status_code == 200
    clash = send([_put(2, {"id": model["id"], "name": "Tên của điện thoại"}, 1)])
    [conflict] = clash["results"][0]["conflicts"]
    resolve = {
        "seq": 3,
        "op": "resolve",
        "table": "conflicts",
        "base": 12345,
        "data": {"id": conflict, "resolution": "KEEP_KEPT"},
    }
    assert send([resolve])["results"][0]["status"] == "applied"
