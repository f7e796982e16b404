"""A caller's incidents by time: the mail intake's rate limit counted every message ever received

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 11:40:00
"""
from alembic import op


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain index operations, not a batch: a batch may rebuild the table (and its search triggers).
    op.drop_index('ix_incident_caller_id', table_name='incident')
    op.create_index('ix_incident_caller_created', 'incident', ['caller_id', 'created_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_incident_caller_created', table_name='incident')
    op.create_index('ix_incident_caller_id', 'incident', ['caller_id'], unique=False)
