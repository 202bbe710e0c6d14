"""when the person acted, beside when the server received it

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 10:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('acted_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('clock_flag', sa.String(length=16), nullable=True))
    # Before phones said when they acted, the arrival was the only time known.
    op.execute(sa.text('UPDATE audit_events SET acted_at = at'))
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.alter_column('acted_at', existing_type=sa.DateTime(timezone=True),
                              nullable=False)


def downgrade():
    # Plain DROP COLUMN (SQLite 3.35+ and PostgreSQL), as in 0003.
    for column in ('clock_flag', 'acted_at'):
        op.execute(sa.text(f'ALTER TABLE audit_events DROP COLUMN {column}'))
