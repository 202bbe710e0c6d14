"""Every write leaves an audit event: who, from which device, what before and after."""

import pytest
from sqlalchemy import select

from server.extensions import db
from server.models import AuditEvent, Device
from tests.conftest import meeting_payload, model_payload

PAYLOADS = {"models": model_payload, "meetings": meeting_payload}
TITLE = {"models": "name", "meetings": "title"}


@pytest.fixture
def headers(officer, auth_headers):
    """Return the commune officer's headers."""
    return auth_headers(officer)


@pytest.fixture
def device_id(headers, officer) -> str:
    """Return the id of the officer's device."""
    return db.session.scalar(select(Device.id).where(Device.user_id == officer.id))


def events(**filters) -> list[AuditEvent]:
    """Return audit events matching column filters, oldest first."""
    return list(db.session.scalars(select(AuditEvent).filter_by(**filters).order_by(AuditEvent.id)))


def create(client, tree, headers, table: str) -> dict:
    """Create a record and return its JSON."""
    response = client.post(
        f"/api/v1/{table}", json=PAYLOADS[table](tree["commune"]), headers=headers
    )
    assert response.status_code == 201
    return response.get_json()


@pytest.mark.parametrize("table", PAYLOADS)
def test_create_is_audited(client, tree, headers, officer, device_id, table):
    record = create(client, tree, headers, table)
    (event,) = events(record_id=record["id"])
    assert (event.table_name, event.action) == (table, "create")
    assert (event.user_id, event.device_id) == (officer.id, device_id)
    assert event.before is None
    assert event.after[TITLE[table]] == record[TITLE[table]]


@pytest.mark.parametrize("table", PAYLOADS)
def test_update_is_audited_with_before_and_after(client, tree, headers, officer, table):
    record = create(client, tree, headers, table)
    old = record[TITLE[table]]
    client.patch(
        f"/api/v1/{table}/{record['id']}",
        json={"version": 1, TITLE[table]: "Tên đã sửa"},
        headers=headers,
    )
    event = events(record_id=record["id"])[-1]
    assert (event.action, event.user_id) == ("update", officer.id)
    assert event.before == {TITLE[table]: old}
    assert event.after == {TITLE[table]: "Tên đã sửa"}


@pytest.mark.parametrize("table", PAYLOADS)
def test_edit_that_changes_nothing_is_not_audited(client, tree, headers, table):
    record = create(client, tree, headers, table)
    client.patch(
        f"/api/v1/{table}/{record['id']}",
        json={"version": 1, TITLE[table]: record[TITLE[table]]},
        headers=headers,
    )
    assert [e.action for e in events(record_id=record["id"])] == ["create"]


@pytest.mark.parametrize("table", PAYLOADS)
def test_delete_is_audited(client, tree, headers, officer, table):
    record = create(client, tree, headers, table)
    client.delete(f"/api/v1/{table}/{record['id']}", json={"version": 1}, headers=headers)
    event = events(record_id=record["id"])[-1]
    assert (event.action, event.user_id) == ("delete", officer.id)
    assert (event.before, event.after) == ({"deleted": False}, {"deleted": True})


@pytest.mark.parametrize("table", PAYLOADS)
@pytest.mark.parametrize(
    ("steps", "actor"),
    [
        ([("submit", None)], "officer"),
        ([("submit", None), ("withdraw", None)], "officer"),
        ([("cancel", None)], "officer"),
        ([("submit", None), ("approve", "Tốt")], "reviewer"),
        ([("submit", None), ("return", "Bổ sung số liệu")], "reviewer"),
        ([("submit", None), ("approve", None), ("reopen", "Mở lại để sửa")], "reviewer"),
    ],
    ids=["submit", "withdraw", "cancel", "approve", "return", "reopen"],
)
def test_review_step_is_audited(
    client, tree, headers, officer, reviewer, auth_headers, table, steps, actor
):
    record = create(client, tree, headers, table)
    reviewer_headers = auth_headers(reviewer)
    version = 1
    for action, comment in steps:
        who = headers if action in ("submit", "withdraw", "cancel") else reviewer_headers
        response = client.post(
            f"/api/v1/{table}/{record['id']}/review",
            json={"action": action, "version": version, "comment": comment},
            headers=who,
        )
        assert response.status_code == 200, response.get_json()
        version = response.get_json()["version"]
    event = events(record_id=record["id"])[-1]
    action, comment = steps[-1]
    assert event.action == action
    assert event.comment == comment
    assert event.user_id == (officer if actor == "officer" else reviewer).id
    assert set(event.before) == set(event.after) >= {"review_status"}


def test_history_endpoint_lists_the_events(client, tree, headers):
    record = create(client, tree, headers, "models")
    url = f"/api/v1/models/{record['id']}"
    client.patch(url, json={"version": 1, "name": "Tên mới"}, headers=headers)
    client.post(f"{url}/review", json={"action": "submit", "version": 2}, headers=headers)
    history = client.get(f"{url}/history", headers=headers).get_json()
    assert [e["action"] for e in history] == ["create", "update", "submit"]
    assert {e["user_name"] for e in history} == {"Lò Văn Minh"}


def test_refused_write_is_not_audited(client, tree, headers):
    record = create(client, tree, headers, "models")
    client.patch(
        f"/api/v1/models/{record['id']}", json={"version": 9, "name": "Cũ"}, headers=headers
    )
    assert [e.action for e in events(record_id=record["id"])] == ["create"]


@pytest.fixture
def admin_headers(admin, auth_headers):
    """Return the administrator's headers."""
    return auth_headers(admin)


def test_unit_create_is_audited(client, tree, admin, admin_headers):
    body = {"code": "THON-1", "name": "Bản Huồi Pủng", "level": "THON"}
    response = client.post(
        "/api/v1/units", json={**body, "parent_id": tree["commune"].id}, headers=admin_headers
    )
    unit = response.get_json()
    (event,) = events(table_name="units", record_id=str(unit["id"]))
    assert (event.action, event.user_id) == ("create", admin.id)
    assert event.after["name"] == "Bản Huồi Pủng"
    assert event.after["parent_id"] == tree["commune"].id


def test_unit_update_is_audited(client, tree, admin, admin_headers):
    unit_id = tree["sibling"].id
    client.patch(
        f"/api/v1/units/{unit_id}", json={"name": "Xã Mường Xén mới"}, headers=admin_headers
    )
    (event,) = events(table_name="units", record_id=str(unit_id))
    assert (event.action, event.user_id) == ("update", admin.id)
    assert event.before["name"] == "Xã Mường Xén"
    assert event.after["name"] == "Xã Mường Xén mới"


def test_unit_move_is_audited(client, tree, admin_headers):
    unit_id = tree["sibling"].id
    client.patch(
        f"/api/v1/units/{unit_id}", json={"parent_id": tree["foreign"].id}, headers=admin_headers
    )
    (event,) = events(table_name="units", record_id=str(unit_id))
    assert (event.before["parent_id"], event.after["parent_id"]) == (
        tree["province"].id,
        tree["foreign"].id,
    )


def test_units_import_is_audited(runner):
    runner.invoke(args=["units", "import"])
    (event,) = events(table_name="units", action="import")
    assert event.user_id is None
    assert event.after["created"] == 34 + 3321
