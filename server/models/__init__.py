"""ORM models; importing this package registers every table on the metadata."""

from server.models.accounts import Device, SignInCounter, User
from server.models.audit import AuditEvent
from server.models.criteria import CriteriaSet, Evaluation
from server.models.records import Meeting, ModelRecord, SyncedRecord
from server.models.sync_state import Conflict, MutationResult, ScopeRemoval, SyncCounter
from server.models.units import Unit, unit_successors

__all__ = [
    "AuditEvent",
    "Conflict",
    "CriteriaSet",
    "Device",
    "Evaluation",
    "Meeting",
    "ModelRecord",
    "MutationResult",
    "ScopeRemoval",
    "SignInCounter",
    "SyncCounter",
    "SyncedRecord",
    "Unit",
    "User",
    "unit_successors",
]
