"""The commercial desk (R34–R41): time entries with their client and whether they count, the
running timers, subscriptions with their history, change requests as a kind of incident with
the client's agreement, and «small configuration change» categories

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 21:30:00
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel

import helpdesk_tui.store.types


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def _add_reference(table: str, column: str, target: str) -> None:
    # Plain column operations, as in 0011 and 0012: a batch would rebuild the incident table (a
    # million rows). SQLite adds a reference only with the column, in its own words.
    if op.get_bind().dialect.name == "postgresql":
        op.add_column(table, sa.Column(column, sa.Integer(), nullable=True))
        op.create_foreign_key(f'{table}_{column}_fkey', table, target, [column], ['id'])
    else:
        op.execute(f"ALTER TABLE {table} ADD COLUMN {column} INTEGER REFERENCES {target} (id)")


def upgrade() -> None:
    _add_reference('time_entry', 'task_id', 'task')
    _add_reference('time_entry', 'organisation_id', 'organisation')
    op.add_column('time_entry', sa.Column('billable', sa.Boolean(), server_default=sa.true(), nullable=False))
    op.add_column('time_entry', sa.Column('change_request', sa.Boolean(), server_default=sa.false(),
                                          nullable=False))
    op.create_index('ix_time_client_date', 'time_entry', ['organisation_id', 'work_date', 'record_kind', 'record_id',
                                                          'billable', 'change_request', 'minutes'], unique=False)
    op.create_index('ix_time_person_date', 'time_entry', ['person_id', 'work_date'], unique=False)
    op.create_index('ix_time_date_client', 'time_entry',
                    ['work_date', 'organisation_id', 'billable', 'change_request', 'minutes'], unique=False)

    op.create_table('running_timer',
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('record_kind', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('task_id', sa.Integer(), nullable=True),
    sa.Column('started_at', helpdesk_tui.store.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ),
    sa.ForeignKeyConstraint(['task_id'], ['task.id'], ),
    sa.PrimaryKeyConstraint('person_id')
    )
    op.create_table('subscription',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('from_month', sa.Date(), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', helpdesk_tui.store.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['person.id'], ),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('organisation_id', 'from_month')
    )
    op.create_index(op.f('ix_subscription_organisation_id'), 'subscription', ['organisation_id'], unique=False)

    op.add_column('incident', sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(), server_default='incident',
                                        nullable=False))
    op.add_column('incident', sa.Column('agreed_at', helpdesk_tui.store.types.UTCDateTime(timezone=True),
                                        nullable=True))
    op.add_column('incident', sa.Column('agreement', sqlmodel.sql.sqltypes.AutoString(), nullable=True))
    op.add_column('category', sa.Column('small_change', sa.Boolean(), server_default=sa.false(), nullable=False))

    # What was there before keeps its meaning: a client's hours held from the start, and an
    # incident of a change-request category is a change request.
    op.execute("INSERT INTO subscription (organisation_id, from_month, minutes, created_at) "
               "SELECT id, DATE '2000-01-01', subscription_minutes, created_at FROM organisation "
               "WHERE subscription_minutes > 0" if op.get_bind().dialect.name == "postgresql" else
               "INSERT INTO subscription (organisation_id, from_month, minutes, created_at) "
               "SELECT id, '2000-01-01', subscription_minutes, created_at FROM organisation "
               "WHERE subscription_minutes > 0")
    op.execute("UPDATE incident SET kind = 'change_request' "
               "WHERE category_id IN (SELECT id FROM category WHERE kind = 'change_request')")


def downgrade() -> None:
    op.drop_column('category', 'small_change')
    op.drop_column('incident', 'agreement')
    op.drop_column('incident', 'agreed_at')
    op.drop_column('incident', 'kind')
    op.drop_index(op.f('ix_subscription_organisation_id'), table_name='subscription')
    op.drop_table('subscription')
    op.drop_table('running_timer')
    op.drop_index('ix_time_date_client', table_name='time_entry')
    op.drop_index('ix_time_person_date', table_name='time_entry')
    op.drop_index('ix_time_client_date', table_name='time_entry')
    op.drop_column('time_entry', 'change_request')
    op.drop_column('time_entry', 'billable')
    op.drop_column('time_entry', 'organisation_id')
    op.drop_column('time_entry', 'task_id')
