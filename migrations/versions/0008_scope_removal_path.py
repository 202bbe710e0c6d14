"""scope removals keep the path of the unit the row left

Revision ID: 0008
Revises: 0004
Create Date: 2026-11-30 10:30:00.000000

"""

import sqlalchemy as sa
from alembic import op


revision = "0008"
down_revision = "0004"
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


def downgrade():
    with op.batch_alter_table("scope_removals", schema=None) as batch_op:
        batch_op.drop_column("from_path")
