"""Shared fixtures: the app on SQLite or PostgreSQL, clients, and factories in pairs.

The database comes from TEST_DATABASE_URL (PostgreSQL in CI's second pass); without it each test
session uses a fresh SQLite file. Under pytest-xdist each worker gets its own PostgreSQL database
(`<name>_gw0`, …). The schema is built once per session by running the real migrations, and one
app serves the whole session; every test then starts from empty tables and the app's own config.
"""

import functools
import os
import uuid
from datetime import date, timedelta

import pytest
from hypothesis import settings
from sqlalchemy import text

from server import create_app
from server.auth.passwords import hash_password
from server.auth.tokens import hash_token, new_token
from server.extensions import db
from server.models import Device, Unit, User
from server.models.types import utcnow
from server.units.service import place, refresh_search

TEST_PASSWORD = "mat-khau-thu-nghiem"  # a fixed password for test accounts only

# Every property test draws the same examples on every run, so a failure in CI replays here;
# Hypothesis prints the failing example and a blob to reproduce it.
settings.register_profile("reproducible", derandomize=True, print_blob=True)
settings.load_profile("reproducible")


def pytest_configure(config) -> None:
    """Give each xdist worker its own PostgreSQL database, live servers' databases included."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    url = os.environ.get("TEST_DATABASE_URL")
    if worker and url and not url.rstrip("/").endswith("_" + worker):
        from tests.live_server import reset_postgres_database

        name = url.rsplit("/", 1)[1].split("?", 1)[0]
        os.environ["TEST_DATABASE_URL"] = reset_postgres_database(url, f"{name}_{worker}")


@functools.cache
def _test_password_hash() -> str:
    # Argon2 takes ~0.15 s by design; hashing once keeps hundreds of test users cheap.
    return hash_password(TEST_PASSWORD)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    """Return the URL of the test database, SQLite by default."""
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    return "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.sqlite3")


@pytest.fixture(scope="session")
def _schema(database_url, tmp_path_factory):
    """Build the schema once with the real migrations."""
    from flask_migrate import downgrade, upgrade

    app = create_app(
        {"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "test"}
    )
    with app.app_context():
        if database_url.startswith("postgresql"):
            db.session.execute(text("DROP SCHEMA public CASCADE"))
            db.session.execute(text("CREATE SCHEMA public"))
            db.session.commit()
        upgrade()
        yield
        db.session.remove()
        downgrade(revision="base")
        db.session.remove()
        db.engine.dispose()


def _empty_tables() -> None:
    # DELETE, not TRUNCATE: on the few rows a test leaves, TRUNCATE costs ~0.19 s a test on
    # PostgreSQL (it rewrites every table) against ~3 ms, and the suite runs a thousand tests.
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())
    if db.engine.dialect.name == "postgresql":
        # Ids start from 1 again, as they do on SQLite once a table is empty.
        db.session.execute(
            text(
                "SELECT setval(format('%I.%I', schemaname, sequencename), 1, false) "
                "FROM pg_sequences WHERE schemaname = current_schema()"
            )
        )
    db.session.execute(text("INSERT INTO sync_counter (id, value) VALUES (1, 0)"))
    db.session.commit()


@pytest.fixture(scope="session")
def _session_app(_schema, database_url, tmp_path_factory):
    """Build the app once: compiling its URL rules costs ~90 ms, too much to pay per test."""
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SECRET_KEY": "test",
            "LOGIN_MAX_FAILURES": 5,
            # Test processes running side by side must not take each other's hashing slots.
            "LOGIN_SLOT_DIR": str(tmp_path_factory.mktemp("sign-in-slots")),
        }
    )
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def app(_session_app):
    """Return the session's app bound to an emptied test database, with its config restored."""
    config = dict(_session_app.config)
    with _session_app.app_context():
        _empty_tables()
        yield _session_app
        db.session.remove()
    _session_app.config.clear()
    _session_app.config.update(config)


