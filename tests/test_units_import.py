"""`flask units import` loads the official 2025 units and can be run again safely."""

from flask import current_app
from sqlalchemy import func, select

from server.extensions import db
from server.models import AuditEvent, Unit
from server.units.service import create_unit, update_unit
from tests.conftest import model_payload, shared_data
from tests.sync_helpers import device


def count(**filters) -> int:
    """Count units matching column filters."""
    return db.session.scalar(select(func.count(Unit.id)).filter_by(**filters))


def _import():
    """Run the import once for the module's tests and return its CLI result."""
    result = current_app.test_cli_runner().invoke(args=["units", "import"])
    assert result.exit_code == 0, result.output
    return result


# ~4 s each time: the module's tests share one import, each rolling back to it.
imported = shared_data(_import)


def test_import_creates_34_provinces(imported):
    assert count(level="TINH") == 34


def test_import_creates_3321_communes(imported):
    assert count(level="XA") == 3321


def test_import_reports_counts(imported):
    assert "34 tỉnh/thành, 3321 xã/phường/đặc khu" in imported.output


def test_import_twice_adds_nothing(imported, runner):
    before = count()
    result = runner.invoke(args=["units", "import"])
    assert result.exit_code == 0, result.output
    assert "tạo mới 0, cập nhật 0" in result.output
    assert count() == before == 1 + 34 + 3321


def test_import_twice_keeps_codes_unique(imported, runner):
    runner.invoke(args=["units", "import"])
    distinct = db.session.scalar(select(func.count(func.distinct(Unit.code))))
    assert distinct == count()


def test_every_commune_sits_under_a_province(imported):
    province = db.aliased(Unit)
    orphans = db.session.scalar(
        select(func.count(Unit.id))
        .join(province, Unit.parent_id == province.id)
        .where(Unit.level == "XA", province.level != "TINH")
    )
    assert orphans == 0
    assert count(level="XA", parent_id=None) == 0


def test_paths_end_with_own_id(imported):
    for unit in db.session.scalars(select(Unit).where(Unit.code.in_(["40", "01"]))):
        assert unit.path == f"/{unit.parent_id}/{unit.id}/"
        assert unit.depth == 1


def test_known_commune_is_searchable(imported):
    # Hà Nội is province 01 in the GSO codes; its wards fold to plain ASCII.
    hanoi = db.session.scalar(select(Unit).where(Unit.code == "01"))
    assert hanoi.name.endswith("Hà Nội")
    assert "ha noi" in hanoi.search_text


def test_import_is_audited_once(imported, runner):
    runner.invoke(args=["units", "import"])
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "import")).all()
    assert len(events) == 1
    assert events[0].after["created"] == 34 + 3321


def test_import_keeps_a_renamed_units_old_name(imported, runner):
    unit = db.session.scalar(select(Unit).where(Unit.code == "40"))
    official = unit.name
    unit.name = "Tên cũ"
    db.session.commit()
    runner.invoke(args=["units", "import"])
    db.session.refresh(unit)
    assert unit.name == official
    assert "Tên cũ" in unit.aliases


def test_import_moving_a_commune_back_carries_its_records(imported, runner, client, create_user):
    """PROTOCOL.md §5.4: a re-import that re-parents a commune changes every device's scope."""
    commune = db.session.scalar(select(Unit).where(Unit.level == "XA").order_by(Unit.code))
    home = commune.parent
    away = db.session.scalar(
        select(Unit).where(Unit.level == "TINH", Unit.id != home.id).order_by(Unit.code)
    )
    update_unit(db.session, commune, actor=None, data={"parent_id": away.id})
    hamlet = create_unit(
        db.session,
        actor=None,
        data={"code": "THON-1", "name": "Thôn Một", "level": "THON", "parent_id": commune.id},
    )
    create_user("canbo.xa", commune, ["CAN_BO_NHAP"])
    create_user("lanhdao.nha", home, ["LANH_DAO_DUYET"])
    create_user("lanhdao.xa", away, ["LANH_DAO_DUYET"])
    phone = device(client, "canbo.xa")
    body = model_payload(commune)
    phone.create("models", body)
    assert phone.sync().results[0]["status"] == "applied"
    home_desk, away_desk = device(client, "lanhdao.nha"), device(client, "lanhdao.xa")
    home_desk.sync()
    away_desk.sync()
    assert away_desk.record("models", body["id"]) is not None

    result = runner.invoke(args=["units", "import"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert commune.parent_id == home.id
    assert hamlet.path == f"{commune.path}{hamlet.id}/"
    away_desk.sync()
    assert away_desk.record("models", body["id"]) is None
    home_desk.sync()
    assert home_desk.record("models", body["id"]) is not None
