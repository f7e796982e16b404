"""People sort by surname in the Ukrainian alphabet: person.sort_key, and the caller's key on each
incident with an index, so a list sorted by caller stays a keyset page at a million incidents

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 18:30:00
"""
from alembic import op
import sqlalchemy as sa

from helpdesk_tui.domain.collation import NOBODY, person_sort_key


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

# Compared byte by byte on both engines (store/fields.py).
_SORT_KEY = sa.String().with_variant(sa.String(collation="C"), "postgresql")


def upgrade() -> None:
    # Plain column and index operations, not a batch: a batch may rebuild the table (and its
    # search triggers) on SQLite.
    op.add_column('person', sa.Column('sort_key', _SORT_KEY, nullable=False, server_default=''))
    op.add_column('incident', sa.Column('caller_sort', _SORT_KEY, nullable=False, server_default=NOBODY))
    person = sa.table('person', sa.column('id', sa.Integer), sa.column('full_name', sa.String),
                      sa.column('sort_key', sa.String))
    conn = op.get_bind()
    keys = [{"pid": pid, "key": person_sort_key(name)} for pid, name in conn.execute(sa.select(person.c.id, person.c.full_name))]
    if keys:
        conn.execute(person.update().where(person.c.id == sa.bindparam("pid")).values(sort_key=sa.bindparam("key")), keys)
    conn.execute(sa.text("UPDATE incident SET caller_sort = (SELECT person.sort_key FROM person "
                         "WHERE person.id = incident.caller_id) WHERE caller_id IS NOT NULL"))
    # The key of nobody is a constant: the ordering of an incident without a caller never changes.
    op.create_index('ix_incident_caller_sort', 'incident', ['caller_sort', 'id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_incident_caller_sort', table_name='incident')
    op.drop_column('incident', 'caller_sort')
    op.drop_column('person', 'sort_key')
