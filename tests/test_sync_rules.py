"""Pure rules of the sync engine: merge, workflow, envelopes (PROTOCOL.md §3, §4, §6, §7)."""

import pytest

from sync.merge import FieldConflict, merge_fields
from sync.messages import MAX_MUTATIONS, ProtocolError, parse_request
from sync.workflow import WorkflowError, approval_target, check_step

# --- §6.1 field-level merge ------------------------------------------------------------------

MERGE_CASES = [
    # (case, current, field_versions, base, changes, writers, writer, apply, conflicts)
    (
        "untouched field takes the edit",
        {"name": "A"},
        {"name": 1},
        1,
        {"name": "B"},
        {},
        "d1",
        {"name": "B"},
        [],
    ),
    (
        "concurrent change of another field",
        {"name": "A", "locality": "X"},
        {"name": 1, "locality": 2},
        1,
        {"name": "B"},
        {"2": "d2"},
        "d1",
        {"name": "B"},
        [],
    ),
    (
        "same field changed by another device",
        {"name": "A2"},
        {"name": 2},
        1,
        {"name": "B"},
        {"2": "d2"},
        "d1",
        {},
        [FieldConflict("name", "A2", "B")],
    ),
    (
        "same field, same value is no conflict",
        {"name": "B"},
        {"name": 2},
        1,
        {"name": "B"},
        {"2": "d2"},
        "d1",
        {},
        [],
    ),
    (
        "own earlier edit is no conflict",
        {"name": "A2"},
        {"name": 2},
        0,
        {"name": "B"},
        {"2": "d1"},
        "d1",
        {"name": "B"},
        [],
    ),
    (
        "create-of-existing with base 0 conflicts",
        {"name": "A"},
        {"name": 1},
        0,
        {"name": "B"},
        {"1": "d2"},
        "d1",
        {},
        [FieldConflict("name", "A", "B")],
    ),
    (
        "unknown writer history is treated as another device",
        {"name": "A3"},
        {"name": 3},
        1,
        {"name": "B"},
        {},
        "d1",
        {},
        [FieldConflict("name", "A3", "B")],
    ),
]


@pytest.mark.parametrize(
    ("current", "versions", "base", "changes", "writers", "writer", "apply", "conflicts"),
    [c[1:] for c in MERGE_CASES],
    ids=[c[0] for c in MERGE_CASES],
)
def test_merge_fields(current, versions, base, changes, writers, writer, apply, conflicts):
    outcome = merge_fields(current, versions, base, changes, writers=writers, writer=writer)
    assert outcome.apply == apply
    assert outcome.conflicts == conflicts


# --- §7 workflow -----------------------------------------------------------------------------

STATUSES = {"NHAP", "CHO_DUYET", "DA_DUYET", "TRA_LAI", "HUY"}
STEP_CASES = [
    # (action, status, writer, reviewer, own, based_on, current, comment, expected)
    ("submit", "NHAP", True, False, True, 1, 1, None, "CHO_DUYET"),
    ("submit", "TRA_LAI", True, False, True, 1, 3, None, "CHO_DUYET"),
    ("submit", "DA_DUYET", True, False, True, 1, 1, None, "INVALID_TRANSITION"),
    ("submit", "NHAP", False, True, False, 1, 1, None, "FORBIDDEN"),
    ("withdraw", "CHO_DUYET", True, False, True, 2, 2, None, "NHAP"),
    ("cancel", "NHAP", True, False, True, 1, 1, None, "HUY"),
    ("approve", "CHO_DUYET", False, True, False, 2, 2, None, "DA_DUYET"),
    ("approve", "CHO_DUYET", False, True, False, 1, 2, None, "VERSION_MISMATCH"),
    ("approve", "CHO_DUYET", False, True, True, 2, 2, None, "FORBIDDEN"),
    ("approve", "NHAP", False, True, False, 1, 1, None, "INVALID_TRANSITION"),
    ("approve", "CHO_DUYET", True, False, False, 2, 2, None, "FORBIDDEN"),
    ("return", "CHO_DUYET", False, True, False, 2, 2, "Bổ sung số liệu", "TRA_LAI"),
    ("return", "CHO_DUYET", False, True, False, 2, 2, "   ", "VALIDATION_FAILED"),
    ("reopen", "DA_DUYET", False, True, False, 3, 3, "Mở lại để sửa", "TRA_LAI"),
    ("reopen", "DA_DUYET", False, True, False, 3, 3, None, "VALIDATION_FAILED"),
    ("publish", "NHAP", True, True, False, 1, 1, None, "VALIDATION_FAILED"),
]


