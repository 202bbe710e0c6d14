"""The fleet's loss check blames the delete that made a tombstone, not one that came after it.

A delete of a record deleted already is acknowledged `applied` with the tombstone's version
(PROTOCOL.md §4.4), like the delete that made it: only the audit trail tells them apart.
"""

from types import SimpleNamespace

import pytest

from bench.fleet_check import Truth, check_acknowledged
from bench.fleet_devices import LoggedMutation

pytestmark = pytest.mark.no_database  # the check alone, on logged mutations

RID = "ed266927-57e0-482b-a957-cd2a1f124470"
DEVICE_IDS = {"d0": "id-d0", "d4": "id-d4", "d6": "id-d6"}


def _mutation(key: str, device: str, op: str, base: int, ack: dict, data=None) -> LoggedMutation:
    m = LoggedMutation(key, device, op, "meetings", RID, base, data or {})
    m.sent = 1
    m.results.append({"seq": 1, **ack})
    return m


def _truth(deleter: str) -> Truth:
    audit = [
        SimpleNamespace(
            id=1,
            device_id="id-d0",
            table_name="meetings",
            record_id=RID,
            action="update",
            version=7,
            after={"title": "mới"},
        ),
        SimpleNamespace(
            id=2,
            device_id=DEVICE_IDS[deleter],
            table_name="meetings",
            record_id=RID,
            action="delete",
            version=None,
            after={"deleted": True},
        ),
    ]
    return Truth(
        records={"models": {}, "meetings": {}},
        conflicts={},
        tombstones={("meetings", RID): 8},
        unit_paths={},
        users={},
        audit=audit,
        conflict_rows=[],
    )


def _logs() -> list[LoggedMutation]:
    return [
        _mutation("d0:23", "d0", "put", 6, {"status": "applied", "version": 7}, {"title": "mới"}),
        # d6 had pulled v7: its delete made the tombstone, seeing the edit.
        _mutation("d6:9", "d6", "delete", 7, {"status": "applied", "version": 8}),
        # d4's delete, based on v3, came after: the record was a tombstone already.
        _mutation("d4:4", "d4", "delete", 3, {"status": "applied", "version": 8}),
    ]


def test_a_delete_of_a_tombstone_is_not_blamed_for_the_delete_before_it():
    """§4.4: the value d0 wrote was seen by the delete that made the tombstone: nothing lost."""
    assert check_acknowledged(_logs(), _truth("d6"), DEVICE_IDS) == []


def test_a_stale_delete_that_made_the_tombstone_is_still_found():
    """§4.4: had d4's stale delete made the tombstone, d0's acknowledged value was lost."""
    (failure,) = check_acknowledged(_logs(), _truth("d4"), DEVICE_IDS)
    assert (failure.kind, failure.where) == ("lost", "d0")
    assert "d4:4 delete based on v3" in failure.message
