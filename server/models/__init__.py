"""ORM models; importing this package registers every table on the metadata."""

from server.models.accounts import Device, OneTimeCode, SignInCounter, User
from server.models.audit import AuditEvent
from server.models.criteria import CriteriaSet, Evaluation
from server.models.files import FileChunk, FileRef, StoredFile
from server.models.records import Inspection, Meeting, ModelRecord, Recognition, SyncedRecord
from server.models.sync_state import Conflict, MutationResult, ScopeRemoval, SyncCounter
from server.models.units import Unit, unit_successors

__all__ = [
    "AuditEvent",
    "Conflict",
    "CriteriaSet",
    "Device",
    "Evaluation",
    "FileChunk",
    "FileRef",
    "Inspection",
    "Meeting",
    "ModelRecord",
    "MutationResult",
    "OneTimeCode",
    "Recognition",
    "ScopeRemoval",
    "SignInCounter",
    "StoredFile",
    "SyncCounter",
    "SyncedRecord",
    "Unit",
    "User",
    "unit_successors",
]
