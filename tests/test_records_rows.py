"""Rows INSERTed with a statement compiled once read back as the ORM would have written them."""

import typing
from datetime import UTC, datetime

from sqlalchemy import Table, select

from server.extensions import db
from server.models import AuditEvent
from server.records.rows import insert_rows

EVENTS = typing.cast(Table, AuditEvent.__table__)


def test_insert_rows_converts_values_and_fills_python_defaults(app):
    """JSON, times and absent columns with a Python default come back as the ORM writes them."""
    acted = datetime(2026, 11, 30, 8, 30, 45, tzinfo=UTC)
    rows = [
        {
            "acted_at": acted,
            "table_name": "models",
            "record_id": f"r{n}",
            "action": "create",
            "after": {"name": "Mô hình", "tags": ["a", "b"], "n": n},
        }
        for n in range(3)
    ]
    insert_rows(db.session, EVENTS, rows)
    stored = db.session.scalars(
        select(AuditEvent).where(AuditEvent.record_id.in_(["r0", "r1", "r2"]))
    ).all()
    assert sorted(e.record_id for e in stored) == ["r0", "r1", "r2"]
    for event in stored:
        assert event.after == {"name": "Mô hình", "tags": ["a", "b"], "n": int(event.record_id[1])}
        assert event.acted_at == acted
        assert event.at is not None  # the column's default, as an INSERT through the ORM fills it
        assert event.before is None
