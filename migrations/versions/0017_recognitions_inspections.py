"""recognitions and commendations, inspections and supervision (DOMAIN.md §2.7–2.8)

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-30 16:03:15.013718

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "inspections",
        sa.Column("attachments", sa.JSON(), nullable=True),
        sa.Column("files_received", sa.JSON(), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("conducting_unit_id", sa.Integer(), nullable=False),
        sa.Column("team_members", sa.JSON(), nullable=False),
        sa.Column("target_unit_ids", sa.JSON(), nullable=False),
        sa.Column("other_targets", sa.JSON(), nullable=False),
        sa.Column("target_model_ids", sa.JSON(), nullable=False),
        sa.Column("subject", sa.String(length=500), nullable=False),
        sa.Column("date_from", sa.Date(), nullable=False),
        sa.Column("date_to", sa.Date(), nullable=True),
        sa.Column("findings", sa.Text(), nullable=True),
        sa.Column("recommendations", sa.Text(), nullable=True),
        sa.Column("result", sa.String(length=16), nullable=True),
        sa.Column("follow_up_due", sa.Date(), nullable=True),
        sa.Column("follow_up_done", sa.Boolean(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("change_seq", sa.BigInteger(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("review_status", sa.String(length=16), nullable=False),
        sa.Column("review_comment", sa.Text(), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reviewed_by_name", sa.String(length=255), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("approvals", sa.JSON(), nullable=False),
        sa.Column("awaiting_unit_id", sa.Integer(), nullable=True),
        sa.Column("field_versions", sa.JSON(), nullable=False),
        sa.Column("version_writers", sa.JSON(), nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("device_id", sa.String(length=36), nullable=True),
        sa.Column("wire_json", sa.Text(), nullable=True),
        sa.Column("wire_seq", sa.BigInteger(), nullable=True),
        sa.Column("owner_unit_id", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("reviewed_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["conducting_unit_id"],
            ["units.id"],
            name=op.f("fk_inspections_conducting_unit_id_units"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_inspections_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["owner_unit_id"], ["units.id"], name=op.f("fk_inspections_owner_unit_id_units")
        ),
        sa.ForeignKeyConstraint(
            ["reviewed_by_id"], ["users.id"], name=op.f("fk_inspections_reviewed_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"], ["users.id"], name=op.f("fk_inspections_updated_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inspections")),
    )
    with op.batch_alter_table("inspections", schema=None) as batch_op:
        batch_op.create_index(
            "ix_inspections_owner_seq", ["owner_unit_id", "change_seq"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_inspections_owner_unit_id"), ["owner_unit_id"], unique=False
        )
        batch_op.create_index(
            "ix_inspections_report", ["conducting_unit_id", "date_from", "kind"], unique=False
        )
        batch_op.create_index("ix_inspections_seq", ["change_seq"], unique=False)

    op.create_table(
        "recognitions",
        sa.Column("attachments", sa.JSON(), nullable=True),
        sa.Column("files_received", sa.JSON(), nullable=True),
        sa.Column("subject_model_id", sa.String(length=36), nullable=False),
        sa.Column("stage", sa.String(length=16), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("form", sa.String(length=16), nullable=False),
        sa.Column("issuer", sa.String(length=255), nullable=False),
        sa.Column("decision_no", sa.String(length=64), nullable=True),
        sa.Column("decision_date", sa.Date(), nullable=False),
        sa.Column("period", sa.String(length=16), nullable=True),
        sa.Column("event_meeting_id", sa.String(length=36), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("change_seq", sa.BigInteger(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("review_status", sa.String(length=16), nullable=False),
        sa.Column("review_comment", sa.Text(), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reviewed_by_name", sa.String(length=255), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("approvals", sa.JSON(), nullable=False),
        sa.Column("awaiting_unit_id", sa.Integer(), nullable=True),
        sa.Column("field_versions", sa.JSON(), nullable=False),
        sa.Column("version_writers", sa.JSON(), nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("device_id", sa.String(length=36), nullable=True),
        sa.Column("wire_json", sa.Text(), nullable=True),
        sa.Column("wire_seq", sa.BigInteger(), nullable=True),
        sa.Column("owner_unit_id", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("reviewed_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_recognitions_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["owner_unit_id"], ["units.id"], name=op.f("fk_recognitions_owner_unit_id_units")
        ),
        sa.ForeignKeyConstraint(
            ["reviewed_by_id"], ["users.id"], name=op.f("fk_recognitions_reviewed_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"], ["users.id"], name=op.f("fk_recognitions_updated_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recognitions")),
    )
    with op.batch_alter_table("recognitions", schema=None) as batch_op:
        batch_op.create_index("ix_recognitions_model", ["subject_model_id", "stage"], unique=False)
        batch_op.create_index(
            "ix_recognitions_owner_seq", ["owner_unit_id", "change_seq"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_recognitions_owner_unit_id"), ["owner_unit_id"], unique=False
        )
        batch_op.create_index(
            "ix_recognitions_report", ["owner_unit_id", "decision_date", "stage"], unique=False
        )
        batch_op.create_index("ix_recognitions_seq", ["change_seq"], unique=False)


def downgrade():
    with op.batch_alter_table("recognitions", schema=None) as batch_op:
        batch_op.drop_index("ix_recognitions_seq")
        batch_op.drop_index("ix_recognitions_report")
        batch_op.drop_index(batch_op.f("ix_recognitions_owner_unit_id"))
        batch_op.drop_index("ix_recognitions_owner_seq")
        batch_op.drop_index("ix_recognitions_model")

    op.drop_table("recognitions")
    with op.batch_alter_table("inspections", schema=None) as batch_op:
        batch_op.drop_index("ix_inspections_seq")
        batch_op.drop_index("ix_inspections_report")
        batch_op.drop_index(batch_op.f("ix_inspections_owner_unit_id"))
        batch_op.drop_index("ix_inspections_owner_seq")

    op.drop_table("inspections")
