"""The action times of one push: what each record's history says, kept current as it applies."""

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from server.models import AuditEvent, Device
from sync.clock import ActionTime, action_time

Key = tuple[str, str]


class ActionClock:
    """Check each mutation's `at` against its record's history (PROTOCOL.md §3.2)."""

    def __init__(
        self,
        session: Session,
        device: Device,
        arrived: datetime,
        keys: Iterable[Key],
        *,
        without_history: Iterable[Key] = (),
    ) -> None:
        self.session = session
        self.device_id = device.id
        # Nobody acts before their account exists.
        self.floor = device.user.created_at
        self.arrived = arrived
        self.created: dict[Key, datetime] = {}
        self.previous: dict[Key, datetime] = {}
        # Records known to have no history yet (not in the database) are never looked up.
        self.loaded: set[Key] = set(without_history)
        self._load(keys)

    def add(self, keys: Iterable[Key], *, without_history: Iterable[Key] = ()) -> None:
        """Read the history of more records; those without_history have none."""
        self.loaded.update(without_history)
        self._load(keys)

    def _load(self, keys: Iterable[Key]) -> None:
        """Read the creation time and this device's last action time of records, per table."""
        by_table: dict[str, set[str]] = {}
        for table, record_id in keys:
            if (table, record_id) not in self.loaded:
                by_table.setdefault(table, set()).add(record_id)
        for table, ids in by_table.items():
            self.loaded.update((table, i) for i in ids)
            mine = case((AuditEvent.device_id == self.device_id, AuditEvent.acted_at))
            # Every kept action time is at or after the creation's, so the earliest is it.
            rows = self.session.execute(
                select(AuditEvent.record_id, func.min(AuditEvent.acted_at), func.max(mine))
                .where(AuditEvent.table_name == table, AuditEvent.record_id.in_(ids))
                .group_by(AuditEvent.record_id)
            )
            for record_id, first, last in rows:
                key = (table, record_id)
                self.created[key] = first
                if last is not None:
                    self.previous[key] = last

    def time_of(self, table: str, record_id: str, sent: datetime | None) -> ActionTime:
        """Return the action time to keep for a mutation of a record, and note it."""
        key = (table, record_id)
        self._load([key])
        when = action_time(
            sent,
            arrived=self.arrived,
            floor=self.floor,
            created=self.created.get(key),
            previous=self.previous.get(key),
        )
        # Noted even if the mutation is then refused: the device did act then, so its later
        # actions on the record are still held to it.
        self.created.setdefault(key, when.at)
        self.previous[key] = when.at
        return when
