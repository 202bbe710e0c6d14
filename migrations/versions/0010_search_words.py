"""rebuild search columns as words: search matches word beginnings

Revision ID: 0010
Revises: 0008
Create Date: 2026-11-30 10:40:00.000000

"""
import sqlalchemy as sa
from alembic import op

from server.search import search_text

revision = '0010'
down_revision = '0008'
branch_labels = None
depends_on = None

# Searchable columns as they stand at this revision; written out here so that a later change
# to the record tables cannot change what this migration did.
SEARCHED = {
    'dvk_models': ('name', 'collective_name', 'person_name', 'locality', 'lead_org', 'objective'),
    'meetings': ('title', 'location', 'minutes_no', 'content_summary', 'attendees'),
    'units': ('name', 'code', 'aliases'),
}
BATCH = 2000


def upgrade():
    conn = op.get_bind()
    for name, columns in SEARCHED.items():
        table = sa.table(name, sa.column('id'), sa.column('search_text'),
                         *(sa.column(c, sa.JSON if c in ('attendees', 'aliases') else sa.Text)
                           for c in columns))
        last = None
        while True:
            query = sa.select(table).order_by(table.c.id).limit(BATCH)
            if last is not None:
                query = query.where(table.c.id > last)
            rows = conn.execute(query).mappings().all()
            if not rows:
                break
            for row in rows:
                text = search_text(*(row[c] for c in columns))
                if text != row['search_text']:
                    conn.execute(table.update().where(table.c.id == row['id'])
                                 .values(search_text=text))
            last = rows[-1]['id']


def downgrade():
    # The word form is also a valid form of the old search text: nothing to undo.
    pass
