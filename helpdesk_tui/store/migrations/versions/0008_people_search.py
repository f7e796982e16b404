"""Caller search by any part of a name, login, e-mail or phone: a trigram index (SQLite FTS5
`trigram`, PostgreSQL pg_trgm) and code-point prefix indexes on PostgreSQL (issue 16)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 17:30:00.000000
"""
from alembic import op

from helpdesk_tui.store import people_search

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    people_search.create(op.get_bind())


def downgrade() -> None:
    people_search.drop(op.get_bind())
