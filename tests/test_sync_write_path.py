"""What a push costs the database: each row written once, through real HTTP (PROTOCOL.md §4)."""

from server.extensions import db
from tests.conftest import model_payload
from tests.test_sync_statements import Recorder


def _push_ten(app, phone, tree) -> tuple[Recorder, object]:
    payloads = [model_payload(tree["commune"]) for _ in range(10)]
    db.session.commit()  # the lazy load of the unit began a transaction (a write lock on SQLite)
    for payload in payloads:
        phone.create("models", payload)
    with app.app_context(), Recorder() as seen:
        report = phone.sync()
    return seen, report


def test_push_writes_each_new_record_once_with_its_change_seq(app, phone, tree):
    """§4: a new record is INSERTed with its final change_seq, never UPDATEd after."""
    seen, report = _push_ten(app, phone, tree)
    assert [r["status"] for r in report.results] == ["applied"] * 10
    writes = [s for s in seen.writes if "dvk_models" in s]
    assert len(writes) == 1, writes
    assert writes[0].lstrip().upper().startswith("INSERT")
