"""Photos and documents records declare, received in chunks (PROTOCOL.md §12)."""

from datetime import datetime

from sqlalchemy import BigInteger, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from server.extensions import Model
from server.models.types import UtcDateTime, utcnow


class StoredFile(Model):
    """One file by content: stored once whichever records declare it."""

    __tablename__ = "stored_files"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    # Taken from the first declaration that sent a chunk: it fixes the chunk count.
    size: Mapped[int] = mapped_column(BigInteger)
    mime: Mapped[str] = mapped_column(String(32))
    # "partial" while chunks arrive; "complete" only once assembled and verified.
    state: Mapped[str] = mapped_column(String(16), default="partial")
    has_thumb: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class FileChunk(Model):
    """A chunk held durably: its bytes are in the store before this row is committed."""

    __tablename__ = "file_chunks"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    idx: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    size: Mapped[int]
    # When the chunk arrived (null before 0021): an upload idle past FILE_UPLOAD_EXPIRY_DAYS
    # is abandoned and pruned.
    received_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=utcnow)


class FileRef(Model):
    """A record that declared a file at some version: where a completed file is announced.

    Rows are only added; a record that no longer declares the file is skipped when it
    completes, so edits never need to find and delete them.
    """

    __tablename__ = "file_refs"
    __table_args__ = (Index("ix_file_refs_record", "table_name", "record_id"),)

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    table_name: Mapped[str] = mapped_column(String(16), primary_key=True)
    record_id: Mapped[str] = mapped_column(String(36), primary_key=True)
