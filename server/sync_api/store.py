"""SQL storage behind the pure sync engine, for one device."""

import hashlib
import json
import typing
from datetime import datetime, timedelta
from typing import Any

from marshmallow import ValidationError
from sqlalchemy import (
    String,
    Table,
    bindparam,
    delete,
    inspect,
    select,
    update,
)
from sqlalchemy.orm import InstrumentedAttribute, Session, joinedload, scoped_session
from sqlalchemy.sql import ColumnElement, Select

from server import audit, changes
from server.actor import Actor
from server.auth.identity import Identity, load_device
from server.criteria.schemas import CriteriaSetOut
from server.errors import ApiError, validation_error
from server.fastdump import FastDumper
from server.models import (
    Conflict,
    Device,
    MutationResult,
    SyncedRecord,
    Unit,
    User,
)
from server.models.types import utcnow
from server.records import newrow, service, wire
from server.records.newrow import NewRecord
from server.records.rows import insert_rows
from server.records.tables import TABLES
from server.schemas import canonical_uuid
from server.sync_api import pull_sql, staging
from server.sync_api.clock import ActionClock
from server.sync_api.handlers import handler_for
from server.sync_api.schemas import ConflictOut
from server.units.schemas import UnitOut
from sync.engine import Applied, Page, RejectedError
from sync.messages import MAX_MUTATIONS, Mutation

# A no-op sync would otherwise write the device row every time; once a minute is enough to
# show supervisors who is behind, and keeps idle syncs read-only.
STATUS_RESOLUTION = timedelta(minutes=1)
# A device retries only its last unanswered batch, of at most MAX_MUTATIONS: the results of the
# seqs before it are never asked for again.
KEPT_RESULTS = MAX_MUTATIONS
# A province lists ~100 units, the country 3,355: beyond this the scope stays a subquery.
SCOPE_IDS_MAX = 500

UNIT_OUT = FastDumper(UnitOut())
# Kept results go out as a plain executemany of the table (server/records/rows.py).
MUTATION_RESULTS = typing.cast(Table, MutationResult.__table__)
# Results no longer kept, through the table, built once (no ORM bulk DELETE per push).
_PRUNE_RESULTS = delete(MUTATION_RESULTS).where(
    MUTATION_RESULTS.c.device_id == bindparam("device"),
    MUTATION_RESULTS.c.seq <= bindparam("below"),
)
CONFLICT_OUT = FastDumper(ConflictOut())
CRITERIA_SET_OUT = FastDumper(CriteriaSetOut())


class _Echo:
    """A record this push wrote, and the change_seq it ended with once the batch was stamped."""

    def __init__(
        self, table: str, record: SyncedRecord | NewRecord, sent: dict, *, whole: bool
    ) -> None:
        self.table = table
        self.record = record
        self.record_id = record.id
        # What the device holds of the record: the fields it sent (all of them for a create).
        self.sent = sent
        self.whole = whole
        self.seq: int | None = None
        # A later mutation of the same record in the batch changes it beyond what the device
        # wrote: then it must be sent after all.
        self.valid = True
        # The server stored something other than what was sent (normalised values, defaults):
        # the device must receive the stored record in this response (§5.5).
        self.resend = False
        # A streamed push's comparison made early: the text compared, and whether it differed.
        self.early: tuple[str, bool] | None = None

    def check(self) -> None:
        """Compare the stored record with what the device sent; call after the flush."""
        record = self.record
        if self.early is not None and record.wire_json is self.early[0]:
            # Compared while the body streamed in, with the very text now written.
            differs = self.early[1]
        else:
            if record.wire_json is not None and record.wire_seq == record.change_seq:
                # The version was rendered when it was written: read that, not a second dump.
                stored = json.loads(record.wire_json)
            else:
                stored = TABLES[self.table].dumper().dump(record)
            differs = self._differs(stored)
        if differs:
            self.resend = True
            self.valid = False

    def check_early(self, text: str) -> None:
        """Compare what was sent with a new record's wire JSON rendered before its stamp."""
        self.early = (text, self._differs(json.loads(text)))

    def _differs(self, stored: dict) -> bool:
        names = TABLES[self.table].loader().fields if self.whole else self.sent
        return any(not same_value(self.sent.get(n), stored.get(n)) for n in names if n != "id")


