"""scope removals keep the path of the unit the row left

Revision ID: 0008
Revises: 0006
Create Date: 2026-11-30 10:30:00.000000

"""

import sqlalchemy as sa
from alembic import op


revision = "0008"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("scope_removals", schema=None) as batch_op:
        batch_op.add_column(sa.Column("from_path", sa.String(length=512), nullable=True))
    # The best path known for older rows is the one the unit has now.
    op.execute(
        "UPDATE scope_removals SET from_path = "
        "(SELECT units.path FROM units WHERE units.id = scope_removals.from_unit_id)"
    )
    with op.batch_alter_table("scope_removals", schema=None) as batch_op:
        batch_op.alter_column("from_path", existing_type=sa.String(length=512), nullable=False)
    _move_strayed_conflicts()


RECORD_TABLES = (("dvk_models", "models"), ("meetings", "meetings"))


def _move_strayed_conflicts():
    """Give conflicts of records moved earlier their record's owner, as moves now do.

    Each gets a fresh change_seq, so the new owner's devices pull it, and a scope removal, so
    the old owner's devices drop it. Such conflicts are few: one row at a time is fine.
    """
    bind = op.get_bind()
    strayed = []
    for table, name in RECORD_TABLES:
        strayed += bind.execute(
            sa.text(
                "SELECT c.id, c.owner_unit_id, r.owner_unit_id, u.path FROM conflicts c"
                f" JOIN {table} r ON r.id = c.record_id"
                " JOIN units u ON u.id = c.owner_unit_id"
                " WHERE c.table_name = :name AND r.owner_unit_id <> c.owner_unit_id"
                " ORDER BY c.id"
            ),
            {"name": name},
        ).all()
    if not strayed:
        return
    seq = bind.execute(sa.text("SELECT value FROM sync_counter WHERE id = 1")).scalar() or 0
    for conflict_id, old_owner, new_owner, old_path in strayed:
        bind.execute(
            sa.text(
                "INSERT INTO scope_removals"
                " (change_seq, table_name, record_id, from_unit_id, to_unit_id, from_path, note)"
                " VALUES (:seq, 'conflicts', :id, :old, :new, :path, 'record moved')"
            ),
            {"seq": seq + 1, "id": conflict_id, "old": old_owner, "new": new_owner, "path": old_path},
        )
        bind.execute(
            sa.text("UPDATE conflicts SET owner_unit_id = :new, change_seq = :seq WHERE id = :id"),
            {"new": new_owner, "seq": seq + 2, "id": conflict_id},
        )
        seq += 2
    bind.execute(sa.text("UPDATE sync_counter SET value = :seq WHERE id = 1"), {"seq": seq})


def downgrade():
    with op.batch_alter_table("scope_removals", schema=None) as batch_op:
        batch_op.drop_column("from_path")
