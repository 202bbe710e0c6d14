"""count of a meeting's attendees present but not named

Revision ID: 0012
Revises: 0010
Create Date: 2026-11-30 13:20:00.000000

"""
import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('unnamed_count', sa.Integer(), nullable=True))


def downgrade():
    # Plain DROP COLUMN (SQLite 3.35+ and PostgreSQL), as in 0003.
    op.execute(sa.text('ALTER TABLE meetings DROP COLUMN unnamed_count'))
