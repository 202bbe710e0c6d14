"""Remove what abandoned uploads left: chunks of files never completed (PROTOCOL.md §12.2)."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from server.files.declare import hashes
from server.files.service import chunk_key
from server.files.store import Storage
from server.models import FileChunk, FileRef, StoredFile, SyncedRecord
from server.records.tables import TABLES


@dataclass
class Pruned:
    """What one prune removed, and the uploads it kept for a recent record."""

    files: int = 0
    chunks: int = 0
    objects: int = 0
    kept: int = 0
    leftovers: int = 0


def prune(session: Session, store: Storage, now: datetime, expiry: timedelta) -> Pruned:
    """Forget partial files idle since before now - expiry, then sweep their stray objects.

    A file still declared by a record written within the expiry is kept: its phone synced
    lately and may yet send the rest. Complete files and their thumbnails are never touched.
    """
    cutoff = now - expiry
    done = Pruned()
    candidates = session.scalars(
        select(StoredFile.sha256).where(
            StoredFile.state == "partial", StoredFile.created_at < cutoff
        )
    ).all()
    session.commit()
    for sha in candidates:
        outcome = _prune_file(session, store, sha, cutoff)
        if outcome is None:
            done.kept += 1
        elif outcome >= 0:
            done.files += 1
            done.chunks += outcome
    done.leftovers = _complete_leftovers(session, store)
    done.objects = _sweep(session, store, cutoff)
    return done


def _complete_leftovers(session: Session, store: Storage) -> int:
    """Remove chunk rows a complete file still has, and their objects.

    A chunk kept as its file completed was left so before chunks looked at the file again
    under its lock; no chunk of a complete file is needed, however recent.
    """
    complete = select(StoredFile.sha256).where(StoredFile.state == "complete")
    rows = session.execute(
        select(FileChunk.sha256, FileChunk.idx).where(FileChunk.sha256.in_(complete))
    ).all()
    session.execute(delete(FileChunk).where(FileChunk.sha256.in_(complete)))
    session.commit()
    for sha, index in rows:
        store.delete(chunk_key(sha, index))
    return len(rows)


def _prune_file(session: Session, store: Storage, sha: str, cutoff: datetime) -> int | None:
    """Remove one idle partial file; None when a recent record keeps it, -1 when not idle."""
    # Held like an assembly holds it: a chunk arriving meanwhile waits, then finds the file
    # gone and starts it afresh, and its answer tells the phone which chunks to send again.
    row = session.execute(
        select(StoredFile)
        .where(StoredFile.sha256 == sha)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()
    last = session.scalar(select(func.max(FileChunk.received_at)).where(FileChunk.sha256 == sha))
    if row is None or row.state != "partial" or (last is not None and last >= cutoff):
        session.commit()
        return -1
    if _declared_lately(session, sha, cutoff):
        session.commit()
        return None
    indexes = list(session.scalars(select(FileChunk.idx).where(FileChunk.sha256 == sha)))
    session.execute(delete(FileChunk).where(FileChunk.sha256 == sha))
    session.execute(delete(StoredFile).where(StoredFile.sha256 == sha))
    session.commit()
    # Rows first, then objects: nothing names an object once it goes.
    for index in indexes:
        store.delete(chunk_key(sha, index))
    return len(indexes)


def _declared_lately(session: Session, sha: str, cutoff: datetime) -> bool:
    refs = session.execute(
        select(FileRef.table_name, FileRef.record_id).where(FileRef.sha256 == sha)
    ).all()
    for name, table in TABLES.items():
        ids = [record_id for kind, record_id in refs if kind == name]
        if not ids:
            continue
        model: type[SyncedRecord] = table.model
        records = session.scalars(
            select(model).where(
                model.id.in_(ids), model.deleted.is_(False), model.updated_at >= cutoff
            )
        )
        if any(sha in hashes(record.attachments) for record in records):
            return True
    return False


def _sweep(session: Session, store: Storage, cutoff: datetime) -> int:
    """Delete old chunk objects no row names (a put whose row never committed, a crash)."""
    removed = 0
    for key, written in store.listing("chunks/"):
        if written >= cutoff:
            continue
        parts = key.split("/")
        named = False
        if len(parts) == 3 and parts[2].isdigit():
            named = session.get(FileChunk, {"sha256": parts[1], "idx": int(parts[2])}) is not None
        session.commit()
        if not named:
            store.delete(key)
            removed += 1
    return removed
