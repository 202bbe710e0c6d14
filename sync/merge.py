"""Field-level merge of a concurrent edit (PROTOCOL.md §6)."""

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class FieldConflict:
    """One field both sides changed to different values."""

    field: str
    kept: object
    lost: object


@dataclass
class MergeOutcome:
    """What to apply and what to keep aside as conflicts."""

    apply: dict[str, Any] = field(default_factory=dict)
    conflicts: list[FieldConflict] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


def merge_fields(
    current: dict[str, Any],
    field_versions: dict[str, int],
    base_version: int,
    changes: dict[str, Any],
    *,
    writers: dict[str, str] | None = None,
    writer: str | None = None,
) -> MergeOutcome:
    """Decide, field by field, how an edit based on base_version meets the current record.

    - A field whose value already equals the edit's is unchanged (a retry or an agreeing edit).
    - A field nobody changed after base_version takes the edit's value.
    - A field changed after base_version to another value is a conflict: the value already on
      the server is kept (first to reach the server wins, deterministically) and the edit's
      value is returned as the lost value, to be stored where people can restore it.
    - A field last changed by the same writer (device) is not a conflict: a device knows its
      own edits, even those it made before it learned the versions they got.
    """
    writers = writers or {}
    outcome = MergeOutcome()
    for name, value in changes.items():
        if current.get(name) == value:
            outcome.unchanged.append(name)
        elif int(field_versions.get(name, 0)) > base_version and (
            writer is None or writers.get(str(field_versions.get(name))) != writer
        ):
            outcome.conflicts.append(FieldConflict(name, current.get(name), value))
        else:
            outcome.apply[name] = value
    return outcome
