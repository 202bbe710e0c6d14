"""A record created by a push is the row the JSON API creates, column for column (PROTOCOL.md §4.4)."""

import json

import pytest
from sqlalchemy import select

from server.extensions import db
from server.models import AuditEvent, Meeting, ModelRecord
from tests.conftest import meeting_payload, model_payload
from tests.files_helpers import item

# Columns that differ between two records by nature: their ids and when they were written.
OWN = {"id", "change_seq", "wire_seq", "created_at", "updated_at"}


def _columns(record) -> dict:
    out = {c.key: getattr(record, c.key) for c in record.__table__.columns if c.key not in OWN}
    out["wire_json"] = {k: v for k, v in json.loads(record.wire_json).items() if k not in OWN}
    return out


def _created_event(record_id: str) -> dict:
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.record_id == record_id, AuditEvent.action == "create")
    ).one()
    return {
        # Key order too: the snapshot is stored as built.
        "after": json.dumps({k: v for k, v in event.after.items() if k != "id"}),
        "user_id": event.user_id,
        "device_id": event.device_id,
        "version": event.version,
        "base_version": event.base_version,
    }


@pytest.mark.parametrize(
    ("table", "model", "payload"),
    [
        ("models", ModelRecord, lambda tree: model_payload(tree["commune"])),
        (
            "models",
            ModelRecord,
            lambda tree: model_payload(
                tree["commune"], attachments=[item(b"anh"), item(b"bien ban", kind="BIEN_BAN")]
            ),
        ),
        ("meetings", Meeting, lambda tree: meeting_payload(tree["commune"])),
    ],
    ids=["model", "model with attachments", "meeting defaults filled"],
)
def test_sync_create_and_json_api_create_store_the_same_row(
    app, client, phone, tree, table, model, payload
):
    """§4.4: a push creates its rows outside the ORM; they equal the JSON API's in every column."""
    body = payload(tree)
    db.session.commit()
    synced = phone.create(table, body)
    report = phone.sync()
    assert [r["status"] for r in report.results] == ["applied"], report.results
    posted = client.post(
        f"/api/v1/{table}",
        json={**body, "id": "0f0e0d0c-0b0a-4908-8706-050403020100"},
        headers={"Authorization": f"Bearer {phone.token}"},
    )
    assert posted.status_code == 201, posted.get_json()
    db.session.expire_all()
    by_sync = db.session.get(model, synced["id"])
    by_api = db.session.get(model, "0f0e0d0c-0b0a-4908-8706-050403020100")
    assert _columns(by_sync) == _columns(by_api)
    assert by_sync.wire_seq == by_sync.change_seq and by_api.wire_seq == by_api.change_seq
    assert _created_event(by_sync.id) == _created_event(by_api.id)
