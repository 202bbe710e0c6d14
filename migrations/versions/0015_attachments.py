"""photos and documents: declared on records, received in chunks, stored once

Revision ID: 0015
Revises: 0013
Create Date: 2026-11-30 16:30:00.000000

"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0013"
branch_labels = None
depends_on = None

RECORD_TABLES = ("dvk_models", "meetings")


def upgrade():
    op.create_table(
        "stored_files",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("mime", sa.String(length=32), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("has_thumb", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("sha256"),
    )
    op.create_table(
        "file_chunks",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("idx", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("sha256", "idx"),
    )
    op.create_table(
        "file_refs",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("table_name", sa.String(length=16), nullable=False),
        sa.Column("record_id", sa.String(length=36), nullable=False),
        sa.PrimaryKeyConstraint("sha256", "table_name", "record_id"),
    )
    op.create_index("ix_file_refs_record", "file_refs", ["table_name", "record_id"])
    for table in RECORD_TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("attachments", sa.JSON(), nullable=True))
            batch.add_column(sa.Column("files_received", sa.JSON(), nullable=True))
            if table == "meetings":
                batch.add_column(sa.Column("geo_accuracy", sa.Float(), nullable=True))
        # Left nullable: NOT NULL would rebuild the SQLite tables; the ORM always writes a
        # list and every row already there gets one now. The kept wire JSON lacks the new
        # fields: pulls render those rows afresh until `flask sync render` refills them.
        op.execute(
            sa.text(
                f"UPDATE {table} SET attachments = '[]', files_received = '[]', "
                "wire_json = NULL, wire_seq = NULL"
            )
        )
    # A plain ADD COLUMN: batch mode would rebuild the units table, which SQLite refuses
    # while other tables reference it.
    op.add_column(
        "units",
        sa.Column("requires_minutes", sa.Boolean(), nullable=False, server_default=sa.false()),
    )


def downgrade():
    # Plain DROP COLUMN (SQLite 3.35+ and PostgreSQL), as in 0003: batch mode would rebuild
    # the units table, which SQLite refuses while other tables reference it.
    op.execute(sa.text("ALTER TABLE units DROP COLUMN requires_minutes"))
    for table in RECORD_TABLES:
        columns = ("attachments", "files_received")
        if table == "meetings":
            columns += ("geo_accuracy",)
        for column in columns:
            op.execute(sa.text(f"ALTER TABLE {table} DROP COLUMN {column}"))
    op.drop_index("ix_file_refs_record", table_name="file_refs")
    op.drop_table("file_refs")
    op.drop_table("file_chunks")
    op.drop_table("stored_files")
