"""Service requests run: catalog items are versions of a reviewed file (code, names in uk and en,
audience, fields, approval, stages, targets); requests keep their SLA and approval times;
approvals carry an e-mail token; the ticker's request events

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 19:00:00
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel

import helpdesk_tui.store.types


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

_ACTIVE = "status IN ('registered', 'in_progress', 'awaiting_approval')"


def _catalog_item() -> None:
    op.create_table('catalog_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('current', sa.Boolean(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('name_en', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('description', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('description_en', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=True),
    sa.Column('group_id', sa.Integer(), nullable=True),
    sa.Column('audience', helpdesk_tui.store.types.JSONText(), nullable=False),
    sa.Column('fields', helpdesk_tui.store.types.JSONText(), nullable=False),
    sa.Column('approval', helpdesk_tui.store.types.JSONText(), nullable=True),
    sa.Column('stages', helpdesk_tui.store.types.JSONText(), nullable=False),
    sa.Column('response_minutes', sa.Integer(), nullable=True),
    sa.Column('resolution_minutes', sa.Integer(), nullable=True),
    sa.Column('digest', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('loaded_at', helpdesk_tui.store.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('loaded_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['group_id'], ['work_group.id'], ),
    sa.ForeignKeyConstraint(['loaded_by_id'], ['person.id'], ),
    sa.ForeignKeyConstraint(['service_id'], ['service.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code', 'version')
    )
    op.create_index('ix_catalog_item_current', 'catalog_item', ['current', 'code'], unique=False)


def upgrade() -> None:
    # Nothing ever wrote the old catalog tables (no operation made an item): they are replaced,
    # not converted. service_request keeps its reference; PostgreSQL needs it dropped meanwhile.
    postgres = op.get_bind().dialect.name == "postgresql"
    op.drop_table('catalog_approver')
    op.drop_index('ix_catalog_task_template_catalog_item_id', table_name='catalog_task_template')
    op.drop_table('catalog_task_template')
    if postgres:
        op.drop_constraint('service_request_catalog_item_id_fkey', 'service_request', type_='foreignkey')
    op.drop_table('catalog_item')
    _catalog_item()
    if postgres:
        op.create_foreign_key('service_request_catalog_item_id_fkey', 'service_request', 'catalog_item',
                              ['catalog_item_id'], ['id'])

    op.add_column('approval', sa.Column('token_hash', sqlmodel.sql.sqltypes.AutoString(), nullable=True))
    op.add_column('approval', sa.Column('decided_via', sqlmodel.sql.sqltypes.AutoString(), nullable=True))
    op.create_index('ix_approval_token_hash', 'approval', ['token_hash'], unique=False)
    op.create_index('ix_approval_waiting', 'approval', ['approver_id', 'state', 'request_id'], unique=False)

    # Plain column operations: a batch would rebuild the table. SQLite adds a reference only
    # with the column, in its own words.
    if postgres:
        op.add_column('service_request', sa.Column('organisation_id', sa.Integer(), nullable=True))
        op.create_foreign_key('service_request_organisation_id_fkey', 'service_request', 'organisation',
                              ['organisation_id'], ['id'])
    else:
        op.execute("ALTER TABLE service_request ADD COLUMN organisation_id INTEGER REFERENCES organisation (id)")
    op.add_column('service_request', sa.Column('description', sqlmodel.sql.sqltypes.AutoString(), nullable=False,
                                               server_default=''))
    for column in ('responded_at', 'approved_at', 'implemented_at', 'response_due', 'response_warn_at',
                   'resolution_warn_at'):
        op.add_column('service_request', sa.Column(column, helpdesk_tui.store.types.UTCDateTime(timezone=True),
                                                   nullable=True))
    op.create_index('ix_request_due', 'service_request', ['due_at'], unique=False,
                    sqlite_where=sa.text(_ACTIVE), postgresql_where=sa.text(_ACTIVE))
    op.create_index('ix_request_opened_by', 'service_request', ['opened_by_id', 'created_at', 'id'], unique=False)
    op.create_index('ix_request_status_created', 'service_request', ['status', 'created_at', 'id'], unique=False)

    op.create_table('request_sla_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('at', helpdesk_tui.store.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['request_id'], ['service_request.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('request_id', 'kind')
    )


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    op.drop_table('request_sla_event')
    op.drop_index('ix_request_status_created', table_name='service_request')
    op.drop_index('ix_request_opened_by', table_name='service_request')
    op.drop_index('ix_request_due', table_name='service_request')
    for column in ('resolution_warn_at', 'response_warn_at', 'response_due', 'implemented_at', 'approved_at',
                   'responded_at', 'description'):
        op.drop_column('service_request', column)
    if postgres:
        op.drop_constraint('service_request_organisation_id_fkey', 'service_request', type_='foreignkey')
        op.drop_column('service_request', 'organisation_id')
    else:
        with op.batch_alter_table('service_request') as batch_op:
            batch_op.drop_column('organisation_id')
    op.drop_index('ix_approval_waiting', table_name='approval')
    op.drop_index('ix_approval_token_hash', table_name='approval')
    op.drop_column('approval', 'decided_via')
    op.drop_column('approval', 'token_hash')
    # The old, never-written catalog tables come back empty: a request keeps its item's id only
    # while the item exists, so the references go first.
    op.execute("UPDATE service_request SET catalog_item_id = NULL")
    if postgres:
        op.drop_constraint('service_request_catalog_item_id_fkey', 'service_request', type_='foreignkey')
    op.drop_index('ix_catalog_item_current', table_name='catalog_item')
    op.drop_table('catalog_item')
    op.create_table('catalog_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('description', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=True),
    sa.Column('group_id', sa.Integer(), nullable=True),
    sa.Column('fields', helpdesk_tui.store.types.JSONText(), nullable=False),
    sa.Column('needs_approval', sa.Boolean(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['work_group.id'], ),
    sa.ForeignKeyConstraint(['service_id'], ['service.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('name')
    )
    if postgres:
        op.create_foreign_key('service_request_catalog_item_id_fkey', 'service_request', 'catalog_item',
                              ['catalog_item_id'], ['id'])
    op.create_table('catalog_approver',
    sa.Column('catalog_item_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['catalog_item_id'], ['catalog_item.id'], ),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ),
    sa.PrimaryKeyConstraint('catalog_item_id', 'person_id')
    )
    op.create_table('catalog_task_template',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('catalog_item_id', sa.Integer(), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('short_description', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('details', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.ForeignKeyConstraint(['catalog_item_id'], ['catalog_item.id'], ),
    sa.ForeignKeyConstraint(['group_id'], ['work_group.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_catalog_task_template_catalog_item_id', 'catalog_task_template', ['catalog_item_id'],
                    unique=False)
