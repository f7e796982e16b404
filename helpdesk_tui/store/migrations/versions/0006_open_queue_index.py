"""The open queue newest first with its group: a team's first page (several groups) read in
order rather than every open row of those groups sorted

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 15:40:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

_OPEN = "status NOT IN ('closed', 'cancelled')"


def upgrade() -> None:
    op.create_index('ix_incident_open_created', 'incident', ['created_at', 'id', 'group_id'], unique=False,
                    sqlite_where=sa.text(_OPEN), postgresql_where=sa.text(_OPEN))


def downgrade() -> None:
    op.drop_index('ix_incident_open_created', table_name='incident')
