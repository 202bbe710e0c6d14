"""Property-based test: random offline work on many devices always converges, loses nothing.

Devices make random edits, deletes and review steps offline, then sync in random order; some
responses are lost after the server applied the batch (a duplicate delivery on retry). At the
end every device holds the server's state, every accepted value is on the record or kept in a
conflict record or the audit trail, and nothing exists twice (PROTOCOL.md §4–§7).
"""

import contextlib
import uuid

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule
from sqlalchemy import func, select

from server.extensions import db
from server.models import AuditEvent, Conflict, ModelRecord
from tests.conftest import _empty_tables, model_payload
from tests.sync_helpers import device

FIELDS = ("name", "locality", "results")
# Edits mostly hit one field, so that devices often change the same field concurrently:
# the case where a weaker merge would silently drop a value.
EDITED = st.sampled_from(["name", "name", "name", "locality", "results"])
WORDS = st.sampled_from(
    [
        "Bản Na Ngoi",
        "Xóm 3",
        "Khối Kim Tân",
        "Nuôi ong",
        "Trồng keo",
        "Thu nhập tăng 20%",
        "Đường bê tông 2 km",
    ]
)


@pytest.mark.slow
def test_random_offline_work_converges(app, client, create_unit, create_user):
    """Run the state machine over many random histories."""
    context = {"app": app, "client": client, "create_unit": create_unit, "create_user": create_user}

    class OfflineWork(RuleBasedStateMachine):
        """Three devices of two officers and one reviewer work offline and sync."""

        def __init__(self):
            super().__init__()
            db.session.close()  # forget the previous example's objects: ids are reused
            _empty_tables()
            root = context["create_unit"]("Trung ương", code="TW", level="TRUNG_UONG")
            province = context["create_unit"]("Tỉnh Nghệ An", root, level="TINH", code="40")
            self.commune = context["create_unit"]("Xã Nậm Cắn", province, code="17000")
            context["create_user"]("canbo1", self.commune, ["CAN_BO_NHAP"])
            context["create_user"]("canbo2", self.commune, ["CAN_BO_NHAP"])
            context["create_user"]("lanhdao", province, ["LANH_DAO_DUYET"])
            c = context["client"]
            self.devices = [
                device(c, "canbo1", name="A"),
                device(c, "canbo1", name="B"),
                device(c, "canbo2", name="C"),
                device(c, "lanhdao", name="R"),
            ]
            self.officers = self.devices[:3]
            self.created: set[str] = set()
            # (record id, field, value) of every edit a device sent
            self.sent_values: list[tuple[str, str, str]] = []

        def known_ids(self, d) -> list[str]:
            return sorted(d.state.records["models"])

        # Few records, many actions on them: that is where concurrent edits meet.
        @precondition(lambda self: len(self.created) < 6)
        @rule(who=st.integers(0, 2))
        def create(self, who):
            body = model_payload(self.commune, id=str(uuid.uuid4()))
            self.officers[who].create("models", body)
            self.created.add(body["id"])

        @rule(
            who=st.integers(0, 2),
            pick=st.integers(0, 100),
            name=EDITED,
            value=WORDS,
        )
        def edit(self, who, pick, name, value):
            d = self.officers[who]
            ids = self.known_ids(d)
            if ids:
                record_id = ids[pick % len(ids)]
                d.edit("models", record_id, {name: value})

        @rule(
            pair=st.sampled_from([(0, 2), (1, 2), (0, 1)]),
            pick=st.integers(0, 100),
            first=WORDS,
            second=WORDS,
        )
        def edit_same_field_apart(self, pair, pick, first, second):
            """Two devices that hold the same record change the same field while apart."""
            one, other = (self.officers[i] for i in pair)
            common = sorted(set(self.known_ids(one)) & set(self.known_ids(other)))
            if common and first != second:
                record_id = common[pick % len(common)]
                one.edit("models", record_id, {"name": first})
                other.edit("models", record_id, {"name": second})

        @rule(who=st.integers(0, 2), pick=st.integers(0, 100))
        def delete(self, who, pick):
            d = self.officers[who]
            ids = self.known_ids(d)
            # Rarer than edits, or records vanish before two devices ever edit one.
            if ids and pick % 4 == 0:
                d.delete("models", ids[pick % len(ids)])

        @rule(
            who=st.integers(0, 2),
            pick=st.integers(0, 100),
            action=st.sampled_from(["submit", "submit", "withdraw", "withdraw", "cancel"]),
        )
        def officer_step(self, who, pick, action):
            d = self.officers[who]
            ids = self.known_ids(d)
            if ids:
                d.review("models", ids[pick % len(ids)], action)

        @rule(pick=st.integers(0, 100), action=st.sampled_from(["approve", "return", "reopen"]))
        def reviewer_step(self, pick, action):
            d = self.devices[3]
            ids = self.known_ids(d)
            if ids:
                d.review("models", ids[pick % len(ids)], action, "Đề nghị bổ sung")

        @rule()
        def everyone_syncs(self):
            """A connection comes back for all: every device pushes and pulls once."""
            for d in self.devices:
                self._sync(d, lose_response=False)

        @rule(who=st.integers(0, 3), lose_response=st.booleans())
        def sync(self, who, lose_response):
            self._sync(self.devices[who], lose_response=lose_response)

        def _sync(self, d, *, lose_response):
            for mutation in d.state.outbox:  # what leaves the device now, edits collapsed
                if mutation["op"] == "put":
                    self.sent_values.extend(
                        (mutation["data"]["id"], name, mutation["data"][name])
                        for name in FIELDS
                        if name in mutation["data"]
                    )
            d.transport.drop_next_response = lose_response
            # A lost response: the batch was applied; the next sync is told "duplicate".
            with contextlib.suppress(ConnectionResetError):
                d.sync()

        @invariant()
        def nothing_exists_twice(self):
            rows = db.session.scalar(select(func.count(ModelRecord.id)))
            assert rows <= len(self.created)

        def teardown(self):
            for _ in range(3):  # settle: everyone pushes, then everyone pulls what others did
                for d in self.devices:
                    d.transport.drop_next_response = False
                    d.sync()
            server = {r.id: r for r in db.session.scalars(select(ModelRecord))}
            live = {rid: r for rid, r in server.items() if not r.deleted}
            for d in self.devices:
                assert d.state.outbox == []
                assert set(d.state.records["models"]) == set(live), d.transport
                for rid, local in d.state.records["models"].items():
                    for name in FIELDS:
                        assert local[name] == getattr(live[rid], name)
                    assert local["review_status"] == live[rid].review_status
                    assert local["version"] == live[rid].version
            assert set(server) <= self.created
            self.no_silent_overwrite()
            lost = {
                (c.record_id, c.field, c.lost_value) for c in db.session.scalars(select(Conflict))
            }
            written = set()
            for event in db.session.scalars(
                select(AuditEvent).where(AuditEvent.action.in_(["update", "create"]))
            ):
                for name in FIELDS:
                    if name in (event.after or {}):
                        written.add((event.record_id, name, event.after[name]))
            for record_id, name, value in self.sent_values:
                if record_id in server and record_id not in _rejected_ids(self.devices):
                    assert (record_id, name, value) in written | lost, (record_id, name, value)

        def no_silent_overwrite(self):
            """No edit replaced a value written after its base by another device (§6.1)."""
            events = list(
                db.session.scalars(
                    select(AuditEvent)
                    .where(AuditEvent.action.in_(["update", "create"]))
                    .order_by(AuditEvent.id)
                )
            )
            last_write: dict[tuple[str, str], AuditEvent] = {}
            for event in events:
                for name in FIELDS:
                    if name not in (event.after or {}):
                        continue
                    previous = last_write.get((event.record_id, name))
                    if previous is not None and event.action == "update":
                        assert (
                            previous.version <= event.base_version
                            or previous.device_id == event.device_id
                        ), (
                            f"{name} of {event.record_id} overwritten at v{event.version} "
                            f"(base {event.base_version}) over v{previous.version}"
                        )
                    last_write[(event.record_id, name)] = event

    def _rejected_ids(devices) -> set[str]:
        return {key.split("/", 1)[1] for d in devices for key in d.state.errors}

    OfflineWork.TestCase.settings = settings(
        max_examples=30,
        stateful_step_count=40,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    OfflineWork.TestCase().runTest()
