"""keep each record version's wire JSON for pulls

Revision ID: 0013
Revises: 0014
Create Date: 2026-11-30 13:20:00.000000

"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0014"
branch_labels = None
depends_on = None

TABLES = ("dvk_models", "meetings")


def upgrade():
    # Left empty: a pull renders a row whose text is missing, and the next write of the
    # record fills it; `flask sync render` fills every row at once.
    for name in TABLES:
        with op.batch_alter_table(name) as batch:
            batch.add_column(sa.Column("wire_json", sa.Text(), nullable=True))
            batch.add_column(sa.Column("wire_seq", sa.BigInteger(), nullable=True))


def downgrade():
    for name in TABLES:
        with op.batch_alter_table(name) as batch:
            batch.drop_column("wire_seq")
            batch.drop_column("wire_json")
