"""ORM models; importing this package registers every table on the metadata."""

from server.models.accounts import Device, SignInCounter, User
from server.models.audit import AuditEvent
from server.models.files import FileChunk, FileRef, StoredFile
from server.models.records import Meeting, ModelRecord, SyncedRecord
from server.models.sync_state import Conflict, MutationResult, ScopeRemoval, SyncCounter
from server.models.units import Unit, unit_successors

__all__ = [
    "AuditEvent",
    "Conflict",
    "Device",
    "FileChunk",
    "FileRef",
    "Meeting",
    "ModelRecord",
    "MutationResult",
    "ScopeRemoval",
    "SignInCounter",
    "StoredFile",
    "SyncCounter",
    "SyncedRecord",
    "Unit",
    "User",
    "unit_successors",
]