def same_value(sent: object, stored: object) -> bool:
    """Tell whether a value a device sent is the one stored, as JSON (absent is null)."""
    if isinstance(sent, dict) and isinstance(stored, dict):
        return all(same_value(sent.get(k), stored.get(k)) for k in sent.keys() | stored.keys())
    if isinstance(sent, list) and isinstance(stored, list):
        return len(sent) == len(stored) and all(map(same_value, sent, stored))
    if isinstance(sent, bool) or isinstance(stored, bool):
        return sent is stored
    if isinstance(sent, int | float) and isinstance(stored, int | float):
        return sent == stored  # JSON does not tell 120 from 120.0
    return type(sent) is type(stored) and sent == stored


def scope_key(identity: Identity) -> str:
    """Fingerprint what a device may see: its user's unit and roles."""
    roles = ",".join(sorted(identity.roles))
    raw = f"{identity.unit_id}|{identity.unit_path}|{roles}|{identity.is_admin}"
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


class SqlStore:
    """Storage for one device's sync exchange."""

    def __init__(
        self,
        session: Session,
        identity: Identity,
        *,
        pending: int = 0,
        app_version: str | None = None,
        counter: int | None = None,
        scope: str | None = None,
    ):
        self.session = session
        # The token check's columns: an idle sync reads only these and builds no ORM object.
        self.identity = identity
        self._device: Device | None = None
        self.pending = pending
        self.app_version = app_version
        self.current_scope = scope_key(identity)
        # Reset bookkeeping (§5.4): the scope token the request sent, if any; the cursor a reset
        # is answered to in this exchange (written as the device's reset_from, else cleared);
        # whether the pull took a counter value of its own so that its page ends above it.
        self.sent_scope = scope
        self._reset_from: int | None = None
        self._bumped = False
        # A committed counter read earlier in this request, if any: the pull answers up to it.
        self._high: int | None = counter
        # What a push wrote and answered; an idle sync leaves them empty.
        self.results: list[dict] = []
        # The device's last applied seq when the push took its lock (hold_device).
        self._held_seq = identity.last_seq
        self.echoes: list[_Echo] = []

    @property
    def device(self) -> Device:
        """Return the device as an ORM object, loaded (with its user and unit) on first use."""
        if self._device is None:
            self._device = load_device(self.session, self.identity)
        return self._device

    @property
    def user(self) -> User:
        """Return the device's user as an ORM object, for the services a push calls."""
        return self.device.user

    # --- push -------------------------------------------------------------------------------

    def last_seq(self) -> int:
        """Return the device's last applied seq."""
        return self.identity.last_seq

    def hold_device(self) -> int:
        """Lock the device's row until commit and return its last applied seq read under it.

        Two copies of one batch on two connections would otherwise both read last_seq before
        either commits, and both apply it. The auth guard loaded the device earlier, so the
        row is read again into it. SQLite renders no FOR UPDATE, but every transaction there
        begins IMMEDIATE (server/__init__.py): this read already holds the write lock.
        """
        # The device, its user and unit (the push's services need them) in the statement that
        # locks the device's row, and only that row: FOR UPDATE OF devices.
        self._device = self.session.execute(
            select(Device)
            .options(joinedload(Device.user).joinedload(User.unit))
            .where(Device.id == self.identity.device_id)
            .with_for_update(of=Device)
            .execution_options(populate_existing=True)
        ).scalar_one()
        self._held_seq = self._device.last_seq
        return self._held_seq

    def stored_results(self, first: int, last: int) -> dict[int, tuple[dict, tuple | None]]:
        """Return the kept results of seqs first..last of the device, with what they showed."""
        rows = self.session.execute(
            select(
                MutationResult.seq,
                MutationResult.result,
                MutationResult.show_table,
                MutationResult.show_id,
            ).where(
                MutationResult.device_id == self.identity.device_id,
                MutationResult.seq >= first,
                MutationResult.seq <= last,
            )
        )
        return {
            row.seq: (row.result, (row.show_table, row.show_id) if row.show_table else None)
            for row in rows
        }

    def keep_result(self, result: dict, shows: tuple | None) -> None:
        """Queue a mutation's result; finish_push writes the batch's results at once."""
        if shows and canonical_uuid(shows[1]) != shows[1]:
            shows = None  # a malformed id names no record to show, and may not fit the column
        self.results.append(
            {
                "device_id": self.identity.device_id,
                "seq": result["seq"],
                "result": result,
                "show_table": shows[0] if shows else None,
                "show_id": shows[1] if shows else None,
            }
        )

    def set_last_seq(self, seq: int) -> None:
        """Record the last applied seq with the mutation's effects."""
        self.device.last_seq = seq

    def begin_push(self, mutations: list[Mutation]) -> None:
        """Load every record the batch names in one query per table; defer change stamps."""
        self.pushing = bool(mutations)
        changes.defer_stamps(self.session)
        # A refused mutation adds no event (the services check before they write), so the
        # batch's events can all go out in one INSERT at the end.
        audit.defer_events(self.session)
        newrow.forget(self.session)
        self.known: dict[tuple[str, str], SyncedRecord | NewRecord] = {}
        self.early: dict[tuple[str, str], tuple[dict, str]] = {}
        self.results_written = False
        self.clock = ActionClock(self.session, self.device, utcnow(), ())
        self.resolving: set[str] = set()
        self.extend_push(mutations)

    def extend_push(self, mutations: list[Mutation]) -> None:
        """Load the records that more mutations of the batch begun name (a streamed push).

        A push applied as its body arrives locks each part's records in id order, not the
        whole batch's: two such pushes may then deadlock, and PostgreSQL ends one of them.
        """
        # Only well-formed ids reach SQL; the others are refused one by one in _apply.
        named = [m for m in mutations if canonical_uuid(m.record_id) == m.record_id]
        # What an earlier part loaded may hold this batch's unflushed changes: never read again.
        resolved = {m.record_id for m in named if m.op == "resolve"} - self.resolving
        self.resolving |= resolved
        under_conflicts = (
            self.session.execute(
                select(Conflict.table_name, Conflict.record_id).where(Conflict.id.in_(resolved))
            ).all()
            if resolved
            else []
        )
        for name, table in TABLES.items():
            ids = {m.record_id for m in named if m.table == name}
            ids |= {record_id for kind, record_id in under_conflicts if kind == name}
            ids -= {record_id for kind, record_id in self.known if kind == name}
            if ids:
                model: type[SyncedRecord] = table.model
                # Every record the batch writes is held until commit, in id order so that two
                # pushes never wait on each other crosswise: concurrent writers of one record
                # (two phones, an admin's move) merge in turn, never over the same version.
                query = (
                    select(model)
                    .where(model.id.in_(ids))
                    .order_by(model.id)
                    .with_for_update()
                    .execution_options(populate_existing=True)
                )
                for row in self.session.scalars(query):
                    self.known[(name, row.id)] = row
        if resolved:
            # Then the conflicts to resolve, after their records as every writer does, so that
            # two devices resolving one conflict do it in turn.
            self.session.execute(
                select(Conflict)
                .where(Conflict.id.in_(resolved))
                .order_by(Conflict.id)
                .with_for_update()
                .execution_options(populate_existing=True)
            ).all()
        # The history of every record the batch names, in one query per table. Records are
        # never erased, so one the database lacks has none: a batch of new records reads none.
        absent = {(m.table, m.record_id) for m in named if m.table in TABLES} - self.known.keys()
        self.clock.add(self.known.keys(), without_history=absent)

    def finish_push(self) -> None:
        """Stamp the batch's changes in one allocation and commit; the pull reads afresh."""
        last = changes.apply_deferred_stamps(self.session)
        # Not while a reset waits to be confirmed: the status written here would forget it
        # before the pull decides (§5.4).
        if last is not None and not self.scope_changed() and self._status().reset_from is None:
            # The pull that follows answers up to the counter as this transaction leaves it
            # (every lower number is committed before it, §5): the device's status goes out
            # in the UPDATE that writes its last_seq, and the pull writes it again only if its
            # page ends elsewhere.
            self._high = last
            self._set_status(last, utcnow())
        self._insert_created()
        self._update_edited()
        audit.write_deferred_events(self.session)
        if self.echoes:
            self.session.flush()  # fills the column defaults the comparison must see
            for echo in self.echoes:
                echo.check()
        for echo in self.echoes:
            echo.seq = echo.record.change_seq if echo.valid else None
        if self.results or self.results_written:
            if self.results:
                insert_rows(self.session, MUTATION_RESULTS, self.results)
            last_seq = self.device.last_seq
            # Pruned once per KEPT_RESULTS seqs, when the batch crosses a multiple of it, not
            # at every push: a device keeps between KEPT_RESULTS and twice as many (§4.2 asks
            # for at least its last KEPT_RESULTS), and most pushes save a statement.
            if last_seq // KEPT_RESULTS != self._held_seq // KEPT_RESULTS:
                self.session.connection().execute(
                    _PRUNE_RESULTS,
                    {"device": self.identity.device_id, "below": last_seq - KEPT_RESULTS},
                )
        if self.pushing:
            # Only a push has anything to commit. Nothing read so far changes under the pull,
            # which reads below the counter this push read: expiring the device, user, unit and
            # records would only load them again.
            session = self.session() if isinstance(self.session, scoped_session) else self.session
            session.expire_on_commit = False
            try:
                session.commit()
            finally:
                session.expire_on_commit = True

    # --- a push applied as its body streams in (PROTOCOL.md §4.8) -----------------------------

    UNSTAMPED = ("change_seq", "wire_json", "wire_seq")

    def settle(self) -> None:
        """Write and render what the batch so far can before its stamps; the body still comes.

        Audit events and kept results go out now; each new record is rendered (its wire JSON
        holds no change_seq) and staged now (server/sync_api/staging.py), and moved into its
        table at the end if nothing changed it since.
        """
        audit.write_deferred_events(self.session)
        audit.defer_events(self.session)
        if self.results:
            insert_rows(self.session, MUTATION_RESULTS, self.results)
            self.results = []
            self.results_written = True
        fresh: dict[str, list[dict[str, Any]]] = {}
        for (name, record_id), record in self.known.items():
            if type(record) is NewRecord and (name, record_id) not in self.early:
                values = {k: v for k, v in record.values.items() if k not in self.UNSTAMPED}
                text = wire.render(TABLES[name], record)
                self.early[(name, record_id)] = (values, text)
                fresh.setdefault(name, []).append({**record.values, "wire_json": text})
        for name, rows in fresh.items():
            staging.stage(self.session, TABLES[name], rows)
        for echo in self.echoes:
            if echo.early is None and type(echo.record) is NewRecord:
                early = self.early.get((echo.table, echo.record_id))
                if early is not None:
                    echo.check_early(early[1])

    def _rendered_early(self, name: str, record: NewRecord) -> str | None:
        """Return the wire JSON settle() rendered, if the record is still what it was then."""
        early = self.early.get((name, record.values["id"]))
        if early is None:
            return None
        values, text = early
        same = len(values) == len(record.values) - len(self.UNSTAMPED) and all(
            record.values.get(k) == v for k, v in values.items()
        )
        return text if same else None

    def _insert_created(self) -> None:
        """INSERT the batch's new records with one statement per table, outside the ORM.

        Each is INSERTed once, stamped and in its final state, with the wire JSON a pull sends.
        Most are rows that never were ORM objects (`service.create_row`); one a later mutation
        of the batch changed became a pending object first (`_as_object`), and leaves the
        session here, so the unit of work neither writes it again nor expires it at commit.
        """
        created: dict[str, list[dict[str, Any]]] = {}
        staged: dict[str, list[tuple[str, int]]] = {}
        for (name, record_id), record in self.known.items():
            table = TABLES[name]
            if type(record) is NewRecord:
                early = self._rendered_early(name, record)
                record.wire_json = early or wire.render(table, record)
                record.wire_seq = record.change_seq
                if early is not None:  # staged as it is now (settle)
                    staged.setdefault(name, []).append((record_id, record.change_seq))
                else:
                    created.setdefault(name, []).append(record.values)
                continue
            state = inspect(record, raiseerr=False)
            if state is not None and state.pending:
                wire.stamp_json(table, record)
                self.session.expunge(record)
                columns = typing.cast(Table, table.model.__table__).columns
                created.setdefault(name, []).append(
                    {c.key: getattr(record, c.key) for c in columns}
                )
        newrow.forget(self.session)
        for name, values in created.items():
            insert_rows(self.session, typing.cast(Table, TABLES[name].model.__table__), values)
        for name, seqs in staged.items():
            staging.move(self.session, TABLES[name], seqs)

    def _update_edited(self) -> None:
        """UPDATE the batch's edited records with Core statements, outside the unit of work.

        Each record changed by the batch's services (an edit, a review, a delete) is written
        once, stamped, with its new wire JSON: one executemany per table and set of changed
        columns. It then leaves the session, as a created one does, so the flush neither
        writes nor renders it again; it stays readable for the echo check.
        """
        changed: dict[tuple[str, tuple[str, ...]], list[dict[str, Any]]] = {}
        for (name, _), record in self.known.items():
            if type(record) is NewRecord:
                continue
            state = inspect(record, raiseerr=False)
            if state is None or not state.persistent or not state.committed_state:
                continue
            if not record.change_seq:
                continue  # not stamped: the flush writes it as before
            wire.stamp_json(TABLES[name], record)
            keys = tuple(sorted(set(state.committed_state) | {"wire_json", "wire_seq"}))
            values: dict[str, Any] = {key: getattr(record, key) for key in keys}
            values["_row_id"] = record.id
            changed.setdefault((name, keys), []).append(values)
            self.session.expunge(record)
        for (name, _), params in changed.items():
            target = typing.cast(Table, TABLES[name].model.__table__)
            statement = update(target).where(target.c.id == bindparam("_row_id"))
            self.session.connection().execute(statement, params)

    def _as_object(self, key: tuple[str, str], new: NewRecord) -> SyncedRecord:
        """Turn a row this batch created into a pending ORM object, for a later mutation of it.

        The record services edit, delete and review ORM objects; the object takes the row's
        place in the batch's stamps and echoes, and is INSERTed in its final state.
        """
        record = TABLES[key[0]].model(**new.values)
        self.session.add(record)
        newrow.forget(self.session, new)
        changes.replace(self.session, new, record)
        for echo in self.echoes:
            if echo.record is new:
                echo.record = record
        self.known[key] = record
        return record

    def apply(self, mutation: Mutation) -> Applied:
        """Apply one mutation, or refuse it whole.

        The record services check everything before they change anything, so a refused
        mutation leaves no trace without a savepoint; autoflush is off so the whole batch is
        written in one flush at the end.
        """
        key = (mutation.table, mutation.record_id)
        named = self.known.get(key)
        for echo in self.echoes:
            if echo.record is named:
                echo.valid = False
        if type(named) is NewRecord:
            self._as_object(key, named)
        try:
            with self.session.no_autoflush:
                return handler_for(mutation)(self, mutation)
        except service.KeptAsideError as kept:
            # The refused values are stored as conflicts: they stay.
            record = self.known[(mutation.table, mutation.record_id)]
            return Applied(
                version=record.version, conflicts=[c.id for c in kept.conflicts], code=kept.code
            )
        except ValidationError as exc:
            err = validation_error(exc)
            raise RejectedError(
                err.code, None, err.details, show_record=mutation.op != "put"
            ) from exc
        except ApiError as exc:
            # Codes and details only: the sync route renders the message in the caller's language.
            raise RejectedError(
                exc.code, exc.message, exc.details, show_record=mutation.op != "put"
            ) from exc

    def actor_for(self, table: str, record_id: str, sent_at: datetime | None) -> Actor:
        """Return the actor of a mutation of a record: the push's user at its action time."""
        return Actor.syncing(self.user, self.device, self.clock.time_of(table, record_id, sent_at))

    def echo(
        self, table: str, record: SyncedRecord | NewRecord, sent: dict, *, whole: bool
    ) -> _Echo:
        """Note a record the push wrote as the device sent it; return its echo token."""
        echo = _Echo(table, record, sent, whole=whole)
        self.echoes.append(echo)
        return echo

    # --- pull -------------------------------------------------------------------------------

    def scope_changed(self) -> bool:
        """Tell whether the user's unit or roles differ from the scope token the device sent,
        or, if it sent none, from those it last pulled with."""
        if self.sent_scope is not None:
            return self.sent_scope != self.current_scope
        return self._status().scope_key not in (None, self.current_scope)

    def scope(self) -> str:
        """Return the device's scope token now."""
        return self.current_scope

    def reset_unconfirmed(self, cursor: int) -> bool:
        """Tell whether the last reset was answered to a request with this very cursor.

        Every page of a reset ends at another cursor (pull), so a device that stored it
        never sends this one again: one that does lost the answer.
        """
        return self._status().reset_from == cursor

    def note_reset(self, cursor: int) -> None:
        """Remember the cursor a reset answers; a device at 0 holds nothing to drop again."""
        self._reset_from = cursor or None

    def high(self) -> int:
        """Read the committed counter; the pull that follows starts from this value.

        After a push it is the counter the push committed with (finish_push read it).
        """
        if self._high is None:
            self._high = changes.current(self.session)
        return self._high

    def _unit_ids(self) -> list[int] | Select[tuple[int]] | None:
        """Return the units the device sees: None for all, else their ids, read once.

        With the ids in the query, a commune's pull walks its own (owner_unit_id, change_seq)
        index whatever values the plan was made for; with a subquery on the path, a generic
        plan of a prepared statement walks the whole country's change index instead. A scope
        too wide to list (the country for a non-administrator) stays a subquery.
        """
        if self.identity.is_admin:
            return None
        path = self.identity.unit_path
        within = select(Unit.id).where(_under(Unit.path, path))
        ids = list(self.session.scalars(within.limit(SCOPE_IDS_MAX + 1)))
        return within if len(ids) > SCOPE_IDS_MAX else ids

    def pull(
        self,
        cursor: int,
        limit: int,
        show: list[tuple[str, str]],
        echoes: dict[tuple[str, str], object],
    ) -> Page:
        """Return one consistent page of changes after the cursor (§5)."""
        # Records stored otherwise than their writer sent them come back whatever the page (§5.5).
        show = [*show, *((e.table, e.record_id) for e in self.echoes if e.resend)]
        # The counter read by high() just before, if any, saves a second read per sync.
        high, self._high = self._high, None
        if high is None:
            high = changes.current(self.session)
        if self._reset_from is not None and high == self._reset_from:
            # The reset's last page would end at the cursor it answers, indistinguishable from
            # a lost answer (§5.4): the counter's next value, stamping nothing, ends it above.
            high = changes.allocate(self.session, 1)
            self._bumped = True
        if cursor >= high and not show:
            # Nothing changed anywhere since the cursor: the commonest sync, answered at once.
            self._record_status(high)
            return Page(changes={}, cursor=high, more=False)
        scoped = self._unit_ids()
        # The versions this push wrote exactly as the device holds them: neither read nor sent.
        skipped: dict[str, list[int]] = {name: [] for name in TABLES}
        for (name, _), written in echoes.items():
            seq = getattr(written, "seq", None)
            if name in skipped and seq is not None and cursor < seq <= high:
                skipped[name].append(seq)
        rows = self._rows(cursor, high, limit, scoped, skipped)
        rows.sort(key=lambda row: row[0])
        more = len(rows) > limit
        rows = rows[:limit]
        next_cursor = rows[-1][0] if more else high
        if more and next_cursor == self._reset_from:
            # Nor may a reset's first page end there: its last row opens the next page, and
            # every row below it is in this one (§5.3).
            rows.pop()
            next_cursor -= 1
        page = self._render(rows, show, echoes)
        self._record_status(next_cursor)
        return Page(changes=page, cursor=next_cursor, more=more)

    def _rows(
        self,
        cursor: int,
        high: int,
        limit: int,
        scoped: list[int] | Select[tuple[int]] | None,
        skipped: dict[str, list[int]],
    ) -> list[tuple[int, str, Any]]:
        """Read the page's candidate rows with the statements built once (pull_sql)."""
        ids: dict[str, list[int]] = {}
        if scoped is None:
            scope = pull_sql.ALL
        elif isinstance(scoped, Select):
            scope = pull_sql.PATH
        else:
            scope, ids = pull_sql.IDS, {"scope": scoped}
        values = pull_sql.params(cursor, high, limit, self.identity.unit_path, skipped, **ids)
        execute = self.session.execute
        rows: list[tuple[int, str, Any]] = [
            (r.change_seq, r.kind, r) for r in execute(pull_sql.records(scope), values).all()
        ]
        scalars = self.session.scalars
        rows.extend(
            (c.change_seq, "conflicts", c) for c in scalars(pull_sql.conflicts(scope), values)
        )
        rows.extend((u.change_seq, "units", u) for u in scalars(pull_sql.units(scope), values))
        # Criteria sets come like units: those of the user's unit, above and below it (§3.3).
        rows.extend(
            (c.change_seq, "criteria_sets", c)
            for c in scalars(pull_sql.criteria_sets(scope), values)
        )
        if scope != pull_sql.ALL and cursor > 0:
            # At cursor 0 the device holds nothing pulled: it has nothing to drop.
            rows.extend(
                (r.change_seq, "removed", r) for r in scalars(pull_sql.removals(scope), values)
            )
        return rows

    def _render(
        self,
        rows: list[tuple[int, str, Any]],
        show: list[tuple[str, str]],
        echoes: dict[tuple[str, str], object],
    ) -> dict:
        out: dict = {}
        seen: set[tuple[str, str]] = set()
        removed: dict[str, dict[str, None]] = {}
        dumpers = {name: table.dumper() for name, table in TABLES.items()}
        # Rows whose kept text is missing or older than the row: rendered below, in place.
        unrendered: dict[str, dict[str, tuple[int, int]]] = {}
        for seq, kind, row in rows:
            if kind in TABLES:  # the records, most of a page: tested first
                key = (kind, row.id)
                seen.add(key)
                if echoes:
                    written = echoes.get(key)
                    # Every token is an _Echo: this store made it in echo().
                    if isinstance(written, _Echo) and written.seq == seq:
                        continue  # the device wrote exactly this; its result carries the version
                items = out.setdefault(kind, [])
                text = row.wire_json
                if text is not None and row.wire_seq == seq:
                    items.append(wire.Kept(text))
                else:
                    unrendered.setdefault(kind, {})[row.id] = (len(items), seq)
                    items.append(None)
            elif kind == "units":
                seen.add(("units", str(row.id)))
                out.setdefault("units", []).append(UNIT_OUT.dump(row))
            elif kind == "conflicts":
                seen.add(("conflicts", row.id))
                out.setdefault("conflicts", []).append(CONFLICT_OUT.dump(row))
            elif kind == "criteria_sets":
                out.setdefault("criteria_sets", []).append(CRITERIA_SET_OUT.dump(row))
            elif kind == "removed":
                removed.setdefault(row.table_name, {})[row.record_id] = None
        for kind, places in unrendered.items():
            model: type[SyncedRecord] = TABLES[kind].model
            items = out[kind]
            for record in self.session.scalars(select(model).where(model.id.in_(places))):
                index, seq = places[record.id]
                # A version committed since the page's query is past this page's cursor: the
                # next pull sends it, in its place.
                if record.change_seq == seq:
                    items[index] = _dump_record(dumpers[kind], record)
            out[kind] = [item for item in items if item is not None]
            if not out[kind]:
                del out[kind]
        for kind, record_id in show:
            if (kind, record_id) in seen or kind not in TABLES:
                continue
            row = service.find(self.session, TABLES[kind], record_id)
            if row is not None and self._sees(self.session.get(Unit, row.owner_unit_id)):
                seen.add((kind, record_id))
                out.setdefault(kind, []).append(_dump_record(dumpers[kind], row))
        # A page never removes what it sends, so a device may apply the two in either order.
        for kind, ids in removed.items():
            kept = [int(i) if kind == "units" else i for i in ids if (kind, i) not in seen]
            if kept:
                out.setdefault("removed", {})[kind] = kept
        return out

    def _record_status(self, cursor: int) -> None:
        device, now = self._status(), utcnow()
        changed = (
            self._bumped
            or device.reset_from != self._reset_from
            or device.scope_key != self.current_scope
            or device.last_cursor != cursor
            or device.pending_count != self.pending
            or (self.app_version and device.app_version != self.app_version)
            or device.last_sync_at is None
            or now - device.last_sync_at >= STATUS_RESOLUTION
        )
        if not changed:
            # Nothing to write: end the read transaction (on SQLite it also releases the write
            # lock every transaction there takes at BEGIN). Without a push, with a COMMIT: it
            # writes nothing either, and unlike a ROLLBACK it leaves psycopg its prepared
            # statements (it deallocates them all at a ROLLBACK), so neither the token check
            # nor a push's and its pull's statements are parsed and planned again at every
            # sync. After a push it is the pull's read that ends: the push made its one commit.
            self.session.commit()
            return
        self._set_status(cursor, now)
        self.session.commit()

    def _set_status(self, cursor: int, now: datetime) -> None:
        values: dict[str, object] = {
            "scope_key": self.current_scope,
            "last_cursor": cursor,
            "pending_count": self.pending,
            "last_sync_at": now,
            "reset_from": self._reset_from,
        }
        if self.app_version:
            values["app_version"] = self.app_version
        if self._device is None:
            # An idle sync loaded no device: one UPDATE of its status columns.
            self.session.execute(
                update(Device).where(Device.id == self.identity.device_id).values(values)
            )
            return
        for name, value in values.items():
            setattr(self._device, name, value)

    def _status(self) -> Device | Identity:
        """Return where the device's status was read last: its row under the push's lock, if
        the push loaded it, else the token check's columns."""
        return self._device if self._device is not None else self.identity

    def _sees(self, unit: Unit | None) -> bool:
        """Tell whether a unit lies within the device's scope (as server.scope.sees_unit)."""
        if unit is None:
            return False
        return self.identity.is_admin or unit.path.startswith(self.identity.unit_path)


def _under(column: InstrumentedAttribute[str], path: str) -> ColumnElement[bool]:
    """Match the paths that start with a unit's path, the prefix written into the statement.

    As a bound value, a prepared statement's generic plan of `path LIKE $1 || '%'` cannot walk
    the path index and reads every unit (0.8 ms for the country's 3,355 against 0.01 ms);
    written in, every plan walks the index. One statement text per scope, as for its unit ids.
    """
    pattern = path.replace("/", "//").replace("%", "/%").replace("_", "/_") + "%"
    return column.like(bindparam(None, pattern, type_=String, literal_execute=True), escape="/")


def _dump_record(schema: FastDumper, row: SyncedRecord) -> dict:
    if row.deleted:
        return {"id": row.id, "version": row.version, "deleted": True}
    return schema.dump(row)
