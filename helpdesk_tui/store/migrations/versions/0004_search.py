"""Full-text search: FTS5 tables on SQLite, tsvector columns with GIN indexes on PostgreSQL (R4)

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 08:00:00.000000
"""
from alembic import op

from helpdesk_tui.store import search_schema

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    search_schema.create(op.get_bind())


def downgrade() -> None:
    search_schema.drop(op.get_bind())
