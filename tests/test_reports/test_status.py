"""R7 (sync and review status by unit) and the dashboard."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from server.extensions import db
from server.models import AuditEvent, Device, ModelRecord
from server.models.types import utcnow
from tests.test_reports.conftest import in_2020

SYNCED = datetime(2024, 6, 1, 3, 30, tzinfo=UTC)


@pytest.fixture
def headers(reviewer, auth_headers):
    """Return the provincial reviewer's headers."""
    return auth_headers(reviewer)


@pytest.fixture
def add_device(app):
    """Return a factory of signed-in devices with what they reported at their last sync."""

    def make(user, *, pending=0, synced=None, version=None, revoked=False) -> Device:
        now = utcnow()
        device = Device(
            id=str(uuid.uuid4()),
            user_id=user.id,
            name="Điện thoại",
            token_hash=uuid.uuid4().hex,
            app_version=version,
            created_at=now,
            last_seen_at=now,
            expires_at=now + timedelta(days=30),
            revoked_at=now if revoked else None,
            pending_count=pending,
            last_sync_at=synced,
        )
        db.session.add(device)
        db.session.commit()
        return device

    return make


@pytest.fixture
def fleet(tree, officer, create_user, add_device):
    """Give the commune's officer two phones and the sibling commune's one; one more is revoked."""
    other = create_user("canbo2", tree["sibling"], ["CAN_BO_NHAP"])
    add_device(officer, pending=3, synced=SYNCED, version="1.2.0")
    add_device(officer, pending=4, synced=SYNCED - timedelta(days=3), version="1.1.0")
    add_device(other, pending=0, synced=None, version=None)
    add_device(other, pending=50, synced=SYNCED + timedelta(days=1), version="0.9", revoked=True)
    return tree


