"""Knowledge articles the desk keeps (R4): a status (draft, published, retired), keywords, the
author and the reviewer, the incident an article was written from, and every version

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 22:55:00
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel

import helpdesk_tui.store.types


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def _add_reference(table: str, column: str, target: str) -> None:
    # Plain column operations, as in 0014: SQLite adds a reference only with the column.
    if op.get_bind().dialect.name == "postgresql":
        op.add_column(table, sa.Column(column, sa.Integer(), nullable=True))
        op.create_foreign_key(f'{table}_{column}_fkey', table, target, [column], ['id'])
    else:
        op.execute(f"ALTER TABLE {table} ADD COLUMN {column} INTEGER REFERENCES {target} (id)")


def upgrade() -> None:
    op.add_column('knowledge_article', sa.Column('status', sqlmodel.sql.sqltypes.AutoString(),
                                                 server_default='published', nullable=False))
    op.add_column('knowledge_article', sa.Column('keywords', sqlmodel.sql.sqltypes.AutoString(), server_default='',
                                                 nullable=False))
    _add_reference('knowledge_article', 'author_id', 'person')
    _add_reference('knowledge_article', 'reviewer_id', 'person')
    _add_reference('knowledge_article', 'source_incident_id', 'incident')
    op.add_column('knowledge_article', sa.Column('published_at', helpdesk_tui.store.types.UTCDateTime(timezone=True),
                                                 nullable=True))
    op.execute("UPDATE knowledge_article SET status = 'draft' WHERE NOT published")
    op.create_table('article_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('body', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('solution', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('keywords', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=True),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('changed_by_id', sa.Integer(), nullable=True),
    sa.Column('changed_at', helpdesk_tui.store.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['knowledge_article.id'], ),
    sa.ForeignKeyConstraint(['changed_by_id'], ['person.id'], ),
    sa.ForeignKeyConstraint(['service_id'], ['service.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('article_id', 'version')
    )
    op.create_index(op.f('ix_article_version_article_id'), 'article_version', ['article_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_article_version_article_id'), table_name='article_version')
    op.drop_table('article_version')
    for column in ('published_at', 'source_incident_id', 'reviewer_id', 'author_id', 'keywords', 'status'):
        op.drop_column('knowledge_article', column)
