"""The callers' portal: one-time sign-in links, browser sessions, rate-limited attempts, files
callers attach, and whether a client's people see one another's tickets there

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07 00:50:00
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel

import helpdesk_tui.store.types


revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def _moment(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, helpdesk_tui.store.types.UTCDateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table('portal_link',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    _moment('created_at'),
    _moment('expires_at'),
    _moment('used_at', nullable=True),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token_hash')
    )
    op.create_index(op.f('ix_portal_link_person_id'), 'portal_link', ['person_id'], unique=False)
    op.create_table('portal_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('secret_hash', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    _moment('created_at'),
    _moment('last_seen_at'),
    _moment('expires_at'),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('secret_hash')
    )
    op.create_index(op.f('ix_portal_session_person_id'), 'portal_session', ['person_id'], unique=False)
    op.create_table('portal_attempt',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    _moment('at'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_portal_attempt_key_at', 'portal_attempt', ['key', 'at'], unique=False)
    op.create_table('portal_attachment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('record_kind', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=True),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('filename', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('content_type', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    _moment('created_at'),
    sa.ForeignKeyConstraint(['entry_id'], ['journal_entry.id'], ),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_portal_attachment_entry_id'), 'portal_attachment', ['entry_id'], unique=False)
    op.create_index('ix_portal_attachment_record', 'portal_attachment', ['record_kind', 'record_id'], unique=False)
    op.add_column('organisation', sa.Column('portal_shared', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade() -> None:
    op.drop_column('organisation', 'portal_shared')
    op.drop_index('ix_portal_attachment_record', table_name='portal_attachment')
    op.drop_index(op.f('ix_portal_attachment_entry_id'), table_name='portal_attachment')
    op.drop_table('portal_attachment')
    op.drop_index('ix_portal_attempt_key_at', table_name='portal_attempt')
    op.drop_table('portal_attempt')
    op.drop_index(op.f('ix_portal_session_person_id'), table_name='portal_session')
    op.drop_table('portal_session')
    op.drop_index(op.f('ix_portal_link_person_id'), table_name='portal_link')
    op.drop_table('portal_link')
