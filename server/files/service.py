"""Receive files in chunks by content, assemble and verify them, announce them (§12)."""

import hashlib
import logging
from dataclasses import dataclass
from typing import Any

from flask import current_app
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from server import changes
from server.errors import ApiError, message_for
from server.files import verify
from server.files.declare import hashes, insert_ignoring_duplicates
from server.files.store import Storage
from server.models import FileChunk, FileRef, StoredFile, SyncedRecord, Unit, User
from server.models.types import utcnow
from server.records.tables import TABLES, RecordTable
from server.schemas import canonical_uuid
from server.scope import sees_unit

log = logging.getLogger(__name__)


def chunk_key(sha: str, index: int) -> str:
    """Return the store key of one chunk."""
    return f"chunks/{sha}/{index}"


def file_key(sha: str) -> str:
    """Return the store key of an assembled, verified file."""
    return f"files/{sha}"


def thumb_key(sha: str) -> str:
    """Return the store key of an image's JPEG thumbnail."""
    return f"thumbs/{sha}"


def chunk_count(size: int, chunk_size: int) -> int:
    """Return how many chunks a file of that size has."""
    return -(-size // chunk_size)


def chunk_length(size: int, chunk_size: int, index: int) -> int:
    """Return the exact length chunk `index` must have."""
    return min(size, (index + 1) * chunk_size) - index * chunk_size


@dataclass(frozen=True)
class Declared:
    """A file as one readable record declares it."""

    table: RecordTable
    record: SyncedRecord
    item: dict[str, Any]

    @property
    def sha(self) -> str:
        """Return the file's hash."""
        sha: str = self.item["sha256"]
        return sha


def declared(session: Session, user: User, table_name: str, record_id: str, sha: str) -> Declared:
    """Load a record the user may read that declares the file, or raise the coded error.

    A record outside the user's scope answers exactly as one that does not exist, so an
    upload reveals nothing about records the user may not see.
    """
    table = TABLES[table_name]
    model: type[SyncedRecord] = table.model
    key = canonical_uuid(record_id)
    record = session.get(model, key) if key else None
    if (
        record is None
        or record.deleted
        or not sees_unit(user, session.get(Unit, record.owner_unit_id))
    ):
        raise ApiError("FILE_RECORD_UNKNOWN", {"table": table_name, "record_id": record_id})
    for item in record.attachments or []:
        if item.get("sha256") == sha:
            return Declared(table, record, item)
    raise ApiError("FILE_NOT_DECLARED", {"sha256": sha})


def _received(session: Session, sha: str) -> list[int]:
    query = select(FileChunk.idx).where(FileChunk.sha256 == sha).order_by(FileChunk.idx)
    return list(session.scalars(query))


def _complete_answer(found: Declared, chunk_size: int) -> dict[str, Any]:
    count = chunk_count(int(found.item["size"]), chunk_size)
    return {"sha256": found.sha, "state": "complete", "received": list(range(count))}


def status(session: Session, user: User, items: list[dict[str, str]], lang: str) -> dict[str, Any]:
    """Say, for each file a record declares, what the server already holds."""
    chunk_size = current_app.config["FILE_CHUNK_BYTES"]
    out: list[dict[str, Any]] = []
    for item in items:
        sha = item["sha256"]
        try:
            found = declared(session, user, item["table"], item["record_id"], sha)
        except ApiError as exc:
            error = {"code": exc.code, "message": message_for(exc.code, lang)}
            out.append({"sha256": sha, "state": "absent", "received": [], "error": error})
            continue
        row = session.get(StoredFile, sha)
        answer: dict[str, Any]
        if row is not None and row.state == "complete":
            repair(session, found)
            answer = _complete_answer(found, chunk_size)
        elif row is not None:
            answer = {"sha256": sha, "state": "partial", "received": _received(session, sha)}
        else:
            answer = {"sha256": sha, "state": "absent", "received": []}
        out.append({**answer, "error": None})
    session.commit()
    return {"chunk_size": chunk_size, "files": out}


def repair(session: Session, found: Declared) -> None:
    """Add a complete file to a record's `files_received` if it is missing there.

    A record written while its file was completing may have missed the announcement; asking
    for the file's status mends it.
    """
    if found.sha not in (found.record.files_received or []):
        _announce_to(session, [found.record], {found.sha})


def put_chunk(
    session: Session,
    store: Storage,
    user: User,
    *,
    table_name: str,
    record_id: str,
    sha: str,
    index: int,
    data: bytes,
    chunk_sha: str,
) -> dict[str, Any]:
    """Check and keep one chunk; assemble the file when it was the last one missing."""
    config = current_app.config
    chunk_size = config["FILE_CHUNK_BYTES"]
    found = declared(session, user, table_name, record_id, sha)
    size = int(found.item["size"])
    row = session.get(StoredFile, sha)
    if row is not None and row.state == "complete":
        repair(session, found)
        session.commit()
        return _complete_answer(found, chunk_size)
    if row is not None and row.size != size:
        # Another record declared the same content with another size: one of them is wrong,
        # and the upload under way decides the chunk count until it completes or fails.
        raise ApiError("FILE_CHUNK_RANGE", {"reason": "size differs", "size": row.size})
    count = chunk_count(size, chunk_size)
    if not 0 <= index < count:
        raise ApiError("FILE_CHUNK_RANGE", {"index": index, "chunks": count})
    expected = chunk_length(size, chunk_size, index)
    if len(data) != expected:
        raise ApiError("FILE_CHUNK_RANGE", {"index": index, "length": expected})
    if hashlib.sha256(data).hexdigest() != chunk_sha:
        raise ApiError("FILE_CHUNK_HASH", {"index": index})
    new_file = {"sha256": sha, "size": size, "mime": found.item["mime"], "state": "partial"}
    row = _hold_file(session, new_file)
    # Looked at again under the lock: the file may have been joined since it was first read,
    # and its assembly deleted the chunks; keeping this one would leave a row and an object
    # that nothing ever joins or removes.
    if row.state == "complete":
        session.commit()
        return _complete_answer(found, chunk_size)
    if row.size != size:
        raise ApiError("FILE_CHUNK_RANGE", {"reason": "size differs", "size": row.size})
    # The bytes are durable before the row that says they are held is committed, and the file
    # stays held meanwhile: an assembly joins this chunk or finds it gone, never half of both.
    store.put(chunk_key(sha, index), data)
    insert_ignoring_duplicates(
        session,
        FileChunk,
        [{"sha256": sha, "idx": index, "size": len(data), "received_at": utcnow()}],
    )
    session.commit()
    received = _received(session, sha)
    if len(received) < count:
        session.commit()
        return {"sha256": sha, "state": "partial", "received": received}
    return assemble(session, store, sha, count, chunk_size)


def _lock_file(session: Session, sha: str, *, shared: bool = False) -> StoredFile | None:
    # PostgreSQL: one assembler at a time, and no chunk kept while it joins; SQLite
    # transactions are serialised already.
    return session.execute(
        select(StoredFile)
        .where(StoredFile.sha256 == sha)
        .with_for_update(read=shared)
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()


def _hold_file(session: Session, new_file: dict[str, Any]) -> StoredFile:
    """Hold the file's row shared until the chunk is kept, adding the row if there is none.

    Chunks of one file are kept side by side; an assembly or a prune, which hold the row for
    update, waits for them, and they for it.
    """
    while True:
        insert_ignoring_duplicates(session, StoredFile, [new_file])
        row = _lock_file(session, new_file["sha256"], shared=True)
        if row is not None:
            return row
        # Removed between the two statements by a failed assembly or a prune: start it again.


def _discard(session: Session, store: Storage, sha: str, indexes: list[int]) -> None:
    """Forget a file and its chunks: rows first (nothing is served), then the objects."""
    session.execute(delete(FileChunk).where(FileChunk.sha256 == sha))
    session.execute(delete(StoredFile).where(StoredFile.sha256 == sha))
    session.commit()
    for index in indexes:
        store.delete(chunk_key(sha, index))


def assemble(
    session: Session, store: Storage, sha: str, count: int, chunk_size: int
) -> dict[str, Any]:
    """Join the chunks, verify the whole file and publish it, once, whoever asks first."""
    row = _lock_file(session, sha)
    if row is None:  # discarded meanwhile by a failed assembly
        session.commit()
        return {"sha256": sha, "state": "absent", "received": []}
    if row.state == "complete":
        session.commit()
        return {"sha256": sha, "state": "complete", "received": list(range(count))}
    indexes = _received(session, sha)
    parts = []
    for index in indexes:
        try:
            parts.append(store.get(chunk_key(sha, index)))
        except KeyError:
            # Its object went with a failed assembly while this chunk's row was being written:
            # forget the row, so the phone sends the chunk again.
            session.execute(
                delete(FileChunk).where(FileChunk.sha256 == sha, FileChunk.idx == index)
            )
            session.commit()
            return {"sha256": sha, "state": "partial", "received": _received(session, sha)}
    data = b"".join(parts)
    try:
        if len(data) != row.size or hashlib.sha256(data).hexdigest() != sha:
            raise ApiError("FILE_HASH_MISMATCH", {"sha256": sha})
        verify.check_type(data, row.mime)
        thumb = None
        if row.mime.startswith("image/"):
            thumb = verify.thumbnail(data, row.mime, current_app.config["MAX_IMAGE_PIXELS"])
    except ApiError:
        _discard(session, store, sha, indexes)
        raise
    store.put(file_key(sha), data)
    if thumb is not None:
        store.put(thumb_key(sha), thumb)
    row.state = "complete"
    row.has_thumb = thumb is not None
    row.completed_at = utcnow()
    session.execute(delete(FileChunk).where(FileChunk.sha256 == sha))
    session.commit()
    # Only now, the file's row released: a record write holds its record, then waits on this
    # row (declare.complete), so announcing under it would make the two wait on each other.
    # Every declaration committed before the release is seen here; later ones read complete.
    announce(session, sha)
    session.commit()
    for index in indexes:
        store.delete(chunk_key(sha, index))
    return {"sha256": sha, "state": "complete", "received": list(range(count))}


def announce(session: Session, sha: str) -> None:
    """Add a completed file to `files_received` of every record declaring it, restamped."""
    refs = session.execute(
        select(FileRef.table_name, FileRef.record_id).where(FileRef.sha256 == sha)
    ).all()
    records: list[SyncedRecord] = []
    for name, table in TABLES.items():
        ids = sorted({record_id for kind, record_id in refs if kind == name})
        if not ids:
            continue
        model: type[SyncedRecord] = table.model
        # Held like a push holds them, in id order, so the restamp never crosses an edit.
        records.extend(
            session.scalars(
                select(model)
                .where(model.id.in_(ids))
                .order_by(model.id)
                .with_for_update()
                .execution_options(populate_existing=True)
            )
        )
    _announce_to(session, records, {sha})


def _announce_to(session: Session, records: list[SyncedRecord], done: set[str]) -> None:
    changed = []
    for record in records:
        declared_now = hashes(record.attachments)
        held = set(record.files_received or []) | (done & set(declared_now))
        received = [h for h in declared_now if h in held]
        if received != list(record.files_received or []):
            record.files_received = received
            changed.append(record)
    # A new change_seq, not a new version: phones and reviewers pull the record again.
    changes.stamp(session, changed)


def readable_file(
    session: Session, user: User, table_name: str, record_id: str, sha: str
) -> StoredFile:
    """Return a complete file a readable record declares, or raise the coded error."""
    declared(session, user, table_name, record_id, sha)
    row = session.get(StoredFile, sha)
    if row is None or row.state != "complete":
        raise ApiError("FILE_NOT_FOUND", {"sha256": sha})
    return row


def record_files(record: SyncedRecord) -> list[dict[str, Any]]:
    """Return the record's declared files the server holds, with a unique name each."""
    received = set(record.files_received or [])
    out, names = [], set()
    for position, item in enumerate(record.attachments or [], start=1):
        if item["sha256"] not in received:
            continue
        name = _safe_name(item.get("file_name")) or f"{position:02d}-{item['kind'].lower()}"
        if "." not in name:
            name += EXTENSIONS.get(item["mime"], "")
        while name in names:
            name = f"{position:02d}-{name}"
        names.add(name)
        out.append({**item, "zip_name": name})
    return out


EXTENSIONS = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/webp": ".webp",
    "application/pdf": ".pdf",
}


def _safe_name(name: str | None) -> str:
    if not name:
        return ""
    cleaned = "".join(c for c in name.replace("\\", "/").split("/")[-1] if c.isprintable())
    return cleaned.strip(" .")[:120]
