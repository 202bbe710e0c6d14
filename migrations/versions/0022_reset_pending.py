"""devices remember the cursor a reset answered: a lost reset answer is repeated

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-01 00:10:00.000000

"""
import sqlalchemy as sa
from alembic import op

revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade():
    # Null: no reset waits to be confirmed (PROTOCOL.md §5.4).
    with op.batch_alter_table('devices') as batch_op:
        batch_op.add_column(sa.Column('reset_from', sa.BigInteger(), nullable=True))


def downgrade():
    with op.batch_alter_table('devices') as batch_op:
        batch_op.drop_column('reset_from')
