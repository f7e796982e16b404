"""Search: a problem is found by its root cause and solution too, an article by its keywords
(weighed as its title); the index of both tables is rebuilt, the incidents' is left as it is

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07 00:30:00
"""
from alembic import op

from helpdesk_tui.store import search_schema
from helpdesk_tui.store.search_schema import Indexed

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None

# Frozen here, as 0004 froze its own: what a later revision indexes is that revision's business.
BEFORE = (
    Indexed("knowledge_article", "title", ("body", "solution")),
    Indexed("problem", "short_description", ("description", "workaround")),
)
AFTER = (
    Indexed("knowledge_article", "title", ("body", "solution"), like_title=("keywords",)),
    Indexed("problem", "short_description", ("description", "root_cause", "workaround", "solution")),
)


def upgrade() -> None:
    # SQLite: new triggers and the rows indexed again; PostgreSQL: a generated column's
    # expression cannot be changed in place before version 17, so the column is made anew.
    search_schema.drop(op.get_bind(), BEFORE)
    search_schema.create(op.get_bind(), AFTER)


def downgrade() -> None:
    search_schema.drop(op.get_bind(), AFTER)
    search_schema.create(op.get_bind(), BEFORE)