@pytest.mark.parametrize(
    ("action", "status", "writer", "reviewer", "own", "based_on", "current", "comment", "expected"),
    STEP_CASES,
)
def test_workflow_step(action, status, writer, reviewer, own, based_on, current, comment, expected):
    kwargs = {
        "is_writer": writer,
        "is_reviewer": reviewer,
        "is_own_record": own,
        "based_on": based_on,
        "current_version": current,
        "comment": comment,
    }
    if expected in STATUSES:
        assert check_step(action, status, **kwargs) == expected
    else:
        with pytest.raises(WorkflowError) as info:
            check_step(action, status, **kwargs)
        assert info.value.code == expected


# --- §3 envelopes ----------------------------------------------------------------------------


def body(**overrides):
    """Return a minimal valid request with overrides."""
    data = {"protocol": 1, "schema": 1, "cursor": 0, "mutations": []}
    data.update(overrides)
    return data


def put(seq, **kw):
    """Return a put mutation."""
    return {"seq": seq, "op": "put", "table": "models", "base": 0, "data": {"id": "x"}, **kw}


BAD_REQUESTS = [
    ("not an object", [], "VALIDATION_FAILED"),
    ("protocol 2", body(protocol=2), "PROTOCOL_UNSUPPORTED"),
    ("schema from the future", body(schema=99), "PROTOCOL_UNSUPPORTED"),
    ("protocol missing", {"schema": 1, "cursor": 0, "mutations": []}, "VALIDATION_FAILED"),
    ("negative cursor", body(cursor=-1), "VALIDATION_FAILED"),
    ("boolean cursor", body(cursor=True), "VALIDATION_FAILED"),
    ("unknown key", body(extra=1), "VALIDATION_FAILED"),
    ("mutations not a list", body(mutations={}), "VALIDATION_FAILED"),
    ("unknown op", body(mutations=[put(1, op="upsert")]), "VALIDATION_FAILED"),
    ("seq zero", body(mutations=[put(0)]), "VALIDATION_FAILED"),
    ("repeated seq", body(mutations=[put(1), put(1)]), "VALIDATION_FAILED"),
    ("data without id", body(mutations=[put(1, data={})]), "VALIDATION_FAILED"),
    ("unknown mutation key", body(mutations=[put(1, extra=True)]), "VALIDATION_FAILED"),
    ("page too large", body(limit=10_000), "VALIDATION_FAILED"),
    (
        "too many mutations",
        body(mutations=[put(i) for i in range(1, MAX_MUTATIONS + 2)]),
        "VALIDATION_FAILED",
    ),
]


@pytest.mark.parametrize(
    ("raw", "code"), [c[1:] for c in BAD_REQUESTS], ids=[c[0] for c in BAD_REQUESTS]
)
def test_bad_envelope_is_refused_whole(raw, code):
    with pytest.raises(ProtocolError) as info:
        parse_request(raw)
    assert info.value.code == code


def test_mutations_are_sorted_by_seq():
    parsed = parse_request(body(mutations=[put(3), put(1), put(2)]))
    assert [m.seq for m in parsed.mutations] == [1, 2, 3]


# --- §7 multi-level approval -----------------------------------------------------------------

APPROVAL_CASES = [
    # (case, chain, approved, reviewer unit, expected status or error, level)
    ("single level: any reviewer in scope", [], [], 7, "DA_DUYET", None),
    ("one level approves", [2], [], 2, "DA_DUYET", 2),
    ("first of two levels keeps it submitted", [5, 2], [], 5, "CHO_DUYET", 5),
    ("second of two levels approves", [5, 2], [5], 2, "DA_DUYET", 2),
    ("upper level must wait for the lower", [5, 2], [], 2, "AWAITING_LOWER_LEVEL", None),
    ("a unit outside the chain may not approve", [5, 2], [], 9, "FORBIDDEN", None),
    ("an administrator approves the next level", [5, 2], [], None, "CHO_DUYET", 5),
]


@pytest.mark.parametrize(
    ("chain", "approved", "reviewer", "expected", "level"),
    [c[1:] for c in APPROVAL_CASES],
    ids=[c[0] for c in APPROVAL_CASES],
)
def test_approval_target(chain, approved, reviewer, expected, level):
    if expected in STATUSES:
        assert approval_target(chain, approved, reviewer) == (expected, level)
    else:
        with pytest.raises(WorkflowError) as info:
            approval_target(chain, approved, reviewer)
        assert info.value.code == expected
