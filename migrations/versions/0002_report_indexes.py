"""report indexes

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 12:00:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

ROLLUP_COLUMNS = [
    'owner_unit_id',
    'year_registered',
    'start_date',
    'review_status',
    'deleted',
    'field',
    'subject_type',
    'status',
]


def upgrade():
    # Every column the reports filter and count models by: R1 over a province is then an
    # index-only scan per commune instead of a heap read per record (server/reports/queries.py).
    op.create_index('ix_dvk_models_rollup', 'dvk_models', ROLLUP_COLUMNS, unique=False)


def downgrade():
    op.drop_index('ix_dvk_models_rollup', table_name='dvk_models')
