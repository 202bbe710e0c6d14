"""The factory, its configuration, the health check and the security headers."""

import gc
import os
import runpy
import socket
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from server import create_app
from server.config import ConfigError
from server.extensions import db
from server.migrate import MIGRATIONS_DIR

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def clean_env(monkeypatch):
    """Remove the configuration variables the developer's shell may carry."""
    for name in ("APP_ENV", "SECRET_KEY", "DATABASE_URL", "MAX_CONTENT_LENGTH"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def closed_port() -> int:
    """Return a loopback port that nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_factory_applies_overrides(clean_env):
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.testing
    assert app.config["SECRET_KEY"] == "x"


def test_development_generates_a_secret_key(clean_env):
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert len(app.config["SECRET_KEY"]) >= 32


def test_development_keys_differ_between_processes(clean_env):
    first = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"}).config["SECRET_KEY"]
    second = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"}).config["SECRET_KEY"]
    assert first != second


def test_production_without_secret_key_is_refused(clean_env):
    clean_env.setenv("APP_ENV", "production")
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app()


def test_production_with_secret_key_starts(clean_env):
    clean_env.setenv("APP_ENV", "production")
    clean_env.setenv("SECRET_KEY", "a-long-production-secret")
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config["ENV"] == "production"


def test_wsgi_import_in_production_fails_with_clear_message(clean_env):
    """wsgi.py, as gunicorn imports it, stops at once (run here: a new process costs ~1 s)."""
    clean_env.setenv("APP_ENV", "production")
    try:
        with pytest.raises(ConfigError, match="SECRET_KEY is not set"):
            runpy.run_path(str(ROOT / "wsgi.py"), run_name="wsgi")
    finally:
        gc.unfreeze()  # wsgi.py freezes what its process holds; this process keeps collecting


# Libraries a server process loads on first use only: together ~0.5 s of CPU at every start.
ON_FIRST_USE = (
    "alembic",
    "flask_migrate",
    "docx",
    "openpyxl",
    "PIL",
    "cryptography",
    "segno",
    "apispec",
)


def test_serving_process_imports_no_library_before_its_first_use(clean_env):
    """A gunicorn worker imports wsgi: no migrations, documents, photos, keys or QR codes yet."""
    code = f"import sys, wsgi; print(sorted(m for m in {ON_FIRST_USE!r} if m in sys.modules))"
    env = {k: v for k, v in os.environ.items() if k not in ("APP_ENV", "SECRET_KEY")}
    env["DATABASE_URL"] = "sqlite://"
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_db_commands_bind_flask_migrate_when_invoked(clean_env):
    """`flask db …` finds Flask-Migrate's group and its config though the app started without."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    result = app.test_cli_runner().invoke(args=["db", "--help"])
    assert result.exit_code == 0, result.output
    assert "upgrade" in result.output
    assert "downgrade" in result.output
    assert app.extensions["migrate"].directory == MIGRATIONS_DIR


@pytest.mark.parametrize("raw", ["abc", "1.5", "4MB"])
def test_non_integer_limit_is_refused(clean_env, raw):
    clean_env.setenv("MAX_CONTENT_LENGTH", raw)
    with pytest.raises(ConfigError, match="MAX_CONTENT_LENGTH must be an integer"):
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_database_url_from_environment(clean_env, tmp_path):
    url = f"sqlite:///{tmp_path / 'from-env.sqlite3'}"
    clean_env.setenv("DATABASE_URL", url)
    assert create_app().config["SQLALCHEMY_DATABASE_URI"] == url


def test_plain_postgresql_url_uses_psycopg3(clean_env):
    clean_env.setenv("DATABASE_URL", "postgresql://u:p@db.example/sotay")
    uri = create_app().config["SQLALCHEMY_DATABASE_URI"]
    assert uri == "postgresql+psycopg://u:p@db.example/sotay"


def test_default_database_is_sqlite_in_instance_folder(clean_env):
    app = create_app()
    expected = Path(app.instance_path) / "sotay.sqlite3"
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{expected}"


def test_sqlite_runs_in_wal_mode(app):
    from sqlalchemy import text

    from server.extensions import db

    if db.engine.dialect.name != "sqlite":
        pytest.skip("WAL is a SQLite journal mode")
    assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"


def test_healthz_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_healthz_503_when_database_unreachable(clean_env):
    url = f"postgresql+psycopg://app:app@127.0.0.1:{closed_port()}/nowhere"
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": url})
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["database"] == "unavailable"


def test_api_503_when_database_unreachable(clean_env):
    url = f"postgresql+psycopg://app:app@127.0.0.1:{closed_port()}/nowhere"
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": url})
    response = app.test_client().get("/api/v1/me", headers={"Authorization": "Bearer some-token"})
    assert response.status_code == 503
    assert response.get_json()["error"]["code"] == "DATABASE_UNAVAILABLE"


@pytest.fixture
def pwa_dir(app, tmp_path):
    """Serve a minimal PWA from a temporary folder, whatever state pwa/ is in."""
    (tmp_path / "index.html").write_text("<!doctype html><title>Sổ tay</title>", "utf-8")
    app.config["PWA_DIR"] = str(tmp_path)
    return tmp_path


def test_index_carries_csp(client, pwa_dir):
    response = client.get("/")
    assert response.status_code == 200
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp


@pytest.mark.parametrize(
    ("header", "value"),
    [
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "no-referrer"),
        ("X-Frame-Options", "DENY"),
    ],
)
def test_index_carries_security_headers(client, pwa_dir, header, value):
    assert client.get("/").headers[header] == value


def test_api_responses_are_not_cached(client):
    response = client.get("/api/v1/enums")
    assert response.headers["Cache-Control"] == "no-store"


def test_unknown_api_path_is_json_404(client):
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "NOT_FOUND"


def test_wrong_method_is_json_405(client):
    response = client.put("/api/v1/enums")
    assert response.status_code == 405
    assert response.get_json()["error"]["code"] == "METHOD_NOT_ALLOWED"


@pytest.mark.parametrize("path", ["/../server/config.py", "/%2e%2e/server/config.py", "/.env"])
def test_files_outside_the_pwa_are_404(client, pwa_dir, path):
    (pwa_dir / ".env").write_text("SECRET_KEY=x", "utf-8")
    assert client.get(path).status_code == 404


def test_index_is_gzipped_for_clients_that_accept_it(client, pwa_dir):
    response = client.get("/", headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"


@pytest.mark.parametrize("method", ["post", "patch", "delete"])
def test_unknown_api_path_is_404_for_any_method(client, method):
    response = getattr(client, method)("/api/v1/nowhere", json={})
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "NOT_FOUND"


def test_a_preloaded_worker_opens_its_own_database_connections(tmp_path, clean_env):
    """gunicorn forks workers from a master that built the app: no pooled connection crosses."""
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert config["preload_app"] is True
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'app.sqlite3'}"})
    with app.app_context():
        engine = db.engine
        with engine.connect() as conn:  # as a master that queried at start-up would hold one
            conn.exec_driver_sql("SELECT 1")
        inherited = engine.pool
        assert inherited.checkedin() == 1
        config["post_fork"](None, SimpleNamespace(app=SimpleNamespace(wsgi=lambda: app)))
        assert engine.pool is not inherited and engine.pool.checkedin() == 0
        # The master's connection stays open for the master: the worker only forgets it.
        assert inherited.checkedin() == 1
        raw = inherited.connect()
        try:
            assert raw.cursor().execute("SELECT 1").fetchone() == (1,)
        finally:
            raw.close()
