"""What a push costs the database: each row written once, through real HTTP (PROTOCOL.md §4)."""

from sqlalchemy import select

from server.extensions import db
from tests.conftest import model_payload
from tests.test_sync_statements import WRITES, Recorder


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


def test_batch_creating_and_changing_a_record_inserts_its_final_state(app, phone, tree):
    """§4: create and submit in one batch: one INSERT of the last state, each step audited."""
    from server.models import AuditEvent, ModelRecord

    payload = model_payload(tree["commune"])
    db.session.commit()
    phone.create("models", payload)
    phone.edit("models", payload["id"], {"name": "Tên sau khi sửa"})
    phone.review("models", payload["id"], "submit")
    with app.app_context(), Recorder() as seen:
        report = phone.sync()
    # The phone folds the edit into its queued create; the submit is a second step.
    assert [r["status"] for r in report.results] == ["applied"] * 2, report.results
    writes = [s for s in seen.writes if "dvk_models" in s]
    assert len(writes) == 1 and writes[0].lstrip().upper().startswith("INSERT"), writes
    with app.app_context():
        stored = db.session.get(ModelRecord, payload["id"])
        assert (stored.name, stored.review_status, stored.version) == (
            "Tên sau khi sửa",
            "CHO_DUYET",
            2,
        )
        assert stored.wire_seq == stored.change_seq
        events = db.session.query(AuditEvent).filter_by(record_id=payload["id"])
        assert [e.action for e in events.order_by(AuditEvent.id)] == ["create", "submit"]
    assert phone.record("models", payload["id"])["name"] == "Tên sau khi sửa"


def test_push_commits_once_with_the_device_status(app, phone, tree):
    """§4, §8: a push's status goes out with its last_seq, in its one commit; no device reload.

    The pull's read after it ends with a commit that writes nothing (a ROLLBACK would make
    psycopg deallocate the connection's prepared statements).
    """
    from server.models import Device

    seen, report = _push_ten(app, phone, tree)
    assert [r["status"] for r in report.results] == ["applied"] * 10
    # Inside the test's transaction a commit is a savepoint's release.
    transactions: list[list[str]] = [[]]
    for statement in seen.statements:
        if statement.startswith("RELEASE SAVEPOINT"):
            transactions.append([])
        elif not statement.startswith("SAVEPOINT"):
            transactions[-1].append(statement)
    writing = [t for t in transactions if any(s.lstrip().upper().startswith(WRITES) for s in t)]
    assert len(writing) == 1, seen.statements
    assert len(transactions) <= 3, seen.statements  # the push, the pull's read, nothing after
    assert transactions[-1] == [], seen.statements
    device_writes = [s for s in seen.writes if "UPDATE devices" in s]
    assert len(device_writes) == 1, device_writes
    assert "last_seq" in device_writes[0] and "last_cursor" in device_writes[0]
    device_reads = [s for s in seen.statements if s.lstrip().upper().startswith("SELECT")]
    assert len([s for s in device_reads if "FROM devices" in s]) == 2, device_reads
    with app.app_context():
        device = db.session.scalars(select(Device).where(Device.last_seq > 0)).one()
        assert device.last_cursor == phone.state.cursor
        assert device.last_seq == 10


def test_idle_sync_builds_no_orm_object(app, phone):
    """§5: an idle sync is answered from the token check's columns: no device, user or unit."""
    from sqlalchemy import event
    from sqlalchemy.orm import Mapper

    loaded: list[str] = []

    def on_load(target: object, _context: object) -> None:
        loaded.append(type(target).__name__)

    event.listen(Mapper, "load", on_load)
    try:
        with app.app_context():
            db.session.commit()
            phone.sync()
    finally:
        event.remove(Mapper, "load", on_load)
    assert loaded == []


def test_kept_results_are_pruned_once_per_kept_span(app, phone, tree, monkeypatch):
    """§4.2: at least the last KEPT_RESULTS seqs keep their results; the DELETE that prunes
    older ones runs only when a batch crosses a multiple of KEPT_RESULTS, not at every push."""
    from server.models import MutationResult
    from server.sync_api import store as sync_store

    monkeypatch.setattr(sync_store, "KEPT_RESULTS", 4)
    db.session.commit()
    prunes = []
    for _ in range(6):
        for _ in range(3):
            phone.create("models", model_payload(tree["commune"]))
        with app.app_context(), Recorder() as seen:
            report = phone.sync()
        assert [r["status"] for r in report.results] == ["applied"] * 3
        prunes.append(sum("DELETE FROM mutation_results" in s for s in seen.statements))
        last = report.results[-1]["seq"]
        kept = db.session.scalars(select(MutationResult.seq).order_by(MutationResult.seq)).all()
        assert kept[-4:] == list(range(max(1, last - 3), last + 1))
        assert len(kept) < 2 * 4 + 3, kept
    # seqs 1–3, 4–6, …, 16–18 cross a multiple of 4 in the 2nd, 3rd, 4th, 6th batch.
    assert prunes == [0, 1, 1, 1, 0, 1], prunes
