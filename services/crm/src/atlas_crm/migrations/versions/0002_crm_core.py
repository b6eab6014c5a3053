"""crm core: dossiers and their satellites, dictionaries, workflow definitions, org settings

Revision ID: 0002_crm_core
Revises: 0001
Create Date: 2026-11-27 00:46:59.117280
"""
from alembic import op
import sqlalchemy as sa
import atlas_shared.db.types
from sqlalchemy.dialects import postgresql

revision = '0002_crm_core'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('dossiers',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('case_type', sa.String(length=60), nullable=False),
    sa.Column('status', sa.String(length=60), nullable=False),
    sa.Column('source', sa.String(length=60), nullable=False),
    sa.Column('contact_name', sa.String(length=200), nullable=True),
    sa.Column('phone', sa.String(length=32), nullable=True),
    sa.Column('phone_raw', sa.String(length=64), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('annonce_id', sa.Uuid(), nullable=True),
    sa.Column('budget_min', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('budget_max', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('assigned_to', sa.String(length=100), nullable=True),
    sa.Column('score', sa.Integer(), nullable=True),
    sa.Column('score_reason', sa.String(length=500), nullable=True),
    sa.Column('loss_reason', sa.String(length=60), nullable=True),
    sa.Column('won_reason', sa.String(length=60), nullable=True),
    sa.Column('payload', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('workflow_version', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('last_activity_at', atlas_shared.db.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('closed_at', atlas_shared.db.types.UtcDateTime(timezone=True), nullable=True),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('created_at', atlas_shared.db.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', atlas_shared.db.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('org_id', sa.Uuid(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dossiers'))
    )
    with op.batch_alter_table('dossiers', schema=None) as batch_op:
        batch_op.create_index('ix_dossiers_org_annonce', ['org_id', 'annonce_id'], unique=False)
        batch_op.create_index('ix_dossiers_org_assignee_status', ['org_id', 'assigned_to', 'status'], unique=False)
        batch_op.create_index('ix_dossiers_org_created', ['org_id', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_dossiers_org_id'), ['org_id'], unique=False)
        batch_op.create_index('ix_dossiers_org_last_activity', ['org_id', 'last_activity_at'], unique=False)
        batch_op.create_index('ix_dossiers_org_phone_open', ['org_id', 'phone', 'closed_at'], unique=False)
        batch_op.create_index('ix_dossiers_org_source_created', ['org_id', 'source', 'created_at'], unique=False)
        batch_op.create_index('ix_dossiers_org_status_created', ['org_id', 'status', 'created_at'], unique=False)
        batch_op.create_index('ix_dossiers_org_type_status', ['org_id', 'case_type', 'status'], unique=False)

    op.create_table('org_settings',
    sa.Column('org_id', sa.Uuid(), nullable=False),
    sa.Column('whatsapp_phone_number_id', sa.String(length=64), nullable=True),
    sa.Column('appointment_overlap_policy', sa.String(length=10), nullable=False),
    sa.Column('dedupe_policy', sa.String(length=30), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_by', sa.String(length=100), nullable=False),
    sa.Column('updated_at', atlas_shared.db.types.UtcDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('org_id', name=op.f('pk_org_settings')),
    sa.UniqueConstraint('whatsapp_phone_number_id', name=op.f('uq_org_settings_whatsapp_phone_number_id'))
    )
    op.create_table('reference_entries',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('org_id', sa.Uuid(), nullable=True),
    sa.Column('dict_type', sa.String(length=40), nullable=False),
    sa.Column('code', sa.String(length=60), nullable=False),
    sa.Column('label_fr', sa.String(length=200), nullable=False),
    sa.Column('label_ar', sa.String(length=200), nullable=True),
    sa.Column('label_en', sa.String(length=200), nullable=True),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('metadata', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('created_at', atlas_shared.db.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', atlas_shared.db.types.UtcDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reference_entries')),
    sa.UniqueConstraint('org_id', 'dict_type', 'code', name=op.f('uq_reference_entries_org_id'))
    )
    with op.batch_alter_table('reference_entries', schema=None) as batch_op:
        batch_op.create_index('ix_reference_entries_org_type', ['org_id', 'dict_type'], unique=False)
        batch_op.create_index('uq_reference_entries_global_code', ['dict_type', 'code'], unique=True, postgresql_where=sa.text('org_id IS NULL'), sqlite_where=sa.text('org_id IS NULL'))

    op.create_table('workflow_definitions',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('org_id', sa.Uuid(), nullable=True),
    sa.Column('case_type', sa.String(length=60), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('definition', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('comment', sa.String(length=500), nullable=True),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('created_at', atlas_shared.db.types.UtcDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_workflow_definitions')),
    sa.UniqueConstraint('org_id', 'case_type', 'version', name=op.f('uq_workflow_definitions_org_id'))
    )
    with op.batch_alter_table('workflow_definitions', schema=None) as batch_op:
        batch_op.create_index('ix_workflow_definitions_lookup', ['case_type', 'org_id', 'version'], unique=False)
        batch_op.create_index('uq_workflow_definitions_global_version', ['case_type', 'version'], unique=True, postgresql_where=sa.text('org_id IS NULL'), sqlite_where=sa.text('org_id IS NULL'))

    op.create_table('activities',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('dossier_id', sa.Uuid(), nullable=False),
    sa.Column('type', sa.String(length=40), nullable=False),
    sa.Column('content', sa.Text(), nullable=True),
    sa.Column('due_at', atlas_shared.db.types.UtcDateTime(timezone=True), nullable=True),
    sa.Column('done', sa.Boolean(), nullable=False),
    sa.Column('done_at', atlas_shared.db.types.UtcDateTime(timezone=True), nullable=True),
    sa.Column('assignee', sa.String(length=100), nullable=True),
    sa.Column('actor', sa.String(length=100), nullable=False),
    sa.Column('related_type', sa.String(length=40), nullable=True),
    sa.Column('related_id', sa.String(length=64), nullable=True),
    sa.Column('details', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('created_at', atlas_shared.db.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', atlas_shared.db.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('org_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossiers.id'], name=op.f('fk_activities_dossier_id_dossiers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_activities'))
    )
    with op.batch_alter_table('activities', schema=None) as batch_op:
        batch_op.create_index('ix_activities_org_assignee_due', ['org_id', 'assignee', 'done', 'due_at'], unique=False)
        batch_op.create_index('ix_activities_org_dossier_created', ['org_id', 'dossier_id', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_activities_org_id'), ['org_id'], unique=False)
        batch_op.create_index('ix_activities_org_type_created', ['org_id', 'type', 'created_at'], unique=False)

    op.create_table('appointments',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('dossier_id', sa.Uuid(), nullable=False),
    sa.Column('type', sa.String(length=40), nullable=False),
    sa.Column('status', sa.String(length=40), nullable=False),
    sa.Column('starts_at', atlas_shared.db.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('ends_at', atlas_shared.db.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('location', sa.String(length=300), nullable=True),
    sa.Column('assigned_to', sa.String(length=100), nullable=True),
    sa.Column('annonce_id', sa.Uuid(), nullable=True),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('created_at', atlas_shared.db.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', atlas_shared.db.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('org_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossiers.id'], name=op.f('fk_appointments_dossier_id_dossiers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_appointments'))
    )
    with op.batch_alter_table('appointments', schema=None) as batch_op:
        batch_op.create_index('ix_appointments_org_assignee_start', ['org_id', 'assigned_to', 'starts_at'], unique=False)
        batch_op.create_index('ix_appointments_org_dossier_start', ['org_id', 'dossier_id', 'starts_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_appointments_org_id'), ['org_id'], unique=False)

    op.create_table('consents',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('dossier_id', sa.Uuid(), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('type', sa.String(length=40), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('source', sa.String(length=60), nullable=False),
    sa.Column('proof', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.Column('captured_at', atlas_shared.db.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', atlas_shared.db.types.UtcDateTime(timezone=True), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('created_at', atlas_shared.db.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', atlas_shared.db.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('org_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossiers.id'], name=op.f('fk_consents_dossier_id_dossiers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consents')),
    sa.UniqueConstraint('org_id', 'dossier_id', 'channel', 'type', name=op.f('uq_consents_org_id'))
    )
    with op.batch_alter_table('consents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consents_org_id'), ['org_id'], unique=False)

    op.create_table('dossier_aliases',
    sa.Column('alias_id', sa.Uuid(), nullable=False),
    sa.Column('dossier_id', sa.Uuid(), nullable=False),
    sa.Column('reason', sa.String(length=60), nullable=False),
    sa.Column('created_at', atlas_shared.db.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('org_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossiers.id'], name=op.f('fk_dossier_aliases_dossier_id_dossiers')),
    sa.PrimaryKeyConstraint('alias_id', name=op.f('pk_dossier_aliases'))
    )
    with op.batch_alter_table('dossier_aliases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dossier_aliases_dossier_id'), ['dossier_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_dossier_aliases_org_id'), ['org_id'], unique=False)

    op.create_table('dossier_status_history',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('dossier_id', sa.Uuid(), nullable=False),
    sa.Column('case_type', sa.String(length=60), nullable=False),
    sa.Column('from_status', sa.String(length=60), nullable=True),
    sa.Column('to_status', sa.String(length=60), nullable=False),
    sa.Column('transition_code', sa.String(length=60), nullable=True),
    sa.Column('override', sa.Boolean(), nullable=False),
    sa.Column('actor', sa.String(length=100), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('loss_reason', sa.String(length=60), nullable=True),
    sa.Column('won_reason', sa.String(length=60), nullable=True),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('workflow_version', sa.Integer(), nullable=False),
    sa.Column('dossier_version', sa.Integer(), nullable=False),
    sa.Column('occurred_at', atlas_shared.db.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('org_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossiers.id'], name=op.f('fk_dossier_status_history_dossier_id_dossiers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dossier_status_history'))
    )
    with op.batch_alter_table('dossier_status_history', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dossier_status_history_org_id'), ['org_id'], unique=False)
        batch_op.create_index('ix_status_history_org_dossier', ['org_id', 'dossier_id', 'occurred_at'], unique=False)
        batch_op.create_index('ix_status_history_org_to', ['org_id', 'to_status', 'occurred_at'], unique=False)

    op.create_table('lead_intakes',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('intake_key', sa.String(length=120), nullable=False),
    sa.Column('case_id', sa.Uuid(), nullable=False),
    sa.Column('dossier_id', sa.Uuid(), nullable=False),
    sa.Column('merged', sa.Boolean(), nullable=False),
    sa.Column('created_at', atlas_shared.db.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('org_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossiers.id'], name=op.f('fk_lead_intakes_dossier_id_dossiers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lead_intakes')),
    sa.UniqueConstraint('org_id', 'intake_key', name=op.f('uq_lead_intakes_org_id'))
    )
    with op.batch_alter_table('lead_intakes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lead_intakes_org_id'), ['org_id'], unique=False)

    op.create_table('messages',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('dossier_id', sa.Uuid(), nullable=False),
    sa.Column('direction', sa.String(length=10), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('content', sa.Text(), nullable=True),
    sa.Column('recipient', sa.String(length=254), nullable=True),
    sa.Column('template_code', sa.String(length=100), nullable=True),
    sa.Column('template_language', sa.String(length=10), nullable=True),
    sa.Column('variables', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('occurred_at', atlas_shared.db.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('delivery_status', sa.String(length=20), nullable=True),
    sa.Column('delivery_version', sa.Integer(), nullable=False),
    sa.Column('delivery_error', sa.String(length=500), nullable=True),
    sa.Column('provider_message_id', sa.String(length=128), nullable=True),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('created_at', atlas_shared.db.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', atlas_shared.db.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', atlas_shared.db.types.UtcDateTime(timezone=True), nullable=True),
    sa.Column('deleted_by', sa.String(length=100), nullable=True),
    sa.Column('org_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossiers.id'], name=op.f('fk_messages_dossier_id_dossiers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_messages')),
    sa.UniqueConstraint('org_id', 'channel', 'provider_message_id', name=op.f('uq_messages_org_id'))
    )
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.create_index('ix_messages_org_channel_direction', ['org_id', 'channel', 'direction', 'occurred_at'], unique=False)
        batch_op.create_index('ix_messages_org_dossier_occurred', ['org_id', 'dossier_id', 'occurred_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_messages_org_id'), ['org_id'], unique=False)

    op.create_table('stakeholders',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('dossier_id', sa.Uuid(), nullable=False),
    sa.Column('role', sa.String(length=40), nullable=False),
    sa.Column('full_name', sa.String(length=200), nullable=False),
    sa.Column('first_name', sa.String(length=100), nullable=True),
    sa.Column('last_name', sa.String(length=100), nullable=True),
    sa.Column('phone', sa.String(length=32), nullable=True),
    sa.Column('phone_raw', sa.String(length=64), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('address', sa.String(length=300), nullable=True),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('created_at', atlas_shared.db.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', atlas_shared.db.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('org_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossiers.id'], name=op.f('fk_stakeholders_dossier_id_dossiers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stakeholders'))
    )
    with op.batch_alter_table('stakeholders', schema=None) as batch_op:
        batch_op.create_index('ix_stakeholders_org_dossier', ['org_id', 'dossier_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_stakeholders_org_id'), ['org_id'], unique=False)
        batch_op.create_index('ix_stakeholders_org_phone', ['org_id', 'phone'], unique=False)

    op.create_table('consent_history',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('consent_id', sa.Uuid(), nullable=False),
    sa.Column('dossier_id', sa.Uuid(), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('type', sa.String(length=40), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('source', sa.String(length=60), nullable=False),
    sa.Column('proof', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.Column('captured_at', atlas_shared.db.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', atlas_shared.db.types.UtcDateTime(timezone=True), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('actor', sa.String(length=100), nullable=False),
    sa.Column('recorded_at', atlas_shared.db.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('org_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['consent_id'], ['consents.id'], name=op.f('fk_consent_history_consent_id_consents')),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossiers.id'], name=op.f('fk_consent_history_dossier_id_dossiers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consent_history'))
    )
    with op.batch_alter_table('consent_history', schema=None) as batch_op:
        batch_op.create_index('ix_consent_history_org_consent', ['org_id', 'consent_id', 'version'], unique=False)
        batch_op.create_index(batch_op.f('ix_consent_history_org_id'), ['org_id'], unique=False)


def downgrade() -> None:
    for table in ('consent_history', 'stakeholders', 'messages', 'lead_intakes', 'dossier_status_history',
                  'dossier_aliases', 'consents', 'appointments', 'activities', 'workflow_definitions',
                  'reference_entries', 'org_settings', 'dossiers'):
        op.drop_table(table)
