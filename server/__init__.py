"""Sổ tay Dân vận: the sync server and JSON API behind the field officers' PWA."""

import os
import sqlite3

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from server import migrate
from server.config import load_config
from server.extensions import db


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record):
    """Let several gunicorn workers share one SQLite file safely."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        # Writers queue for up to 10 s instead of failing at once with "database is locked".
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()
        # Let SQLAlchemy, not the driver, decide where transactions begin (see _sqlite_begin).
        dbapi_connection.isolation_level = None


@event.listens_for(Engine, "begin")
def _sqlite_begin(connection):
    """Start SQLite transactions as IMMEDIATE.

    The driver's own deferred BEGIN breaks savepoints, and a deferred transaction that reads and
    then writes fails at once with SQLITE_BUSY when another worker wrote in between, instead of
    waiting out the busy timeout. Taking the write lock up front trades reader concurrency,
    which the embedded database does not need, for pushes that never fail spuriously.
    """
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def create_app(config: dict | None = None) -> Flask:
    """Build the application: config, extensions, blueprints, error handlers, CLI."""
    from server.auth.identity import RequestGlobals

    app = Flask(__name__, instance_relative_config=True, static_folder=None)
    # g.device and g.user are loaded when a route first reads them (server/auth/identity.py).
    app.app_ctx_globals_class = RequestGlobals
    from server.http import NoCookieSession

    app.session_interface = NoCookieSession()
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.update(load_config(app.instance_path, config))

    if app.config["TRUSTED_PROXY_HOPS"] > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["TRUSTED_PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]

    db.init_app(app)
    migrate.init_app(app)

    from server import models  # noqa: F401 - registers the tables
    from server.records import wire

    wire.install()
    from server.auth.routes import bp as auth_bp
    from server.criteria.routes import bp as criteria_bp
    from server.files import store as file_store
    from server.files.routes import bp as files_bp
    from server.health import bp as health_bp
    from server.meta import bp as meta_bp
    from server.records.routes import bp as records_bp
    from server.reports.routes import bp as reports_bp
    from server.sealed.routes import bp as sealed_bp
    from server.sync_api.routes import bp as sync_bp
    from server.units.routes import bp as units_bp
    from server.users.routes import bp as users_bp
    from server.web import bp as web_bp
    from server.web import init_security_headers

    for blueprint in (health_bp, auth_bp, units_bp, records_bp, sync_bp, meta_bp, web_bp):
        app.register_blueprint(blueprint)
    app.register_blueprint(reports_bp)
    app.register_blueprint(users_bp)
    app.register_blueprint(criteria_bp)
    app.register_blueprint(files_bp)
    file_store.init_app(app)
    app.register_blueprint(sealed_bp)

    from server.errors import register_error_handlers

    register_error_handlers(app)
    init_security_headers(app)

    from server.cli import register_cli

    register_cli(app)
    return app
