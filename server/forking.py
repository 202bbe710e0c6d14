"""Keep pooled database connections from crossing a fork (gunicorn's preloaded workers)."""

from flask import Flask

from server.extensions import db


def forget_inherited_connections(app: Flask) -> None:
    """Drop the pool a forked worker inherited, leaving the parent's connections open."""
    # A connection shared by two processes interleaves their statements on one socket (or one
    # SQLite file handle): each worker must open its own. The master opens none today; this
    # keeps it safe if start-up ever queries.
    with app.app_context():
        for engine in db.engines.values():
            engine.dispose(close=False)
