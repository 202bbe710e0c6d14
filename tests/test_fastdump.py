"""The fast renderer gives exactly what the marshmallow output schemas give."""

from sqlalchemy import select

from server.extensions import db
from server.fastdump import FastDumper
from server.models import Conflict, Unit
from server.records.tables import TABLES
from server.sync_api.schemas import ConflictOut
from server.units.schemas import UnitOut
from tests.conftest import meeting_payload, model_payload


def test_records_render_as_the_schema_does(client, tree, officer, reviewer, login):
    headers = login("canbo")
    bodies = {
        "models": model_payload(tree["commune"], person_birth_year=None, geo_lat=21.5),
        "meetings": meeting_payload(
            tree["commune"],
            end_at="2024-08-12T11:30",
            sites=[{"name": "Điểm cầu xã"}],
            audience=["NHAN_DAN"],
        ),
    }
    for name, body in bodies.items():
        assert client.post(f"/api/v1/{name}", json=body, headers=headers).status_code == 201
        client.post(
            f"/api/v1/{name}/{body['id']}/review",
            json={"action": "submit", "version": 1},
            headers=headers,
        )
        table = TABLES[name]
        record = db.session.get(table.model, body["id"])
        assert table.dumper().dump(record) == table.output_schema().dump(record)


def test_units_and_conflicts_render_as_the_schema_does(tree, officer):
    unit = db.session.scalars(select(Unit)).first()
    assert FastDumper(UnitOut()).dump(unit) == UnitOut().dump(unit)
    conflict = Conflict(
        id="c1",
        table_name="models",
        record_id="r1",
        owner_unit_id=unit.id,
        field="name",
        kept_value="A",
        lost_value={"x": 1},
        reason="SAME_FIELD",
        base_version=1,
        record_version=2,
    )
    assert FastDumper(ConflictOut()).dump(conflict) == ConflictOut().dump(conflict)
