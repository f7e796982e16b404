"""Service requests' dashboard tabs read in order: the live queue newest first with its group
(every active request, a team's), and an owner's finished requests newest first

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 19:40:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

_ACTIVE = "status IN ('registered', 'in_progress', 'awaiting_approval')"
_DONE = "status IN ('implemented', 'closed', 'rejected', 'cancelled')"


def upgrade() -> None:
    op.create_index('ix_request_active_created', 'service_request', ['created_at', 'id', 'group_id'], unique=False,
                    sqlite_where=sa.text(_ACTIVE), postgresql_where=sa.text(_ACTIVE))
    op.create_index('ix_request_owner_done', 'service_request', ['owner_id', 'created_at', 'id'], unique=False,
                    sqlite_where=sa.text(_DONE), postgresql_where=sa.text(_DONE))


def downgrade() -> None:
    op.drop_index('ix_request_owner_done', table_name='service_request')
    op.drop_index('ix_request_active_created', table_name='service_request')
