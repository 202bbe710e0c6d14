"""token rotation in two phases, and users searched in SQL

Revision ID: 0020
Revises: 0019
Create Date: 2026-11-30 18:40:00.000000

"""
import sqlalchemy as sa
from alembic import op

from server.search import search_text

revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None

BATCH = 2000


def upgrade():
    # Plain ADD COLUMN and a unique index: SQLite need not rebuild tables other rows point at.
    op.add_column('devices', sa.Column('previous_token_hash', sa.String(length=64), nullable=True))
    op.add_column('devices', sa.Column('rotated_at', sa.DateTime(timezone=True), nullable=True))
    op.create_index(op.f('ix_devices_previous_token_hash'), 'devices', ['previous_token_hash'],
                    unique=True)
    op.add_column('users', sa.Column('search_text', sa.Text(), nullable=True))
    conn = op.get_bind()
    users = sa.table('users', sa.column('id'), sa.column('username'), sa.column('full_name'),
                     sa.column('search_text'))
    last = None
    while True:
        query = sa.select(users).order_by(users.c.id).limit(BATCH)
        if last is not None:
            query = query.where(users.c.id > last)
        rows = conn.execute(query).mappings().all()
        if not rows:
            break
        for row in rows:
            conn.execute(users.update().where(users.c.id == row['id'])
                         .values(search_text=search_text(row['username'], row['full_name'])))
        last = rows[-1]['id']


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('search_text')
    op.drop_index(op.f('ix_devices_previous_token_hash'), table_name='devices')
    with op.batch_alter_table('devices', schema=None) as batch_op:
        batch_op.drop_column('rotated_at')
        batch_op.drop_column('previous_token_hash')
