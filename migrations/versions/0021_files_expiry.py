"""file chunks note when they arrived: abandoned uploads expire

Revision ID: 0021
Revises: 0020
Create Date: 2026-11-30 18:40:00.000000

"""
import sqlalchemy as sa
from alembic import op

revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade():
    # Null for chunks received before this column: their file's created_at stands in.
    with op.batch_alter_table('file_chunks') as batch_op:
        batch_op.add_column(sa.Column('received_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('file_chunks') as batch_op:
        batch_op.drop_column('received_at')
