"""Pulls send each record version's kept JSON, identical to rendering the row (PROTOCOL.md §5)."""

import json
import uuid

import pytest
from sqlalchemy import select, update

from server.extensions import db
from server.records import wire
from server.records.tables import TABLES
from tests.conftest import meeting_payload, model_payload
from tests.factories import inspection_payload, recognition_payload
from tests.test_sync_echo import _full_meeting


@pytest.fixture
def officer_headers(officer, auth_headers):
    return auth_headers(officer, "Điện thoại")


@pytest.fixture
def reviewer_headers(reviewer, auth_headers):
    return auth_headers(reviewer, "Máy tính")


def _sync(client, headers, mutations=(), seq: int = 1, cursor: int = 0) -> dict:
    numbered = [{"seq": seq + i, **m} for i, m in enumerate(mutations)]
    body = {"protocol": 1, "schema": 1, "cursor": cursor, "limit": 1000, "mutations": numbered}
    response = client.post("/api/v1/sync", json=body, headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def _put(table: str, data: dict, base: int = 0) -> dict:
    return {"op": "put", "table": table, "base": base, "data": data}


def _review(table: str, record_id: str, action: str, base: int, comment=None) -> dict:
    data = {"id": record_id, "action": action} | ({"comment": comment} if comment else {})
    return {"op": "review", "table": table, "base": base, "data": data}


def _every_shape(client, tree, officer_headers, reviewer_headers) -> None:
    """Write records of every shape: created, edited, deleted, submitted, approved, returned."""
    commune = tree["commune"]
    plain = model_payload(commune)
    lean = model_payload(commune, metrics=[], topic_tags=[], results=None, notes=None)
    person = model_payload(
        commune,
        subject_type="CA_NHAN",
        collective_name=None,
        person_name="Lò Thị Mai",
        metrics=[{"metric": "Số hộ", "value": 12.5, "unit": None}],
    )
    full = _full_meeting(commune.id)
    short = meeting_payload(commune, sites=[], end_at=None)
    gone, returned = model_payload(commune), meeting_payload(commune)
    issued = client.post(
        "/api/v1/criteria-sets",
        json={
            "issuer_unit_id": tree["province"].id,
            "name": "Bộ tiêu chí",
            "applies_to": ["MO_HINH"],
            "allow_self": True,
            "criteria": [{"order": 1, "code": "TC1", "text": "Bền vững", "max_points": 10}],
            "thresholds": {"DAT": 5},
        },
        headers=reviewer_headers,
    )
    assert issued.status_code == 201, issued.get_json()
    evaluation = {
        "id": str(uuid.uuid4()),
        "owner_unit_id": commune.id,
        "model_id": plain["id"],
        "set_id": issued.get_json()["id"],
        "eval_date": "2026-11-20",
        "scores": [{"code": "TC1", "points": 7.5, "comment": "Tốt"}],
    }
    commended = recognition_payload(
        plain["id"], commune, stage="KHEN", form="GIAY_KHEN", decision_no="7/QĐ-UBND"
    )
    inspected = inspection_payload(commune, [commune], other_targets=["HTX Nậm Cắn"])
    first = _sync(
        client,
        officer_headers,
        [
            _put("models", plain),
            _put("models", lean),
            _put("models", person),
            _put("meetings", full),
            _put("meetings", short),
            _put("models", gone),
            _put("meetings", returned),
            _put("recognitions", commended),
            _put("inspections", inspected),
            _put("models", {"id": plain["id"], "name": "Tên mới", "results": None}, base=1),
            {"op": "delete", "table": "models", "base": 1, "data": {"id": gone["id"]}},
            _review("models", person["id"], "submit", 1),
            _review("meetings", returned["id"], "submit", 1),
            _put("evaluations", evaluation),
        ],
    )
    second = _sync(
        client,
        reviewer_headers,
        [
            _review("models", person["id"], "approve", 2),
            _review("meetings", returned["id"], "return", 2, "Bổ sung biên bản"),
        ],
    )
    results = first["results"] + second["results"]
    bad = [r for r in results if r["status"] != "applied"]
    assert not bad, [(r["seq"], r.get("details")) for r in bad]


def _rows():
    db.session.expire_all()
    for name, table in TABLES.items():
        for row in db.session.scalars(select(table.model)):
            yield name, table, row


def test_every_write_keeps_the_text_a_fresh_render_gives(app, client, tree, officer_headers,
                                                         reviewer_headers):  # fmt: skip
    """§5: the kept JSON of each row is what rendering the row read back from the database gives."""
    _every_shape(client, tree, officer_headers, reviewer_headers)
    rows = list(_rows())
    assert {name for name, _, _ in rows} == set(TABLES)
    assert any(row.deleted for _, _, row in rows)
    for _, table, row in rows:
        assert row.wire_seq == row.change_seq
        assert json.loads(row.wire_json) == wire.record_json(table, row)


def test_pull_with_kept_text_equals_pull_rendering_rows(app, client, tree, officer_headers,
                                                        reviewer_headers, auth_headers,
                                                        officer):  # fmt: skip
    """§5: a device pulling from 0 receives the same changes whether the text is kept or not."""
    _every_shape(client, tree, officer_headers, reviewer_headers)
    kept = _sync(client, auth_headers(officer, "Máy mới"))
    for table in TABLES.values():
        db.session.execute(update(table.model).values(wire_json=None, wire_seq=None))
    db.session.commit()
    rendered = _sync(client, auth_headers(officer, "Máy mới nữa"))
    assert kept["changes"] == rendered["changes"]
    assert kept["changes"]["models"] and kept["changes"]["meetings"]


def test_text_older_than_the_row_is_not_sent(app, client, tree, officer_headers, auth_headers,
                                             officer):  # fmt: skip
    """§5: a row changed around the kept text (its change_seq moved on) is rendered afresh."""
    record = model_payload(tree["commune"])
    _sync(client, officer_headers, [_put("models", record)])
    model = TABLES["models"].model
    db.session.execute(
        update(model)
        .where(model.id == record["id"])
        .values(wire_json='{"stale": true}', wire_seq=model.change_seq - 1)
    )
    db.session.commit()
    pulled = _sync(client, auth_headers(officer, "Máy khác"))["changes"]["models"]
    assert [r["id"] for r in pulled] == [record["id"]]
    assert pulled[0]["name"] == record["name"]


def test_fill_renders_rows_written_around_the_orm(app, client, tree, officer_headers,
                                                  reviewer_headers):  # fmt: skip
    """`flask sync render` fills the text of rows a bulk import left empty, as a write would."""
    _every_shape(client, tree, officer_headers, reviewer_headers)
    for table in TABLES.values():
        db.session.execute(update(table.model).values(wire_json=None, wire_seq=None))
    db.session.commit()
    assert wire.fill(db.session, batch=3) == len(list(_rows()))
    for _, table, row in _rows():
        assert row.wire_seq == row.change_seq
        assert json.loads(row.wire_json) == wire.record_json(table, row)
    assert wire.fill(db.session) == 0


def test_a_unit_move_keeps_the_text_current(app, client, tree, officer_headers, reviewer_headers,
                                            admin, auth_headers):  # fmt: skip
    """§5.4: rows restamped by a unit move keep their text, which a move does not change."""
    _every_shape(client, tree, officer_headers, reviewer_headers)
    before = {row.id: row.change_seq for _, _, row in _rows()}
    response = client.patch(
        f"/api/v1/units/{tree['commune'].id}",
        json={"parent_id": tree["foreign"].id},
        headers=auth_headers(admin, "Máy quản trị"),
    )
    assert response.status_code == 200, response.get_json()
    for _, table, row in _rows():
        assert row.change_seq > before[row.id]
        assert row.wire_seq == row.change_seq
        assert json.loads(row.wire_json) == wire.record_json(table, row)
