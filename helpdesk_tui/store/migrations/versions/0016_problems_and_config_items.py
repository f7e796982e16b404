"""Problems with a lifecycle (registered, analysis, known error, resolved, closed), a root cause,
a solution, a configuration item and an assignment; configuration items with a kind, the work
group that looks after them, a location and a version

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 23:05:00
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel

import helpdesk_tui.store.types


revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def _add_reference(table: str, column: str, target: str) -> None:
    # Plain column operations, as in 0014: SQLite adds a reference only with the column.
    if op.get_bind().dialect.name == "postgresql":
        op.add_column(table, sa.Column(column, sa.Integer(), nullable=True))
        op.create_foreign_key(f'{table}_{column}_fkey', table, target, [column], ['id'])
    else:
        op.execute(f"ALTER TABLE {table} ADD COLUMN {column} INTEGER REFERENCES {target} (id)")


def _text(table: str, column: str, default: str = '') -> None:
    op.add_column(table, sa.Column(column, sqlmodel.sql.sqltypes.AutoString(), server_default=default,
                                   nullable=False))


def _moment(table: str, column: str) -> None:
    op.add_column(table, sa.Column(column, helpdesk_tui.store.types.UTCDateTime(timezone=True), nullable=True))


def upgrade() -> None:
    _text('problem', 'root_cause')
    _text('problem', 'solution')
    _add_reference('problem', 'configuration_item_id', 'configuration_item')
    _add_reference('problem', 'group_id', 'work_group')
    _add_reference('problem', 'owner_id', 'person')
    for column in ('updated_at', 'resolved_at', 'closed_at'):
        _moment('problem', column)
    # Problems had one status, "open": the lifecycle starts them registered.
    op.execute("UPDATE problem SET status = 'registered' WHERE status = 'open'")
    if op.get_bind().dialect.name == "postgresql":
        # SQLite changes a default only by copying the table; the desk always writes the status.
        op.alter_column('problem', 'status', server_default='registered')
    _text('configuration_item', 'kind', 'other')
    _add_reference('configuration_item', 'group_id', 'work_group')
    _text('configuration_item', 'location')
    op.add_column('configuration_item', sa.Column('version', sa.Integer(), server_default='1', nullable=False))


def downgrade() -> None:
    for column in ('version', 'location', 'group_id', 'kind'):
        op.drop_column('configuration_item', column)
    op.execute("UPDATE problem SET status = 'open' WHERE status <> 'closed'")
    for column in ('closed_at', 'resolved_at', 'updated_at', 'owner_id', 'group_id', 'configuration_item_id',
                   'solution', 'root_cause'):
        op.drop_column('problem', column)
