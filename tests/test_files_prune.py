"""Abandoned uploads expire: `flask files prune` on both stores (PROTOCOL.md §12.2)."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from server.extensions import db
from server.files.prune import prune
from server.files.service import chunk_key, file_key, thumb_key
from server.models import FileChunk, ModelRecord, StoredFile
from server.models.types import utcnow
from tests.files_helpers import chunks, photo, put_chunk, sha, status, upload
from tests.test_files import CHUNK, headers_of, synced_model

WEEK = timedelta(days=7)
LATER = timedelta(days=8)


@pytest.fixture
def small_chunks(app):
    """Make the server cut files into 1 KiB chunks, so small test files have several."""
    app.config["FILE_CHUNK_BYTES"] = CHUNK


def start_upload(client, phone, tree, data: bytes, sent: int = 1) -> str:
    """Sync a model declaring data and send its first chunks only; return the model's id."""
    record_id = synced_model(phone, tree, data)
    for index, body in enumerate(chunks(data, CHUNK)[:sent]):
        response = put_chunk(client, headers_of(phone), "models", record_id, sha(data), index, body)
        assert response.get_json()["state"] == "partial"
    return record_id


def held(store, digest: str) -> tuple[bool, int, bool]:
    """Return whether the file's row, how many chunk rows, and chunk 0's object are there."""
    db.session.expire_all()
    rows = db.session.scalars(select(FileChunk).where(FileChunk.sha256 == digest)).all()
    return (
        db.session.get(StoredFile, digest) is not None,
        len(rows),
        store.exists(chunk_key(digest, 0)),
    )


def age_record(record_id: str, when) -> None:
    """Make the record look last written at `when`."""
    db.session.get(ModelRecord, record_id).updated_at = when
    db.session.commit()


def test_prune_removes_an_upload_idle_past_the_expiry(client, phone, tree, app_store, small_chunks):
    """§12.2: chunks of a file never completed go, rows and objects; the phone starts again."""
    data = photo(seed=11)
    record_id = start_upload(client, phone, tree, data, sent=2)
    assert held(app_store, sha(data)) == (True, 2, True)

    done = prune(db.session, app_store, utcnow() + LATER, WEEK)

    assert (done.files, done.chunks, done.kept) == (1, 2, 0)
    assert held(app_store, sha(data)) == (False, 0, False)
    assert not app_store.exists(chunk_key(sha(data), 1))
    answer = status(client, headers_of(phone), "models", record_id, sha(data)).get_json()
    assert answer["files"][0]["state"] == "absent"
    upload(client, headers_of(phone), "models", record_id, data, CHUNK)
    assert db.session.get(ModelRecord, record_id).files_received == [sha(data)]


def test_prune_keeps_an_upload_with_a_recent_chunk(client, phone, tree, app_store, small_chunks):
    """An upload whose last chunk is within the expiry is kept, however old its first."""
    data = photo(seed=12)
    record_id = start_upload(client, phone, tree, data)
    now = utcnow() + LATER
    age_record(record_id, now - LATER)
    db.session.get(StoredFile, sha(data)).created_at = now - LATER
    body = chunks(data, CHUNK)[1]
    put_chunk(client, headers_of(phone), "models", record_id, sha(data), 1, body)
    db.session.execute(
        FileChunk.__table__.update()
        .where(FileChunk.sha256 == sha(data), FileChunk.idx == 1)
        .values(received_at=now - timedelta(days=1))
    )
    db.session.commit()

    done = prune(db.session, app_store, now, WEEK)

    assert done.files == 0
    assert held(app_store, sha(data)) == (True, 2, True)


def test_prune_keeps_a_file_a_recently_written_record_declares(
    client, phone, tree, app_store, small_chunks
):
    """A record written within the expiry keeps its file's chunks: its phone may resume."""
    data = photo(seed=13)
    record_id = start_upload(client, phone, tree, data)
    now = utcnow() + LATER
    age_record(record_id, now - timedelta(days=2))

    done = prune(db.session, app_store, now, WEEK)

    assert (done.files, done.kept) == (0, 1)
    assert held(app_store, sha(data)) == (True, 1, True)
    # The same record deleted no longer keeps it.
    record = db.session.get(ModelRecord, record_id)
    record.deleted = True
    db.session.commit()
    assert prune(db.session, app_store, now, WEEK).files == 1
    assert held(app_store, sha(data)) == (False, 0, False)


def test_prune_never_touches_a_complete_file(client, phone, tree, app_store, small_chunks):
    """A completed file and its thumbnail stay, however old."""
    data = photo(seed=14)
    record_id = synced_model(phone, tree, data)
    upload(client, headers_of(phone), "models", record_id, data, CHUNK)

    prune(db.session, app_store, utcnow() + timedelta(days=400), WEEK)

    assert app_store.get(file_key(sha(data))) == data
    assert app_store.exists(thumb_key(sha(data)))
    answer = status(client, headers_of(phone), "models", record_id, sha(data)).get_json()
    assert answer["files"][0]["state"] == "complete"


def test_prune_removes_chunks_left_with_a_complete_file(
    client, phone, tree, app_store, small_chunks
):
    """A chunk row and object kept as the file completed (before §12.2's re-check) go at once."""
    data = photo(seed=16)
    record_id = synced_model(phone, tree, data)
    upload(client, headers_of(phone), "models", record_id, data, CHUNK)
    app_store.put(chunk_key(sha(data), 0), chunks(data, CHUNK)[0])
    db.session.add(FileChunk(sha256=sha(data), idx=0, size=CHUNK, received_at=utcnow()))
    db.session.commit()

    done = prune(db.session, app_store, utcnow(), WEEK)

    assert held(app_store, sha(data)) == (True, 0, False)
    assert (done.leftovers, done.files, done.chunks) == (1, 0, 0)
    assert app_store.get(file_key(sha(data))) == data


def test_prune_sweeps_old_chunk_objects_no_row_names(app, app_store):
    """A chunk stored but never recorded (a crash between) goes once old; a fresh one stays."""
    digest = "ab" * 32
    app_store.put(chunk_key(digest, 0), b"orphan")

    assert prune(db.session, app_store, utcnow(), WEEK).objects == 0
    assert app_store.exists(chunk_key(digest, 0))
    assert prune(db.session, app_store, utcnow() + LATER, WEEK).objects == 1
    assert not app_store.exists(chunk_key(digest, 0))


def test_flask_files_prune_command(app, client, phone, tree, app_store, small_chunks):
    """`flask files prune` runs the prune with the configured expiry and says what it did."""
    data = photo(seed=15)
    record_id = start_upload(client, phone, tree, data)
    runner = app.test_cli_runner()

    fresh = runner.invoke(args=["files", "prune"])
    assert fresh.exit_code == 0, fresh.output
    assert "0 abandoned files" in fresh.output
    assert held(app_store, sha(data))[0]

    age_record(record_id, utcnow() - LATER)
    db.session.get(StoredFile, sha(data)).created_at = utcnow() - LATER
    db.session.execute(
        FileChunk.__table__.update()
        .where(FileChunk.sha256 == sha(data))
        .values(received_at=utcnow() - LATER)
    )
    db.session.commit()
    old = runner.invoke(args=["files", "prune", "--days", "7"])
    assert old.exit_code == 0, old.output
    assert "1 abandoned files (1 chunks)" in old.output
    assert held(app_store, sha(data)) == (False, 0, False)
    assert runner.invoke(args=["files", "prune", "--days", "0"]).exit_code != 0
