"""SQL storage behind the pure sync engine, for one device."""

import hashlib
from datetime import timedelta

from marshmallow import ValidationError
from sqlalchemy import String, and_, cast, exists, or_, select
from sqlalchemy.orm import Session

from server import changes
from server.errors import ApiError, message_for, validation_error
from server.fastdump import FastDumper
from server.models import Conflict, Device, ScopeRemoval, Unit
from server.models.types import utcnow
from server.records import conflicts, service
from server.records.schemas import ReviewIn
from server.records.tables import TABLES
from server.schemas import canonical_uuid
from server.scope import sees_unit
from server.sync_api.schemas import ConflictOut
from server.units.schemas import UnitOut
from sync.engine import Applied, Page, RejectedError
from sync.messages import Mutation

# A no-op sync would otherwise write the device row every time; once a minute is enough to
# show supervisors who is behind, and keeps idle syncs read-only.
STATUS_RESOLUTION = timedelta(minutes=1)
REVIEW_STEP = ReviewIn()
RESOLVE_KEYS = {"id", "resolution"}


UNIT_OUT = FastDumper(UnitOut())
CONFLICT_OUT = FastDumper(ConflictOut())


class _Echo:
    """A record this push wrote, and the change_seq it ended with once the batch was stamped."""

    def __init__(self, record):
        self.record = record
        self.seq: int | None = None
        # A later mutation of the same record in the batch changes it beyond what the device
        # wrote: then it must be sent after all.
        self.valid = True


def scope_key(device: Device) -> str:
    """Fingerprint what a device may see: its user's unit and roles."""
    user = device.user
    raw = f"{user.unit_id}|{user.unit.path}|{','.join(sorted(user.roles))}|{user.is_admin}"
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


