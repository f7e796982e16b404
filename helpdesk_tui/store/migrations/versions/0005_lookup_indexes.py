"""Look-ups the mail intake makes per message: a caller's incidents by time (the rate limit
counted every message ever received) and a person by lower(e-mail) (it read every person)

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 11:40:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain index operations, not a batch: a batch may rebuild the table (and its search triggers).
    op.drop_index('ix_incident_caller_id', table_name='incident')
    op.create_index('ix_incident_caller_created', 'incident', ['caller_id', 'created_at'], unique=False)
    op.create_index('ix_person_email_lower', 'person', [sa.text('lower(email)')], unique=False)


def downgrade() -> None:
    op.drop_index('ix_person_email_lower', table_name='person')
    op.drop_index('ix_incident_caller_created', table_name='incident')
    op.create_index('ix_incident_caller_id', 'incident', ['caller_id'], unique=False)
