"""Service requests in the SLA ticker and the mail: a received message keeps the request it
threads onto (inbound_mail.request_id); the ticker's and `sla breaching`'s reads of a request's
due times and warnings are index ranges, as an incident's, over the requests the ticker measures
(registered or in progress, said with NOT IN so that SQLite without statistics reads them)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-08 10:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

_ACTIVE = "status IN ('registered', 'in_progress', 'awaiting_approval')"
_TICKING = "status NOT IN ('awaiting_approval', 'implemented', 'closed', 'rejected', 'cancelled')"
_UNANSWERED = f"responded_at IS NULL AND {_TICKING}"


def upgrade() -> None:
    # Plain column operations, as in 0011: a batch would rebuild inbound_mail, which keeps every
    # message's bytes. SQLite adds a reference only with the column, in its own words.
    if op.get_bind().dialect.name == "postgresql":
        op.add_column('inbound_mail', sa.Column('request_id', sa.Integer(), nullable=True))
        op.create_foreign_key('inbound_mail_request_id_fkey', 'inbound_mail', 'service_request',
                              ['request_id'], ['id'])
    else:
        op.execute("ALTER TABLE inbound_mail ADD COLUMN request_id INTEGER REFERENCES service_request (id)")
    op.create_index('ix_inbound_mail_request_id', 'inbound_mail', ['request_id'], unique=False)
    op.drop_index('ix_request_due', table_name='service_request')
    op.create_index('ix_request_due', 'service_request', ['due_at'], unique=False,
                    sqlite_where=sa.text(_TICKING), postgresql_where=sa.text(_TICKING))
    op.create_index('ix_request_response_due', 'service_request', ['response_due'], unique=False,
                    sqlite_where=sa.text(_UNANSWERED), postgresql_where=sa.text(_UNANSWERED))
    op.create_index('ix_request_response_warn', 'service_request', ['response_warn_at'], unique=False,
                    sqlite_where=sa.text(_UNANSWERED), postgresql_where=sa.text(_UNANSWERED))
    op.create_index('ix_request_resolution_warn', 'service_request', ['resolution_warn_at'], unique=False,
                    sqlite_where=sa.text(_TICKING), postgresql_where=sa.text(_TICKING))


def downgrade() -> None:
    op.drop_index('ix_request_resolution_warn', table_name='service_request')
    op.drop_index('ix_request_response_warn', table_name='service_request')
    op.drop_index('ix_request_response_due', table_name='service_request')
    op.drop_index('ix_request_due', table_name='service_request')
    op.create_index('ix_request_due', 'service_request', ['due_at'], unique=False,
                    sqlite_where=sa.text(_ACTIVE), postgresql_where=sa.text(_ACTIVE))
    op.drop_index('ix_inbound_mail_request_id', table_name='inbound_mail')
    if op.get_bind().dialect.name == "postgresql":
        op.drop_constraint('inbound_mail_request_id_fkey', 'inbound_mail', type_='foreignkey')
        op.drop_column('inbound_mail', 'request_id')
    else:
        with op.batch_alter_table('inbound_mail') as batch_op:
            batch_op.drop_column('request_id')