@pytest.fixture
def client(app):
    """Return a test client."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """Return a CLI runner."""
    return app.test_cli_runner()


@pytest.fixture
def create_unit(app):
    """Return a factory of units placed in the tree."""

    def factory(
        name: str,
        parent: Unit | None = None,
        *,
        level: str | None = None,
        code: str | None = None,
        **extra,
    ) -> Unit:
        unit = Unit(
            code=code or uuid.uuid4().hex[:10],
            name=name,
            level=level or ("TRUNG_UONG" if parent is None else "XA"),
            valid_from=date(2025, 7, 1),
            aliases=[],
            **extra,
        )
        db.session.add(unit)
        place(db.session, unit, parent)
        refresh_search(unit)
        db.session.commit()
        return unit

    return factory


@pytest.fixture
def tree(create_unit):
    """Return a small unit tree: root, a province with two communes, a foreign province."""
    root = create_unit("Trung ương", code="TW", level="TRUNG_UONG")
    province = create_unit("Tỉnh Nghệ An", root, level="TINH", code="40")
    commune = create_unit("Xã Nậm Cắn", province, level="XA", code="17000", is_border=True)
    sibling = create_unit("Xã Mường Xén", province, level="XA", code="17001")
    foreign = create_unit("Tỉnh Hà Tĩnh", root, level="TINH", code="42")
    foreign_commune = create_unit("Xã Cẩm Xuyên", foreign, level="XA", code="18000")
    return {
        "root": root,
        "province": province,
        "commune": commune,
        "sibling": sibling,
        "foreign": foreign,
        "foreign_commune": foreign_commune,
    }


@pytest.fixture
def create_user(app):
    """Return a factory of users with the test password."""

    def factory(
        username: str,
        unit: Unit,
        roles: list[str],
        *,
        full_name: str | None = None,
        active: bool = True,
    ) -> User:
        user = User(
            username=username,
            full_name=full_name or username.title(),
            unit=unit,
            roles=roles,
            active=active,
            password_hash=_test_password_hash(),
        )
        db.session.add(user)
        db.session.commit()
        return user

    return factory


@pytest.fixture
def login(client):
    """Return a function that signs a user in and gives back request headers with the token."""

    def do_login(username: str, device_name: str = "Điện thoại thử") -> dict:
        response = client.post(
            "/api/v1/auth/login",
            json={"username": username, "password": TEST_PASSWORD, "device_name": device_name},
        )
        assert response.status_code == 201, response.get_json()
        return {"Authorization": "Bearer " + response.get_json()["token"]}

    return do_login


@pytest.fixture
def auth_headers(app):
    """Return a function that registers a device for a user and gives back its headers.

    It skips the password check, so tests that are not about sign-in stay fast.
    """

    def make(user: User, device_name: str = "Máy thử") -> dict:
        token = new_token()
        now = utcnow()
        device = Device(
            id=str(uuid.uuid4()),
            user_id=user.id,
            name=device_name,
            token_hash=hash_token(token),
            created_at=now,
            last_seen_at=now,
            expires_at=now + timedelta(days=1),
        )
        db.session.add(device)
        db.session.commit()
        return {"Authorization": "Bearer " + token}

    return make


@pytest.fixture
def officer(tree, create_user):
    """Return a field officer of the commune."""
    return create_user("canbo", tree["commune"], ["CAN_BO_NHAP"], full_name="Lò Văn Minh")


@pytest.fixture
def reviewer(tree, create_user):
    """Return a reviewer at the province."""
    return create_user("lanhdao", tree["province"], ["LANH_DAO_DUYET"], full_name="Nguyễn Thị Hoa")


@pytest.fixture
def admin(tree, create_user):
    """Return a system administrator."""
    return create_user("quantri", tree["root"], ["QUAN_TRI"], full_name="Quản Trị Viên")


@pytest.fixture
def phone(client, officer):
    """Return the commune officer's phone (the Python sync client), synced once."""
    from tests.sync_helpers import device  # it imports this module

    d = device(client, "canbo", name="Điện thoại Nậm Cắn")
    d.sync()
    return d


@pytest.fixture
def desk(client, reviewer):
    """Return the province reviewer's computer, synced once."""
    from tests.sync_helpers import device  # it imports this module

    d = device(client, "lanhdao", name="Máy tính tỉnh")
    d.sync()
    return d


def model_payload(owner: Unit, commune: Unit | None = None, **overrides) -> dict:
    """Return a complete, valid model payload as a phone would send it."""
    body = {
        "id": str(uuid.uuid4()),
        "owner_unit_id": owner.id,
        "kind": "MO_HINH",
        "subject_type": "TAP_THE",
        "name": "Khéo trong vận động nhân dân thực hiện vệ sinh môi trường",
        "field": "VAN_HOA_XA_HOI",
        "collective_name": "Chi hội Phụ nữ bản Huồi Pủng",
        "commune_unit_id": (commune or owner).id,
        "locality": "Bản Huồi Pủng",
        "start_date": "2024-03-01",
        "status": "DANG_DUY_TRI",
        "period": "GD_2021_2025",
        "year_registered": 2024,
        "objective": "Giữ gìn vệ sinh môi trường bản làng",
        "method": "Phân công hội viên phụ trách từng cụm dân cư",
        "results": "100% hộ gia đình có hố rác",
        "metrics": [{"metric": "Số hộ tham gia", "value": 120, "unit": "hộ"}],
        "topic_tags": ["MOI_TRUONG"],
    }
    year = overrides.get("year_registered")
    if isinstance(year, int) and 2001 <= year <= 2100 and "period" not in overrides:
        # The period holds the year registered (server/records/plausible.py): five-year phases.
        first = year - (year - 2001) % 5
        body["period"] = f"GD_{first}_{first + 4}"
    body.update(overrides)
    return body


def meeting_payload(owner: Unit, **overrides) -> dict:
    """Return a complete, valid meeting payload."""
    body = {
        "id": str(uuid.uuid4()),
        "owner_unit_id": owner.id,
        "type": "TOA_DAM",
        "title": "Tọa đàm nâng cao hiệu quả phong trào thi đua Dân vận khéo",
        "format": "TRUC_TIEP",
        "organizer_unit_id": owner.id,
        "start_at": "2024-08-12T08:00",
        "location": "Hội trường UBND xã",
        "actual_count": 45,
        "content_summary": "Trao đổi kinh nghiệm xây dựng mô hình",
        "attendees": [{"full_name": "Vi Văn Sơn", "role": "CHU_TRI", "position": "Bí thư"}],
    }
    body.update(overrides)
    return body
