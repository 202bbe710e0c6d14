"""A record that changes owner unit: its conflicts go with it, the old scope drops both."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.models import Conflict, ScopeRemoval, SyncedRecord, Unit


def removal(table_name: str, row_id: str, old: Unit, new_unit_id: int) -> ScopeRemoval:
    """Return the note that a row left the old unit's subtree (PROTOCOL.md §5.4)."""
    return ScopeRemoval(
        table_name=table_name,
        record_id=row_id,
        from_unit_id=old.id,
        to_unit_id=new_unit_id,
        from_path=old.path,
    )


def owner_changed(
    session: Session, table_name: str, record: SyncedRecord, old_owner_id: int
) -> list[Conflict | ScopeRemoval]:
    """Move the record's conflicts to its new owner; return the rows to stamp, removals too."""
    old = session.get(Unit, old_owner_id)
    if old is None:  # units are never deleted: the record's old owner exists
        raise LookupError(f"unit {old_owner_id} not found")
    new_owner = record.owner_unit_id
    rows: list[Conflict | ScopeRemoval] = [removal(table_name, record.id, old, new_owner)]
    stored = session.scalars(
        select(Conflict).where(
            Conflict.table_name == table_name,
            Conflict.record_id == record.id,
            Conflict.owner_unit_id != new_owner,
        )
    )
    # Conflicts made earlier in the same batch are not flushed yet.
    unsaved = [
        o
        for o in session.new
        if isinstance(o, Conflict) and (o.table_name, o.record_id) == (table_name, record.id)
    ]
    for conflict in dict.fromkeys([*stored, *unsaved]):
        if conflict.owner_unit_id == new_owner:
            continue
        conflict.owner_unit_id = new_owner
        rows += [conflict, removal("conflicts", conflict.id, old, new_owner)]
    session.add_all([r for r in rows if isinstance(r, ScopeRemoval)])
    return rows
