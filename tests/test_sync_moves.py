"""Records and units that change place reach the devices that see them, and leave the others.

PROTOCOL.md §5.4 through the real client and the Flask test client.
"""

import pytest
from sqlalchemy import event

from server import changes
from server.extensions import db
from server.models import AuditEvent, ModelRecord, Unit
from server.records.tables import TABLES
from tests.conftest import meeting_payload, model_payload
from tests.sync_helpers import device


@pytest.fixture(autouse=True)
def units_stamped(tree):
    """Stamp the tree's units as the unit service does, so that devices pull them."""
    changes.stamp(db.session, list(db.session.scalars(db.select(Unit))))
    db.session.commit()


@pytest.fixture
def province_officer(client, tree, create_user):
    """Return a device of an officer at the province, who may move records between communes."""
    create_user("canbo.tinh", tree["province"], ["CAN_BO_NHAP"])
    d = device(client, "canbo.tinh", name="Máy tỉnh")
    d.sync()
    return d


@pytest.fixture
def foreign_desk(client, tree, create_user):
    """Return the computer of the other province's reviewer, synced once."""
    create_user("lanhdao.ht", tree["foreign"], ["LANH_DAO_DUYET"])
    d = device(client, "lanhdao.ht", name="Máy tính Hà Tĩnh")
    d.sync()
    return d


@pytest.fixture
def admin_headers(admin, login):
    """Return the headers of a signed-in administrator."""
    return login("quantri", "Máy quản trị")


def move_record(d, record_id: str, unit: Unit) -> None:
    """Move a model to another commune from a device and sync."""
    d.edit("models", record_id, {"owner_unit_id": unit.id, "commune_unit_id": unit.id})
    report = d.sync()
    assert report.results[-1]["status"] == "applied", report.results


def move_unit(client, headers: dict, unit: Unit, parent: Unit) -> dict:
    """Move a unit under another parent through the admin route."""
    response = client.patch(
        f"/api/v1/units/{unit.id}", json={"parent_id": parent.id}, headers=headers
    )
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def pull_raw(d) -> dict:
    """Send one pull of the device's cursor and return the raw response, storing nothing."""
    return d._exchange([])


def removed_ids(response: dict, table: str) -> list:
    """Return the ids a response tells the device to drop."""
    return (response["changes"].get("removed") or {}).get(table, [])


def make_conflict(client, officer_device, record_id: str) -> str:
    """Let a second device lose a same-field edit of the record; return the conflict's id."""
    other = device(client, "canbo", name="Máy thứ hai")
    other.sync()
    officer_device.edit("models", record_id, {"results": "Thu nhập tăng 10%"})
    other.edit("models", record_id, {"results": "Thu nhập tăng 20%"})
    officer_device.sync()
    report = other.sync()
    assert report.results[-1]["status"] == "conflict"
    return report.results[-1]["conflicts"][0]


# --- a record moved out and back (issue: removed and changes in one page) --------------------


def test_record_moved_out_and_back_stays_on_a_device_that_had_it(
    client, tree, officer, province_officer
):
    """§5.4: a pull spanning both moves keeps the record, which is in scope again."""
    body = model_payload(tree["commune"])
    province_officer.create("models", body)
    province_officer.sync()
    phone = device(client, "canbo")
    phone.sync()
    assert phone.record("models", body["id"]) is not None
    move_record(province_officer, body["id"], tree["sibling"])
    move_record(province_officer, body["id"], tree["commune"])
    phone.sync()
    assert phone.record("models", body["id"])["owner_unit_id"] == tree["commune"].id


def test_new_device_gets_a_record_moved_out_and_back(client, tree, officer, province_officer):
    """§5.4: a device pulling from cursor 0 is never told to drop what it is sent."""
    body = model_payload(tree["commune"])
    province_officer.create("models", body)
    province_officer.sync()
    move_record(province_officer, body["id"], tree["sibling"])
    move_record(province_officer, body["id"], tree["commune"])
    phone = device(client, "canbo")
    response = pull_raw(phone)
    assert "removed" not in response["changes"]
    phone.sync()
    assert phone.record("models", body["id"]) is not None


def test_no_page_removes_what_it_sends(client, tree, officer, province_officer):
    """§5.4: no response lists in removed a record the device may see now."""
    body = model_payload(tree["commune"])
    province_officer.create("models", body)
    province_officer.sync()
    phone = device(client, "canbo")
    phone.sync()
    move_record(province_officer, body["id"], tree["sibling"])
    move_record(province_officer, body["id"], tree["commune"])
    response = pull_raw(phone)
    assert [m["id"] for m in response["changes"]["models"]] == [body["id"]]
    assert removed_ids(response, "models") == []


def test_record_moved_out_is_still_removed(client, tree, officer, province_officer):
    """§5.4: a record that stays outside the scope is still removed from the device."""
    body = model_payload(tree["commune"])
    province_officer.create("models", body)
    province_officer.sync()
    phone = device(client, "canbo")
    phone.sync()
    move_record(province_officer, body["id"], tree["sibling"])
    move_record(province_officer, body["id"], tree["commune"])
    move_record(province_officer, body["id"], tree["sibling"])
    response = pull_raw(phone)
    assert removed_ids(response, "models") == [body["id"]]
    assert "models" not in response["changes"]
    phone.sync()
    assert phone.record("models", body["id"]) is None


