"""multi-level approval

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 10:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

RECORD_TABLES = ('dvk_models', 'meetings')


def upgrade():
    for table in RECORD_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True))
            batch_op.add_column(sa.Column('approvals', sa.JSON(), nullable=True))
            batch_op.add_column(sa.Column('awaiting_unit_id', sa.Integer(), nullable=True))
        op.execute(sa.text(f"UPDATE {table} SET approvals = '[]'"))
        # The ORM always writes a list; NOT NULL without a server default keeps the schema
        # comparable across both databases (PostgreSQL cannot compare json defaults).
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column('approvals', existing_type=sa.JSON(), nullable=False)
    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.add_column(sa.Column('approves_records', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    # Provinces approve their communes' records unless an admin says otherwise.
    op.execute(sa.text("UPDATE units SET approves_records = true WHERE level = 'TINH'"))


def downgrade():
    # Plain DROP COLUMN (SQLite 3.35+ and PostgreSQL): batch mode would rebuild the units table,
    # which SQLite refuses while other tables reference it.
    op.execute(sa.text('ALTER TABLE units DROP COLUMN approves_records'))
    for table in RECORD_TABLES:
        for column in ('awaiting_unit_id', 'approvals', 'submitted_at'):
            op.execute(sa.text(f'ALTER TABLE {table} DROP COLUMN {column}'))
