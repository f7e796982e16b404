"""Journal entries in the reader's language: the untranslated message and its values
(journal_entry.summary_key, summary_args, body_key, body_args) instead of text in the writer's
language (issue 16)

Entries written before keep their text in `summary` and `body` and are shown as they are.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 10:00:00
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel

import helpdesk_tui.store.types


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain nullable columns, not a batch: a batch may rebuild the table on SQLite, and the
    # journal is the largest table there is.
    op.add_column('journal_entry', sa.Column('summary_key', sqlmodel.sql.sqltypes.AutoString(), nullable=True))
    op.add_column('journal_entry', sa.Column('summary_args', helpdesk_tui.store.types.JSONText(), nullable=True))
    op.add_column('journal_entry', sa.Column('body_key', sqlmodel.sql.sqltypes.AutoString(), nullable=True))
    op.add_column('journal_entry', sa.Column('body_args', helpdesk_tui.store.types.JSONText(), nullable=True))


def downgrade() -> None:
    # The English text of every keyed message is in `summary` and `body` already: nothing is lost.
    op.drop_column('journal_entry', 'body_args')
    op.drop_column('journal_entry', 'body_key')
    op.drop_column('journal_entry', 'summary_args')
    op.drop_column('journal_entry', 'summary_key')