# --- conflicts follow their record -----------------------------------------------------------


def test_conflicts_follow_a_record_to_its_new_commune(
    client, tree, officer, create_user, province_officer
):
    """§5.4, §6.2: the new commune's phones get the record's conflicts; the old ones drop them."""
    create_user("canbo.mx", tree["sibling"], ["CAN_BO_NHAP"])
    sibling_phone = device(client, "canbo.mx", name="Máy Mường Xén")
    sibling_phone.sync()
    phone = device(client, "canbo")
    body = model_payload(tree["commune"])
    phone.create("models", body)
    phone.sync()
    conflict_id = make_conflict(client, phone, body["id"])
    phone.sync()
    assert conflict_id in phone.state.conflicts
    province_officer.sync()
    move_record(province_officer, body["id"], tree["sibling"])
    sibling_phone.sync()
    assert sibling_phone.record("models", body["id"]) is not None
    assert sibling_phone.state.conflicts[conflict_id]["record_id"] == body["id"]
    response = pull_raw(phone)
    assert removed_ids(response, "conflicts") == [conflict_id]
    phone.sync()
    assert phone.record("models", body["id"]) is None
    assert conflict_id not in phone.state.conflicts


# --- units moved under another parent --------------------------------------------------------


@pytest.fixture
def commune_work(client, tree, officer):
    """Return the commune officer's phone holding a model, a meeting and a conflict."""
    phone = device(client, "canbo", name="Điện thoại Nậm Cắn")
    model = model_payload(tree["commune"])
    meeting = meeting_payload(tree["commune"])
    phone.create("models", model)
    phone.create("meetings", meeting)
    phone.sync()
    conflict_id = make_conflict(client, phone, model["id"])
    phone.review("models", model["id"], "submit")
    phone.sync()
    return phone, model["id"], meeting["id"], conflict_id


def test_commune_moved_to_another_province_changes_every_scope(
    client, tree, commune_work, desk, foreign_desk, admin_headers
):
    """§5.4: the old province drops the commune's records; the new one gets them."""
    phone, model_id, meeting_id, conflict_id = commune_work
    desk.sync()
    assert desk.record("models", model_id) is not None
    assert conflict_id in desk.state.conflicts
    move_unit(client, admin_headers, tree["commune"], tree["foreign"])

    assert str(tree["commune"].id) in desk.state.units
    desk.sync()
    assert desk.record("models", model_id) is None
    assert desk.record("meetings", meeting_id) is None
    assert conflict_id not in desk.state.conflicts
    assert str(tree["commune"].id) not in desk.state.units

    foreign_desk.sync()
    assert foreign_desk.record("models", model_id)["review_status"] == "CHO_DUYET"
    assert foreign_desk.record("meetings", meeting_id) is not None
    assert conflict_id in foreign_desk.state.conflicts
    unit = foreign_desk.state.units[str(tree["commune"].id)]
    assert unit["parent_id"] == tree["foreign"].id

    report = phone.sync()
    assert report.reset is True
    assert phone.record("models", model_id) is not None
    assert conflict_id in phone.state.conflicts

    foreign_desk.review("models", model_id, "approve")
    assert foreign_desk.sync().results[-1]["status"] == "applied"


def test_ward_moved_in_brings_its_records(
    client, tree, create_user, desk, foreign_desk, admin_headers
):
    """§5.4: a unit moved under a province reaches that province's devices with its records."""
    create_user("canbo.cx", tree["foreign_commune"], ["CAN_BO_NHAP"])
    foreign_phone = device(client, "canbo.cx", name="Máy Cẩm Xuyên")
    body = model_payload(tree["foreign_commune"])
    foreign_phone.create("models", body)
    foreign_phone.sync()
    foreign_desk.sync()
    assert foreign_desk.record("models", body["id"]) is not None
    move_unit(client, admin_headers, tree["foreign_commune"], tree["province"])
    desk.sync()
    assert desk.record("models", body["id"]) is not None
    assert str(tree["foreign_commune"].id) in desk.state.units
    foreign_desk.sync()
    assert foreign_desk.record("models", body["id"]) is None
    assert str(tree["foreign_commune"].id) not in foreign_desk.state.units


def test_unit_moved_away_and_back_keeps_its_records(
    client, tree, commune_work, desk, admin_headers
):
    """§5.4: a pull spanning a unit's move out and back keeps the records in scope."""
    _, model_id, _, conflict_id = commune_work
    desk.sync()
    move_unit(client, admin_headers, tree["commune"], tree["foreign"])
    move_unit(client, admin_headers, tree["commune"], tree["province"])
    response = pull_raw(desk)
    assert response["changes"].get("removed") in (None, {})
    desk.sync()
    assert desk.record("models", model_id) is not None
    assert conflict_id in desk.state.conflicts


