"""One handler per mutation op, each checking its own data before it writes (PROTOCOL.md §3.3).

The store looks a mutation's op up in HANDLERS; a handler checks the table and id, loads the
data with its schema, and applies the mutation through the record services as one actor.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol, cast

from marshmallow import Schema, ValidationError

from server.errors import ApiError
from server.records import conflicts, service
from server.records.schemas import ReviewIn
from server.records.tables import TABLES, RecordTable
from server.schemas import NOT_A_CANONICAL_UUID, canonical_uuid
from server.sync_api.schemas import ResolveData
from sync.engine import Applied
from sync.messages import OPS, Mutation

if TYPE_CHECKING:
    from datetime import datetime

    from sqlalchemy.orm import Session

    from server.actor import Actor
    from server.models import SyncedRecord, User
    from server.records.newrow import NewRecord


class PushState(Protocol):
    """What a handler needs from the push in progress (server/sync_api/store.py SqlStore)."""

    session: Session
    # A record the batch created is a NewRecord until a later mutation of it names it.
    known: dict[tuple[str, str], SyncedRecord | NewRecord]

    @property
    def user(self) -> User:
        """Return the signed-in user, loaded when first read."""

    def actor_for(self, table: str, record_id: str, sent_at: datetime | None) -> Actor:
        """Return the actor of a mutation of this record, at its kept action time."""

    def echo(
        self, table: str, record: SyncedRecord | NewRecord, sent: dict, *, whole: bool
    ) -> object:
        """Note a record the push wrote as the device sent it; return its echo token."""


def check_id(m: Mutation) -> None:
    """Refuse a mutation whose id is not a UUID in its one spelling before any query (§4.4)."""
    if canonical_uuid(m.record_id) is None:
        raise ValidationError({"id": [NOT_A_CANONICAL_UUID]})


def record_table(m: Mutation) -> RecordTable:
    """Return the record table a mutation names, or refuse it as UNKNOWN_TABLE."""
    table = TABLES.get(m.table)
    if table is None:
        raise ApiError("UNKNOWN_TABLE", {"table": m.table, "tables": sorted(TABLES)})
    return table


class RecordHandler:
    """A mutation of a synced record: put, delete or review."""

    # The schema of the mutation's data; None where the record service checks it itself.
    schema: Schema | None = None

    def __call__(self, store: PushState, m: Mutation) -> Applied:
        """Check the mutation, then apply it as the device's user at its action time."""
        table = record_table(m)
        check_id(m)
        # The store turns a row the batch created into an ORM object before a later mutation
        # of the record reaches its handler (SqlStore.apply).
        record = cast("SyncedRecord | None", store.known.get((m.table, m.record_id)))
        # The action time is noted before the data is checked: a refused step still happened.
        actor = store.actor_for(m.table, m.record_id, m.at)
        return self.apply(store, m, table, record, self.load(m), actor)

    def load(self, m: Mutation) -> dict:
        """Return the mutation's data as its schema loads it."""
        return self.schema.load(m.data) if self.schema is not None else m.data

    def apply(
        self,
        store: PushState,
        m: Mutation,
        table: RecordTable,
        record: SyncedRecord | None,
        data: dict,
        actor: Actor,
    ) -> Applied:
        """Apply the checked mutation to the record (None: the server lacks it)."""
        raise NotImplementedError


class Put(RecordHandler):
    """Create a record, or merge an edit into it (create-of-existing is an edit, §4.4)."""

    def apply(
        self,
        store: PushState,
        m: Mutation,
        table: RecordTable,
        record: SyncedRecord | None,
        data: dict,
        actor: Actor,
    ) -> Applied:
        """Create or merge; the record shapes of the table check the data."""
        if record is None:
            # A row for the push's one INSERT of its new records, not an ORM object.
            created = service.create_row(store.session, table, data, actor=actor)
            store.known[(m.table, m.record_id)] = created.record
            return _applied(store, m, created)
        edit = {k: v for k, v in data.items() if k != "id"}
        return _applied(
            store,
            m,
            service.update(
                store.session, table, record, edit, base_version=m.base, actor=actor, strict=False
            ),
        )


def _applied(store: PushState, m: Mutation, result: service.WriteResult[Any]) -> Applied:
    """Answer a put, noting what the device holds of the record as written."""
    token = store.echo(m.table, result.record, m.data, whole=result.created)
    return Applied(
        version=result.record.version,
        conflicts=[c.id for c in result.conflicts],
        # Only a write the device made can be skipped in its pull.
        echo_token=token if result.applied else None,
    )


class Delete(RecordHandler):
    """Delete a record, unless others changed it since the device's base (§4.4)."""

    def apply(
        self,
        store: PushState,
        m: Mutation,
        table: RecordTable,
        record: SyncedRecord | None,
        data: dict,
        actor: Actor,
    ) -> Applied:
        """Leave a tombstone; a delete of a missing record is acknowledged."""
        if record is None:
            return Applied()  # delete-of-missing is acknowledged (§4.4)
        service.delete(store.session, table, record, base_version=m.base, actor=actor, strict=False)
        return Applied(version=record.version)


class Review(RecordHandler):
    """Take a workflow step, or restore a deleted record (§7)."""

    # The same schema as the JSON API's review route, the mutation's base standing for version.
    schema = ReviewIn()

    def load(self, m: Mutation) -> dict:
        """Load the step as the review route does, its version being the mutation's base."""
        return self.schema.load(
            {**{k: v for k, v in m.data.items() if k != "id"}, "version": m.base}
        )

    def apply(
        self,
        store: PushState,
        m: Mutation,
        table: RecordTable,
        record: SyncedRecord | None,
        data: dict,
        actor: Actor,
    ) -> Applied:
        """Take the step on the version the reviewer read."""
        if record is None:
            raise ApiError("NOT_FOUND")
        service.review(
            store.session,
            table,
            record,
            action=data["action"],
            based_on=m.base,
            comment=data.get("comment"),
            actor=actor,
        )
        return Applied(version=record.version)


class Resolve:
    """Close a conflict record, keeping the record's value or restoring the lost one (§6.3)."""

    schema = ResolveData()

    def __call__(self, store: PushState, m: Mutation) -> Applied:
        """Resolve a conflict in the user's scope at the action time of its record."""
        if m.table != "conflicts":
            raise ApiError("UNKNOWN_TABLE", {"table": m.table, "tables": ["conflicts"]})
        check_id(m)
        data = self.schema.load(m.data)
        session = store.session
        conflict = conflicts.visible_conflict(session, m.record_id, store.user)
        actor = store.actor_for(conflict.table_name, conflict.record_id, m.at)
        conflicts.resolve(session, conflict, str(data.get("resolution")), actor=actor)
        # The record's version now, after a RESTORE_LOST wrote to it (§6.3).
        record = service.find(session, TABLES[conflict.table_name], conflict.record_id)
        return Applied(version=record.version if record is not None else None)


class Handler(Protocol):
    """Apply one mutation of an op, or raise ApiError / ValidationError leaving nothing."""

    def __call__(self, store: PushState, m: Mutation) -> Applied:
        """Apply the mutation."""


HANDLERS: dict[str, Handler] = {
    "put": Put(),
    "delete": Delete(),
    "review": Review(),
    "resolve": Resolve(),
}


def handler_for(m: Mutation) -> Handler:
    """Return the handler of a mutation's op; an op the protocol lacks fails like a bad request."""
    handler = HANDLERS.get(m.op)
    if handler is None:
        # parse_request refuses such a request whole; a store driven otherwise answers alike.
        raise ValidationError({"op": [f"Must be one of: {', '.join(OPS)}."]})
    return handler