def fetch(client, headers, route: str, **args) -> dict:
    """Fetch a report or the dashboard as JSON."""
    response = client.get(f"/api/v1/{route}", query_string=args, headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_r7(client, headers, fleet, add_model, add_meeting):
    commune = fleet["commune"]
    for review in ("CHO_DUYET", "CHO_DUYET", "TRA_LAI", "DA_DUYET", "NHAP"):
        add_model(commune, review=review)
    add_meeting(commune, review="DA_DUYET")
    add_model(commune, review="CHO_DUYET", **in_2020())  # another period
    report = fetch(client, headers, "reports/r7", period="NAM_2024")
    assert [c["label"] for c in report["columns"]] == [
        "STT",
        "Đơn vị",
        "Số thiết bị",
        "Bản ghi chờ đồng bộ",
        "Chờ duyệt",
        "Trả lại",
        "Đã duyệt",
        "Lần đồng bộ gần nhất",
        "Phiên bản ứng dụng",
    ]
    rows = {r["unit_name"]: r for r in report["rows"]}
    nam_can = rows["Xã Nậm Cắn"]
    assert (nam_can["so_thiet_bi"], nam_can["cho_dong_bo"]) == (2, 7)
    assert (nam_can["cho_duyet"], nam_can["tra_lai"], nam_can["da_duyet"]) == (2, 1, 2)
    assert nam_can["lan_dong_bo_gan_nhat"] == "2024-06-01T03:30:00+00:00"
    assert nam_can["phien_ban"] == "1.1.0 (1 máy); 1.2.0 (1 máy)"
    muong_xen = rows["Xã Mường Xén"]
    assert (muong_xen["so_thiet_bi"], muong_xen["cho_dong_bo"]) == (1, 0)
    assert muong_xen["lan_dong_bo_gan_nhat"] is None
    assert muong_xen["phien_ban"] == "chưa rõ (1 máy)"
    # The reviewer's own session is a device of the province's row.
    assert rows["Tỉnh Nghệ An (trực tiếp quản lý)"]["so_thiet_bi"] == 1
    totals = report["totals"]
    assert (totals["so_thiet_bi"], totals["cho_dong_bo"], totals["cho_duyet"]) == (4, 7, 2)
    assert totals["lan_dong_bo_gan_nhat"] == "2024-06-01T03:30:00+00:00"


def test_r7_export_shows_vietnam_time(client, headers, fleet):
    import csv
    import io

    response = client.get(
        "/api/v1/reports/r7", query_string={"format": "csv", "period": "NAM_2024"}, headers=headers
    )
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    nam_can = next(r for r in rows if r[1] == "Xã Nậm Cắn")
    assert nam_can[7] == "01/06/2024 10:30"  # 03:30 UTC is 10:30 in Vietnam


def test_r7_has_no_records_filter(client, headers, fleet):
    response = client.get("/api/v1/reports/r7?records=all", headers=headers)
    assert response.status_code == 422


def _submitted(record, *, days: int, column: bool = True, event: bool = True) -> None:
    """Make a submitted record look submitted some days ago, by its column or its audit trail."""
    at = utcnow() - timedelta(days=days)
    table = type(record)
    db.session.execute(
        update(table).where(table.id == record.id).values(submitted_at=at if column else None)
    )
    events = (AuditEvent.record_id == record.id, AuditEvent.action == "submit")
    if event:
        db.session.execute(update(AuditEvent).where(*events).values(at=at, acted_at=at))
    else:
        db.session.execute(AuditEvent.__table__.delete().where(*events))


@pytest.fixture
def backlog(tree, add_model, add_meeting):
    """Submit records 2, 10 and 40 days ago, and two older ones without submitted_at."""
    for days in (2, 10, 40):
        _submitted(add_model(tree["commune"], review="CHO_DUYET"), days=days)
    _submitted(add_meeting(tree["sibling"], review="CHO_DUYET"), days=1)
    # Submitted before submitted_at existed: the audit trail says 35 days ago.
    _submitted(add_model(tree["commune"], review="CHO_DUYET"), days=35, column=False)
    # Neither: the last change, 8 days ago, stands in.
    orphan = add_model(tree["commune"], review="CHO_DUYET")
    _submitted(orphan, days=0, column=False, event=False)
    db.session.execute(
        update(ModelRecord)
        .where(ModelRecord.id == orphan.id)
        .values(updated_at=utcnow() - timedelta(days=8))
    )
    add_model(tree["commune"], review="DA_DUYET")
    db.session.commit()
    return tree


def test_dashboard_backlog_ages(client, headers, backlog):
    board = fetch(client, headers, "dashboard", period="NAM_2024")
    assert board["backlog"]["total"] == 6
    assert board["backlog"]["ages"] == {"lt_7": 2, "d7_30": 2, "gt_30": 2}
    assert board["backlog"]["by_table"] == {"models": 5, "meetings": 1}
    rows = {r["unit_id"]: r for r in board["backlog"]["by_row"]}
    assert rows[backlog["commune"].id]["ages"] == {"lt_7": 1, "d7_30": 2, "gt_30": 2}
    assert rows[backlog["sibling"].id]["total"] == 1


def test_dashboard_models_and_meetings(client, headers, tree, add_model, add_meeting):
    add_model(tree["commune"], field="KINH_TE")
    add_model(tree["commune"], field="KINH_TE", review="CHO_DUYET")
    add_model(tree["sibling"], field="QP_AN")
    add_model(tree["sibling"], field="QP_AN", start_date="2022-01-01", year_registered=2022)
    add_meeting(tree["commune"], type="TOA_DAM", actual_count=45)
    add_meeting(tree["commune"], type="DOI_THOAI", actual_count=120)
    board = fetch(client, headers, "dashboard", period="NAM_2024")
    assert board["unit"]["name"] == "Tỉnh Nghệ An"
    # The province's row is there for the reviewer's own device (see devices below).
    assert [r["unit_name"] for r in board["rows"]] == [
        "Tỉnh Nghệ An (trực tiếp quản lý)",
        "Xã Nậm Cắn",
        "Xã Mường Xén",
    ]
    models = board["models"]
    assert models["total"] == 2
    assert models["by_field"] == {"KINH_TE": 1, "VAN_HOA_XA_HOI": 0, "QP_AN": 1, "XD_HTCT": 0}
    assert [(y["year"], y["total"]) for y in models["by_year"]] == [
        (2020, 0),
        (2021, 0),
        (2022, 1),
        (2023, 0),
        (2024, 2),
    ]
    meetings = board["meetings"]
    assert (meetings["total"], meetings["attendance"]) == (2, 165)
    assert meetings["by_type"]["DOI_THOAI"] == 1
    commune = next(r for r in meetings["by_row"] if r["unit_id"] == tree["commune"].id)
    assert (commune["total"], commune["attendance"]) == (2, 165)
    all_records = fetch(client, headers, "dashboard", period="NAM_2024", records="all")
    assert all_records["models"]["total"] == 3


def test_dashboard_devices(client, headers, fleet):
    devices = fetch(client, headers, "dashboard")["devices"]
    # Three phones of the communes' officers, and the reviewer's session; not the revoked one.
    assert (devices["devices"], devices["pending"]) == (4, 7)
    assert devices["last_sync_at"] == "2024-06-01T03:30:00+00:00"
    assert devices["app_versions"] == [
        {"version": "1.1.0", "devices": 1},
        {"version": "1.2.0", "devices": 1},
        {"version": None, "devices": 2},
    ]
    commune = next(r for r in devices["by_row"] if r["unit_id"] == fleet["commune"].id)
    assert (commune["devices"], commune["pending"]) == (2, 7)


def test_dashboard_is_scoped_to_the_viewer(client, officer, auth_headers, fleet, add_model):
    add_model(fleet["commune"])
    add_model(fleet["sibling"])
    board = fetch(client, auth_headers(officer), "dashboard", period="NAM_2024")
    assert board["unit"]["id"] == fleet["commune"].id
    assert board["models"]["total"] == 1
    assert board["devices"]["devices"] == 2 + 1  # the two phones, and the one auth_headers made