def test_record_moved_out_then_its_old_unit_moved(
    client, tree, officer, desk, admin, auth_headers, admin_headers
):
    """§5.4: a removal reaches the devices that saw the record even after its old unit moved."""
    admin_device = device(client, "quantri", name="Máy quản trị 2")
    body = model_payload(tree["commune"])
    admin_device.create("models", body)
    admin_device.sync()
    desk.sync()
    assert desk.record("models", body["id"]) is not None
    move_record(admin_device, body["id"], tree["foreign_commune"])
    move_unit(client, admin_headers, tree["commune"], tree["foreign"])
    desk.sync()
    assert desk.record("models", body["id"]) is None


def test_unit_move_is_audited_and_restamps_the_subtree(client, tree, commune_work, admin_headers):
    """The move is one audited change; every record of the subtree gets a fresh stamp."""
    _, model_id, _, _ = commune_work
    before = db.session.get(ModelRecord, model_id).change_seq
    move_unit(client, admin_headers, tree["commune"], tree["foreign"])
    db.session.expire_all()
    assert db.session.get(ModelRecord, model_id).change_seq > before
    event = db.session.scalars(
        db.select(AuditEvent).where(
            AuditEvent.table_name == "units", AuditEvent.record_id == str(tree["commune"].id)
        )
    ).all()[-1]
    assert event.before["parent_id"] == tree["province"].id
    assert event.after["parent_id"] == tree["foreign"].id


def test_unit_move_is_set_based(client, tree, officer, admin_headers, desk):
    """A move costs the same few statements for 40 records as for one: no loop over rows."""
    phone = device(client, "canbo")
    for _ in range(40):
        phone.create("models", model_payload(tree["commune"]))
    phone.sync()
    desk.sync()
    assert len(desk.state.records["models"]) == 40
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        move_unit(client, admin_headers, tree["commune"], tree["foreign"])
    finally:
        event.remove(engine, "before_cursor_execute", count)
    writes = [s for s in statements if s.lstrip().upper().startswith(("UPDATE", "INSERT"))]
    # A few statements per record table, whatever the number of records.
    assert len(writes) < 6 * len(TABLES), writes
    desk.sync()
    assert desk.state.records["models"] == {}


def test_a_deletion_not_yet_pulled_leaves_with_the_moved_commune(
    client, tree, commune_work, desk, admin_headers
):
    """§5.4: a device still holding a record deleted since must drop it when its unit leaves."""
    phone, model_id, _, _ = commune_work
    desk.sync()
    assert desk.record("models", model_id) is not None
    phone.review("models", model_id, "withdraw")
    phone.delete("models", model_id)
    assert [r["status"] for r in phone.sync().results] == ["applied", "applied"]
    move_unit(client, admin_headers, tree["commune"], tree["foreign"])
    desk.sync()
    assert desk.record("models", model_id) is None


@pytest.mark.parametrize("listed", [True, False], ids=["scope-listed", "scope-too-wide"])
def test_record_that_left_while_its_commune_was_away_is_removed_after_the_move_back(
    client, tree, officer, admin_headers, monkeypatch, listed
):
    """§5.4: a removal reaches the commune's phone though the commune moved away and back.

    The phone does not pull while its commune is under the other province, so its scope is
    the same when it pulls again (no reset); the record left the commune in between, and the
    removal names the commune's path of that time. Both pull paths: the scope as a list of
    unit ids (kept statements) and as a subquery (statements built per request).
    """
    if not listed:
        from server.sync_api import store

        monkeypatch.setattr(store, "SCOPE_IDS_MAX", 0)
    admin_device = device(client, "quantri", name="Máy quản trị 2")
    body = model_payload(tree["commune"])
    admin_device.create("models", body)
    admin_device.sync()
    phone = device(client, "canbo")
    phone.sync()
    assert phone.record("models", body["id"]) is not None
    move_unit(client, admin_headers, tree["commune"], tree["foreign"])
    move_record(admin_device, body["id"], tree["sibling"])
    move_unit(client, admin_headers, tree["commune"], tree["province"])
    report = phone.sync()
    assert report.reset is False
    assert phone.record("models", body["id"]) is None


def test_conflict_that_left_while_its_commune_was_away_is_removed_after_the_move_back(
    client, tree, commune_work, admin, admin_headers
):
    """§5.4: the conflicts of a record that left a commune away and back leave its phone too."""
    phone, model_id, _, conflict_id = commune_work
    admin_device = device(client, "quantri", name="Máy quản trị 2")
    admin_device.sync()
    move_unit(client, admin_headers, tree["commune"], tree["foreign"])
    admin_device.sync()
    admin_device.review("models", model_id, "withdraw")
    move_record(admin_device, model_id, tree["sibling"])
    move_unit(client, admin_headers, tree["commune"], tree["province"])
    report = phone.sync()
    assert report.reset is False
    assert phone.record("models", model_id) is None
    assert conflict_id not in phone.state.conflicts
