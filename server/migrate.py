"""Flask-Migrate, bound to the app only where migrations run.

Importing Flask-Migrate imports Alembic and through it Mako and Pygments (~0.2 s of CPU), which
every gunicorn worker and every other ``flask`` command would pay for nothing. The app starts
with a stand-in in ``app.extensions["migrate"]`` and a ``db`` command that is only a name; the
first read of the one or the first call of the other binds the real extension.
"""

import os
from typing import Any

import click
from flask import Flask
from flask.cli import AppGroup

from server.extensions import db

MIGRATIONS_DIR = os.path.join(os.path.dirname(os.path.dirname(__file__)), "migrations")
COMMAND = "db"


def bind(app: Flask) -> Any:
    """Bind Flask-Migrate to the app once and return its config (``app.extensions["migrate"]``)."""
    config = app.extensions.get("migrate")
    if isinstance(config, _Unbound) or config is None:
        from flask_migrate import Migrate  # type: ignore[import-untyped]  # ships no type hints

        # Sets app.extensions["migrate"] and adds Flask-Migrate's `db` group to app.cli.
        Migrate(app, db, directory=MIGRATIONS_DIR, command=COMMAND)
        config = app.extensions["migrate"]
    return config


class _Unbound:
    """Stand for Flask-Migrate's config until something (its commands, env.py) reads it."""

    def __init__(self, app: Flask) -> None:
        self._app = app

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):  # copy, pickle and the like probe for hooks: not a use
            raise AttributeError(name)
        return getattr(bind(self._app), name)


class Commands(AppGroup):
    """The app's command group, in which `db` is Flask-Migrate's group loaded when asked for."""

    def __init__(self, app: Flask, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._app = app

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), COMMAND})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name == COMMAND and cmd_name not in self.commands:
            bind(self._app)
        return super().get_command(ctx, cmd_name)


def init_app(app: Flask) -> None:
    """Give the app the stand-in config and the `db` command; call before any blueprint."""
    app.extensions["migrate"] = _Unbound(app)
    app.cli = Commands(app, name=app.cli.name)
