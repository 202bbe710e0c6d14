"""The review workflow of a record (PROTOCOL.md §7): which step leads where, and who may take it."""

from dataclasses import dataclass

DRAFT, SUBMITTED, APPROVED, RETURNED, CANCELLED = "NHAP", "CHO_DUYET", "DA_DUYET", "TRA_LAI", "HUY"

# Statuses in which the record's own fields may not be edited.
LOCKED = frozenset({APPROVED, CANCELLED})

# Not a status step: brings a deleted record back, keeping its review status. An officer or a
# reviewer in scope may take it; on a record that is not deleted it changes nothing.
RESTORE = "restore"


@dataclass(frozen=True)
class Step:
    """One workflow action: the statuses it starts from, where it leads, who takes it."""

    sources: frozenset[str]
    target: str
    by_reviewer: bool
    needs_comment: bool = False
    needs_current_version: bool = False


STEPS = {
    "submit": Step(frozenset({DRAFT, RETURNED}), SUBMITTED, by_reviewer=False),
    "withdraw": Step(frozenset({SUBMITTED}), DRAFT, by_reviewer=False),
    "cancel": Step(frozenset({DRAFT, RETURNED}), CANCELLED, by_reviewer=False),
    # A reviewer decides on exactly the version they read: a decision on a record that changed
    # since is refused, so nobody approves text they never saw.
    "approve": Step(frozenset({SUBMITTED}), APPROVED, by_reviewer=True, needs_current_version=True),
    "return": Step(
        frozenset({SUBMITTED}),
        RETURNED,
        by_reviewer=True,
        needs_comment=True,
        needs_current_version=True,
    ),
    "reopen": Step(
        frozenset({APPROVED, CANCELLED}), RETURNED, by_reviewer=True, needs_comment=True
    ),
}


class WorkflowError(Exception):
    """A step that may not be taken; code is a stable error code."""

    def __init__(self, code: str, detail: str):
        super().__init__(detail)
        self.code = code
        self.detail = detail


def check_step(
    action: str,
    status: str,
    *,
    is_writer: bool,
    is_reviewer: bool,
    is_own_record: bool,
    based_on: int,
    current_version: int,
    comment: str | None,
) -> str:
    """Return the status a step leads to, or raise WorkflowError saying why it may not."""
    step = STEPS.get(action)
    if step is None:
        raise WorkflowError("VALIDATION_FAILED", f"unknown action {action!r}")
    if step.by_reviewer:
        if not is_reviewer:
            raise WorkflowError("FORBIDDEN", "only a reviewer may take this step")
        if is_own_record:
            raise WorkflowError("FORBIDDEN", "a reviewer may not decide on their own record")
    elif not is_writer:
        raise WorkflowError("FORBIDDEN", "only the record's officers may take this step")
    if status not in step.sources:
        raise WorkflowError("INVALID_TRANSITION", f"{action} is not allowed from {status}")
    if step.needs_current_version and based_on != current_version:
        raise WorkflowError("VERSION_MISMATCH", "the record changed since it was opened")
    if step.needs_comment and not (comment or "").strip():
        raise WorkflowError("VALIDATION_FAILED", "a comment is required")
    return step.target


def approval_target(
    chain: list[int], approved: list[int], reviewer_unit: int | None
) -> tuple[str, int | None]:
    """Decide what an approval does under multi-level approval (PROTOCOL.md §7).

    chain lists, bottom-up, the units above a record that must each approve it (empty: any
    reviewer in scope approves once). approved lists the units that approved the current
    submission. reviewer_unit is the approving reviewer's unit, or None for an administrator,
    who may approve at whichever level is next. Return the new status and the level approved.
    """
    pending = [unit for unit in chain if unit not in approved]
    if not pending:
        return APPROVED, None
    level = pending[0]
    if reviewer_unit is not None and reviewer_unit != level:
        if reviewer_unit in pending:
            raise WorkflowError(
                "AWAITING_LOWER_LEVEL", "a lower level must approve the record first"
            )
        raise WorkflowError("FORBIDDEN", "this level does not approve the record")
    return (APPROVED if len(pending) == 1 else SUBMITTED), level
