"""The `flask demo` command loads realistic demo data once and is safe to run again."""

import unicodedata

from sqlalchemy import func, select

from server.auth.passwords import verify_password
from server.demo import DEMO_MEETINGS, DEMO_MODELS, DEMO_PASSWORD, record_id
from server.enums import FIELD
from server.extensions import db
from server.models import AuditEvent, Meeting, ModelRecord, Unit, User

EXPECTED_ROLES = {
    "canbo.demo": ["CAN_BO_NHAP"],
    "canbo2.demo": ["CAN_BO_NHAP"],
    "lanhdao.demo": ["LANH_DAO_DUYET"],
    "xem.demo": ["XEM"],
    "quantri.demo": ["QUAN_TRI"],
}


def _counts() -> dict:
    return {
        "units": db.session.scalar(select(func.count()).select_from(Unit)),
        "users": db.session.scalar(select(func.count()).select_from(User)),
        "models": db.session.scalar(select(func.count()).select_from(ModelRecord)),
        "meetings": db.session.scalar(select(func.count()).select_from(Meeting)),
        "audit": db.session.scalar(select(func.count()).select_from(AuditEvent)),
    }


def _by_status(model) -> dict:
    rows = db.session.execute(
        select(model.review_status, func.count()).group_by(model.review_status)
    )
    return dict(rows.all())


def test_demo_loads_once_and_again_creates_nothing(runner):
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    assert f"mật khẩu: {DEMO_PASSWORD}" in first.output
    assert "canbo.demo" in first.output

    users = {u.username: u for u in db.session.scalars(select(User))}
    assert {name: users[name].roles for name in EXPECTED_ROLES} == EXPECTED_ROLES
    assert verify_password(users["canbo.demo"].password_hash, DEMO_PASSWORD)
    assert users["canbo.demo"].unit.name == "Xã Nậm Cắn"
    assert users["lanhdao.demo"].unit.code == "40"
    assert users["quantri.demo"].unit.code == "TW"
    border = db.session.scalars(select(Unit.name).where(Unit.is_border.is_(True))).all()
    assert sorted(border) == ["Xã Mường Xén", "Xã Nậm Cắn"]

    models = list(db.session.scalars(select(ModelRecord)))
    meetings = list(db.session.scalars(select(Meeting)))
    assert len(models) == len(DEMO_MODELS) == 30
    assert len(meetings) == len(DEMO_MEETINGS) == 15
    assert {m.field for m in models} == set(FIELD)
    assert {m.subject_type for m in models} == {"TAP_THE", "CA_NHAN"}
    assert {m.kind for m in models} == {"MO_HINH", "DIEN_HINH"}
    assert {m.period for m in models} == {"GD_2016_2020", "GD_2021_2025"}
    assert {"TRUC_TUYEN"} <= {m.format for m in meetings}
    assert {"TOA_DAM", "TAP_HUAN", "SO_KET", "TONG_KET", "DOI_THOAI", "GIAO_BAN"} <= {
        m.type for m in meetings
    }
    assert _by_status(ModelRecord) == {"DA_DUYET": 16, "CHO_DUYET": 6, "TRA_LAI": 2, "NHAP": 6}
    assert _by_status(Meeting) == {"DA_DUYET": 8, "CHO_DUYET": 3, "TRA_LAI": 1, "NHAP": 3}

    returned = db.session.get(ModelRecord, record_id("model", "det-tho-cam"))
    assert returned.review_status == "TRA_LAI"
    assert "bổ sung số liệu" in returned.review_comment
    assert returned.reviewed_by_name == users["lanhdao.demo"].full_name
    approved = db.session.get(ModelRecord, record_id("model", "tuyen-pho-kim-tan"))
    assert approved.review_status == "DA_DUYET"
    assert approved.created_by_id == users["canbo2.demo"].id
    copy = db.session.get(ModelRecord, record_id("model", "tuyen-pho-tan-tien"))
    assert copy.replicated_from_id == approved.id

    # Every record went through the service: audit trail, change sequence, search text.
    audited = set(
        db.session.scalars(select(AuditEvent.record_id).where(AuditEvent.action == "create"))
    )
    for record in (*models, *meetings):
        assert record.id in audited
        assert record.change_seq > 0
        assert record.search_text
    for record in models:
        assert unicodedata.is_normalized("NFC", record.name + record.method)

    before = _counts()
    second = runner.invoke(args=["demo"])
    assert second.exit_code == 0, second.output
    assert "Không tạo thêm gì" in second.output
    assert _counts() == before


def test_demo_refuses_to_load_in_production(app, runner):
    app.config["ENV"] = "production"
    result = runner.invoke(args=["demo"])
    assert result.exit_code != 0
    assert "APP_ENV=production" in result.output
    assert _counts() == {"units": 0, "users": 0, "models": 0, "meetings": 0, "audit": 0}


def test_demo_command_refuses_under_app_env_production(tmp_path):
    """The real command line, with the environment as a deployment sets it."""
    import subprocess
    import sys

    from tests.live_server import REPO_ROOT, live_database_url, migrate, server_env

    url = live_database_url(tmp_path)
    migrate(url)
    done = subprocess.run(
        [sys.executable, "-m", "flask", "demo"],
        cwd=REPO_ROOT,
        env=server_env(url, APP_ENV="production"),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode != 0
    assert "APP_ENV=production" in done.stderr
    from sqlalchemy import create_engine

    engine = create_engine(url)
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(User.__table__)) == 0
    engine.dispose()
