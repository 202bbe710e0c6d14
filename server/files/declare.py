"""What a record's declared files mean for the record: which are received, who declares what.

Called by the record services whenever a record's `attachments` are written, so a pull never
joins anything: `files_received` is a column of the record and part of its wire JSON.
"""

from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from server.models import FileRef, StoredFile


def insert_ignoring_duplicates(session: Session, model: type, rows: list[dict[str, Any]]) -> None:
    """INSERT rows, skipping those whose primary key is already there (both databases)."""
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    session.execute(insert(model).values(rows).on_conflict_do_nothing())


def hashes(attachments: list | None) -> list[str]:
    """Return the declared files' hashes in the record's order."""
    return [a["sha256"] for a in attachments or [] if isinstance(a, dict) and "sha256" in a]


def complete(session: Session, wanted: list[str]) -> set[str]:
    """Return which of the hashes the server holds complete, holding their rows shared.

    An assembly holds the file's row for update until the file is complete: a record written
    meanwhile waits here and reads it complete, and one that held the row first has its
    declaration committed before the assembly reads who declares the file. Either way the
    record's `files_received` is right at once.
    """
    if not wanted:
        return set()
    query = (
        select(StoredFile.sha256, StoredFile.state)
        .where(StoredFile.sha256.in_(wanted))
        .order_by(StoredFile.sha256)
        .with_for_update(read=True)
    )
    return {sha for sha, state in session.execute(query) if state == "complete"}


def attachments_written(session: Session, table_name: str, record: Any) -> None:
    """Note who declares each file and set the record's `files_received` afresh."""
    declared = hashes(record.attachments)
    insert_ignoring_duplicates(
        session,
        FileRef,
        [{"sha256": h, "table_name": table_name, "record_id": record.id} for h in declared],
    )
    held = complete(session, declared)
    record.files_received = [h for h in declared if h in held]
