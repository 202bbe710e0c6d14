"""criteria sets (versioned, per issuing unit) and the evaluations of models against them

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-30 16:03:16.402444

"""
from alembic import op
import sqlalchemy as sa



revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    
    op.create_table('criteria_sets',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('family_id', sa.String(length=36), nullable=False),
    sa.Column('version_no', sa.Integer(), nullable=False),
    sa.Column('issuer_unit_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=500), nullable=False),
    sa.Column('doc_number', sa.String(length=64), nullable=True),
    sa.Column('doc_date', sa.Date(), nullable=True),
    sa.Column('applies_to', sa.JSON(), nullable=False),
    sa.Column('period', sa.String(length=16), nullable=True),
    sa.Column('allow_self', sa.Boolean(), nullable=False),
    sa.Column('criteria', sa.JSON(), nullable=False),
    sa.Column('thresholds', sa.JSON(), nullable=False),
    sa.Column('max_score', sa.Float(), nullable=False),
    sa.Column('superseded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('superseded_by_id', sa.String(length=36), nullable=True),
    sa.Column('change_seq', sa.BigInteger(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_criteria_sets_created_by_id_users')),
    sa.ForeignKeyConstraint(['issuer_unit_id'], ['units.id'], name=op.f('fk_criteria_sets_issuer_unit_id_units')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_criteria_sets_updated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_criteria_sets'))
    )
    with op.batch_alter_table('criteria_sets', schema=None) as batch_op:
        batch_op.create_index('ix_criteria_sets_family', ['family_id', 'version_no'], unique=True)
        batch_op.create_index(batch_op.f('ix_criteria_sets_issuer_unit_id'), ['issuer_unit_id'], unique=False)
        batch_op.create_index('ix_criteria_sets_seq', ['change_seq'], unique=False)

    op.create_table('evaluations',
    sa.Column('attachments', sa.JSON(), nullable=True),
    sa.Column('files_received', sa.JSON(), nullable=True),
    sa.Column('model_id', sa.String(length=36), nullable=False),
    sa.Column('set_id', sa.String(length=36), nullable=False),
    sa.Column('eval_date', sa.Date(), nullable=False),
    sa.Column('evaluator_name', sa.String(length=255), nullable=True),
    sa.Column('scores', sa.JSON(), nullable=False),
    sa.Column('total', sa.Float(), nullable=False),
    sa.Column('rating', sa.String(length=16), nullable=False),
    sa.Column('proposal', sa.String(length=24), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('change_seq', sa.BigInteger(), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('review_status', sa.String(length=16), nullable=False),
    sa.Column('review_comment', sa.Text(), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reviewed_by_name', sa.String(length=255), nullable=True),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('approvals', sa.JSON(), nullable=False),
    sa.Column('awaiting_unit_id', sa.Integer(), nullable=True),
    sa.Column('field_versions', sa.JSON(), nullable=False),
    sa.Column('version_writers', sa.JSON(), nullable=False),
    sa.Column('search_text', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('device_id', sa.String(length=36), nullable=True),
    sa.Column('wire_json', sa.Text(), nullable=True),
    sa.Column('wire_seq', sa.BigInteger(), nullable=True),
    sa.Column('owner_unit_id', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_evaluations_created_by_id_users')),
    sa.ForeignKeyConstraint(['owner_unit_id'], ['units.id'], name=op.f('fk_evaluations_owner_unit_id_units')),
    sa.ForeignKeyConstraint(['reviewed_by_id'], ['users.id'], name=op.f('fk_evaluations_reviewed_by_id_users')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_evaluations_updated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evaluations'))
    )
    with op.batch_alter_table('evaluations', schema=None) as batch_op:
        batch_op.create_index('ix_evaluations_model', ['model_id'], unique=False)
        batch_op.create_index('ix_evaluations_owner_seq', ['owner_unit_id', 'change_seq'], unique=False)
        batch_op.create_index(batch_op.f('ix_evaluations_owner_unit_id'), ['owner_unit_id'], unique=False)
        batch_op.create_index('ix_evaluations_seq', ['change_seq'], unique=False)
        batch_op.create_index('ix_evaluations_set', ['set_id'], unique=False)



def downgrade():
    
    with op.batch_alter_table('evaluations', schema=None) as batch_op:
        batch_op.drop_index('ix_evaluations_set')
        batch_op.drop_index('ix_evaluations_seq')
        batch_op.drop_index(batch_op.f('ix_evaluations_owner_unit_id'))
        batch_op.drop_index('ix_evaluations_owner_seq')
        batch_op.drop_index('ix_evaluations_model')

    op.drop_table('evaluations')
    with op.batch_alter_table('criteria_sets', schema=None) as batch_op:
        batch_op.drop_index('ix_criteria_sets_seq')
        batch_op.drop_index(batch_op.f('ix_criteria_sets_issuer_unit_id'))
        batch_op.drop_index('ix_criteria_sets_family')

    op.drop_table('criteria_sets')
