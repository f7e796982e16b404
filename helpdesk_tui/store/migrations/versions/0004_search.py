"""Full-text search: FTS5 tables on SQLite, tsvector columns with GIN indexes on PostgreSQL (R4)

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 08:00:00.000000
"""
from alembic import op

from helpdesk_tui.store import search_schema
from helpdesk_tui.store.search_schema import Indexed

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

# What was indexed then (0017 adds a problem's root cause and solution, an article's keywords):
# the columns 0017 indexes do not exist yet at this revision.
INDEXED = (
    Indexed("incident", "short_description", ("description", "solution")),
    Indexed("knowledge_article", "title", ("body", "solution")),
    Indexed("problem", "short_description", ("description", "workaround")),
)


def upgrade() -> None:
    search_schema.create(op.get_bind(), INDEXED)


def downgrade() -> None:
    search_schema.drop(op.get_bind(), INDEXED)
