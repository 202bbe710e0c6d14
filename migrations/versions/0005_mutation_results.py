"""keep each mutation's result to answer a retried batch the same way

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 10:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('mutation_results',
    sa.Column('device_id', sa.String(length=36), nullable=False),
    sa.Column('seq', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('result', sa.JSON(), nullable=False),
    sa.Column('show_table', sa.String(length=32), nullable=True),
    sa.Column('show_id', sa.String(length=36), nullable=True),
    sa.ForeignKeyConstraint(['device_id'], ['devices.id'], name=op.f('fk_mutation_results_device_id_devices'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('device_id', 'seq', name=op.f('pk_mutation_results'))
    )


def downgrade():
    op.drop_table('mutation_results')