class SqlStore:
    """Storage for one device's sync exchange."""

    def __init__(
        self, session: Session, device: Device, *, pending: int = 0, app_version: str | None = None
    ):
        self.session = session
        self.device = device
        self.user = device.user
        self.pending = pending
        self.app_version = app_version
        self.current_scope = scope_key(device)

    # --- push -------------------------------------------------------------------------------

    def last_seq(self) -> int:
        """Return the device's last applied seq."""
        return self.device.last_seq

    def set_last_seq(self, seq: int) -> None:
        """Record the last applied seq with the mutation's effects."""
        self.device.last_seq = seq

    def begin_push(self, mutations: list[Mutation]) -> None:
        """Load every record the batch names in one query per table; defer change stamps."""
        self.pushing = bool(mutations)
        changes.defer_stamps(self.session)
        self.echoes: list[_Echo] = []
        self.known: dict[tuple[str, str], object] = {}
        for name, table in TABLES.items():
            # Only well-formed ids reach SQL; the others are refused one by one in _apply.
            ids = {
                m.record_id
                for m in mutations
                if m.table == name and canonical_uuid(m.record_id) == m.record_id
            }
            if ids:
                for row in self.session.scalars(select(table.model).where(table.model.id.in_(ids))):
                    self.known[(name, row.id)] = row

    def finish_push(self) -> None:
        """Stamp the batch's changes in one allocation and commit; the pull reads afresh."""
        changes.apply_deferred_stamps(self.session)
        for echo in self.echoes:
            echo.seq = echo.record.change_seq if echo.valid else None
        if self.pushing:
            # Only a push has anything to commit; committing would also expire the loaded
            # device, user and unit, which the pull would then load again.
            self.session.commit()

    def apply(self, mutation: Mutation) -> Applied:
        """Apply one mutation, or refuse it whole.

        The record services check everything before they change anything, so a refused
        mutation leaves no trace without a savepoint; autoflush is off so the whole batch is
        written in one flush at the end.
        """
        for echo in self.echoes:
            if echo.record is self.known.get((mutation.table, mutation.record_id)):
                echo.valid = False
        try:
            with self.session.no_autoflush:
                return self._apply(mutation)
        except service.KeptAsideError as kept:
            # The refused values are stored as conflicts: they stay.
            record = self.known[(mutation.table, mutation.record_id)]
            return Applied(
                version=record.version, conflicts=[c.id for c in kept.conflicts], code=kept.code
            )
        except ValidationError as exc:
            err = validation_error(exc)
            raise RejectedError(
                err.code, message_for(err.code), err.details, show_record=mutation.op != "put"
            ) from exc
        except ApiError as exc:
            raise RejectedError(
                exc.code,
                exc.message or message_for(exc.code),
                exc.details,
                show_record=mutation.op != "put",
            ) from exc

    def _apply(self, m: Mutation) -> Applied:
        if m.op == "resolve":
            return self._resolve(m)
        table = TABLES.get(m.table)
        if table is None:
            raise ApiError("UNKNOWN_TABLE", {"table": m.table, "tables": sorted(TABLES)})
        _check_id(m)
        key = (m.table, m.record_id)
        record = self.known.get(key)
        actor, device = self.user, self.device
        if m.op == "put":
            if record is None:
                result = service.create(self.session, table, m.data, actor=actor, device=device)
                self.known[key] = result.record
            else:
                data = {k: v for k, v in m.data.items() if k != "id"}
                result = service.update(
                    self.session,
                    table,
                    record,
                    data,
                    base_version=m.base,
                    actor=actor,
                    device=device,
                    strict=False,
                )
            rec = result.record
            echo = None
            if result.applied:
                echo = _Echo(rec)
                self.echoes.append(echo)
            return Applied(
                version=rec.version, conflicts=[c.id for c in result.conflicts], echo_token=echo
            )
        if m.op == "delete":
            if record is None:
                return Applied()  # delete-of-missing is acknowledged (§4.4)
            service.delete(
                self.session,
                table,
                record,
                base_version=m.base,
                actor=actor,
                device=device,
                strict=False,
            )
            return Applied(version=record.version)
        # review: the same schema as the JSON API's review route checks the step
        step = REVIEW_STEP.load(
            {**{k: v for k, v in m.data.items() if k != "id"}, "version": m.base}
        )
        if record is None:
            raise ApiError("NOT_FOUND")
        service.review(
            self.session,
            table,
            record,
            action=step["action"],
            based_on=m.base,
            comment=step.get("comment"),
            actor=actor,
            device=device,
        )
        return Applied(version=record.version)

    def _resolve(self, m: Mutation) -> Applied:
        if m.table != "conflicts":
            raise ApiError("UNKNOWN_TABLE", {"table": m.table, "tables": ["conflicts"]})
        _check_id(m)
        unknown = set(m.data) - RESOLVE_KEYS
        if unknown:
            raise ApiError(
                "VALIDATION_FAILED", {"fields": {k: ["Unknown field."] for k in sorted(unknown)}}
            )
        conflict = conflicts.visible_conflict(self.session, m.record_id, self.user)
        conflicts.resolve(
            self.session,
            conflict,
            str(m.data.get("resolution")),
            actor=self.user,
            device=self.device,
        )
        return Applied(version=conflict.record_version)

    # --- pull -------------------------------------------------------------------------------

    def scope_changed(self) -> bool:
        """Tell whether the user's unit or roles changed since the device last pulled."""
        return self.device.scope_key not in (None, self.current_scope)

    def _unit_ids(self):
        if self.user.is_admin:
            return None
        return select(Unit.id).where(Unit.path.startswith(self.user.unit.path, autoescape=True))

    def pull(
        self,
        cursor: int,
        limit: int,
        show: list[tuple[str, str]],
        echoes: dict[tuple[str, str], object],
    ) -> Page:
        """Return one consistent page of changes after the cursor (§5)."""
        high = changes.current(self.session)
        if cursor >= high and not show:
            # Nothing changed anywhere since the cursor: the commonest sync, answered at once.
            self._record_status(high)
            return Page(changes={}, cursor=high, more=False)
        scoped = self._unit_ids()
        rows: list[tuple[int, str, object]] = []
        for name, table in TABLES.items():
            query = select(table.model).where(
                table.model.change_seq > cursor, table.model.change_seq <= high
            )
            if scoped is not None:
                query = query.where(table.model.owner_unit_id.in_(scoped))
            query = query.order_by(table.model.change_seq).limit(limit + 1)
            rows.extend((r.change_seq, name, r) for r in self.session.scalars(query))
        conflict_query = select(Conflict).where(
            Conflict.change_seq > cursor, Conflict.change_seq <= high
        )
        if scoped is not None:
            conflict_query = conflict_query.where(Conflict.owner_unit_id.in_(scoped))
        rows.extend(
            (c.change_seq, "conflicts", c)
            for c in self.session.scalars(
                conflict_query.order_by(Conflict.change_seq).limit(limit + 1)
            )
        )
        rows.extend(
            (u.change_seq, "units", u)
            for u in self.session.scalars(self._unit_query(cursor, high).limit(limit + 1))
        )
        if scoped is not None and cursor > 0:
            # At cursor 0 the device holds nothing pulled: it has nothing to drop.
            rows.extend(
                (r.change_seq, "removed", r)
                for r in self.session.scalars(self._removal_query(cursor, high, scoped, limit))
            )
        rows.sort(key=lambda row: row[0])
        more = len(rows) > limit
        rows = rows[:limit]
        next_cursor = rows[-1][0] if more else high
        page = self._render(rows, show, echoes)
        self._record_status(next_cursor)
        return Page(changes=page, cursor=next_cursor, more=more)

    def _removal_query(self, cursor: int, high: int, scoped, limit: int):
        """Select the rows that left the device's scope and are outside it now (§5.4).

        A removal concerns the devices of the unit the row left and of the units above it
        then (its path then); a row back in scope since is never removed, whatever happened
        in between, so a device never drops what it may see.
        """
        removal = ScopeRemoval
        kinds = [(name, table.model) for name, table in TABLES.items()]
        kinds.append(("conflicts", Conflict))
        path = self.user.unit.path
        seen_now = or_(
            *(
                and_(
                    removal.table_name == name,
                    exists().where(model.id == removal.record_id, model.owner_unit_id.in_(scoped)),
                )
                for name, model in kinds
            ),
            and_(
                removal.table_name == "units",
                exists().where(
                    cast(Unit.id, String) == removal.record_id,
                    Unit.path.startswith(path, autoescape=True) | Unit.id.in_(_ancestors(path)),
                ),
            ),
        )
        return (
            select(removal)
            .where(
                removal.change_seq > cursor,
                removal.change_seq <= high,
                removal.from_path.startswith(path, autoescape=True),
                ~seen_now,
            )
            .order_by(removal.change_seq)
            .limit(limit + 1)
        )

    def _unit_query(self, cursor: int, high: int):
        query = select(Unit).where(Unit.change_seq > cursor, Unit.change_seq <= high)
        if not self.user.is_admin:
            path = self.user.unit.path
            query = query.where(
                Unit.path.startswith(path, autoescape=True) | Unit.id.in_(_ancestors(path))
            )
        return query.order_by(Unit.change_seq)

    def _render(self, rows, show, echoes) -> dict:
        out: dict = {}
        seen: set[tuple[str, str]] = set()
        removed: dict[str, dict[str, None]] = {}
        dumpers = {name: table.dumper() for name, table in TABLES.items()}
        for _, kind, row in rows:
            if kind == "units":
                seen.add(("units", str(row.id)))
                out.setdefault("units", []).append(UNIT_OUT.dump(row))
            elif kind == "conflicts":
                seen.add(("conflicts", row.id))
                out.setdefault("conflicts", []).append(CONFLICT_OUT.dump(row))
            elif kind == "removed":
                removed.setdefault(row.table_name, {})[row.record_id] = None
            else:
                key = (kind, row.id)
                seen.add(key)
                written = echoes.get(key)
                if written is not None and written.seq == row.change_seq:
                    continue  # the device wrote exactly this; its result carries the version
                out.setdefault(kind, []).append(_dump_record(dumpers[kind], row))
        for kind, record_id in show:
            if (kind, record_id) in seen or kind not in TABLES:
                continue
            row = service.find(self.session, TABLES[kind], record_id)
            if row is not None and sees_unit(self.user, self.session.get(Unit, row.owner_unit_id)):
                seen.add((kind, record_id))
                out.setdefault(kind, []).append(_dump_record(dumpers[kind], row))
        # A page never removes what it sends, so a device may apply the two in either order.
        for kind, ids in removed.items():
            kept = [int(i) if kind == "units" else i for i in ids if (kind, i) not in seen]
            if kept:
                out.setdefault("removed", {})[kind] = kept
        return out

    def _record_status(self, cursor: int) -> None:
        device, now = self.device, utcnow()
        changed = (
            device.scope_key != self.current_scope
            or device.last_cursor != cursor
            or device.pending_count != self.pending
            or (self.app_version and device.app_version != self.app_version)
            or device.last_sync_at is None
            or now - device.last_sync_at >= STATUS_RESOLUTION
        )
        if changed:
            device.scope_key = self.current_scope
            device.last_cursor = cursor
            device.pending_count = self.pending
            if self.app_version:
                device.app_version = self.app_version
            device.last_sync_at = now
        self.session.commit()


def _ancestors(path: str) -> list[int]:
    """Return the ids on a unit path: the unit and the units above it."""
    return [int(p) for p in path.strip("/").split("/") if p]


def _dump_record(schema, row) -> dict:
    if row.deleted:
        return {"id": row.id, "version": row.version, "deleted": True}
    return schema.dump(row)


def _check_id(m: Mutation) -> None:
    """Refuse a mutation whose id is no UUID before it reaches any query."""
    if canonical_uuid(m.record_id) is None:
        raise ApiError("VALIDATION_FAILED", {"fields": {"id": ["Not a valid UUID."]}})
