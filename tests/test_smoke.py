"""The factory builds an app on the test database and the main flow works."""

from tests.conftest import model_payload


def test_create_and_read_model(client, officer, tree, login):
    headers = login("canbo")
    body = model_payload(tree["commune"])
    created = client.post("/api/v1/models", json=body, headers=headers)
    assert created.status_code == 201, created.get_json()
    fetched = client.get(f"/api/v1/models/{body['id']}", headers=headers)
    assert fetched.get_json()["name"] == body["name"]
    found = client.get("/api/v1/models?q=ve sinh moi truong", headers=headers).get_json()
    assert [m["id"] for m in found["items"]] == [body["id"]]
