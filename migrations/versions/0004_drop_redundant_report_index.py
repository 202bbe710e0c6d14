"""drop the report index the rollup index covers

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 10:50:00.000000

"""
from alembic import op


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    # ix_dvk_models_rollup starts with the same columns; keeping both only slows every write.
    op.drop_index('ix_dvk_models_report', table_name='dvk_models')


def downgrade():
    op.create_index('ix_dvk_models_report', 'dvk_models',
                    ['owner_unit_id', 'year_registered', 'field'], unique=False)
