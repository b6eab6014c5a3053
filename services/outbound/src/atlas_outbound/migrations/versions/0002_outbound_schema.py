"""outbound schema: messages, attempts, idempotency keys, templates, consents, contact windows,
send counters and limits, provider configs, status callbacks, dead letters, sender heartbeats

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 00:53:35.994907
"""
from alembic import op
import sqlalchemy as sa
import atlas_shared.db.types
from sqlalchemy.dialects import postgresql

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('outbound_consents',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('subject_type', sa.String(length=20), nullable=False),
    sa.Column('subject_id', sa.String(length=64), nullable=False),
    sa.Column('dossier_id', sa.String(length=64), nullable=True),
    sa.Column('channel', sa.String(length=10), nullable=False),
    sa.Column('consent_type', sa.String(length=30), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('phone', sa.String(length=32), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('source', sa.String(length=40), nullable=True),
    sa.Column('proof', sa.Text(), nullable=True),
    sa.Column('captured_at', atlas_shared.db.types.UtcDateTime(timezone=True), nullable=True),
    sa.Column('expires_at', atlas_shared.db.types.UtcDateTime(timezone=True), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', atlas_shared.db.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('org_id', sa.Uuid(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbound_consents')),
    sa.UniqueConstraint('org_id', 'subject_type', 'subject_id', 'channel', 'consent_type', name='uq_outbound_consents_key')
    )
    with op.batch_alter_table('outbound_consents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbound_consents_org_id'), ['org_id'], unique=False)

    op.create_table('outbound_contact_windows',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('channel', sa.String(length=10), nullable=False),
    sa.Column('phone', sa.String(length=32), nullable=False),
    sa.Column('dossier_id', sa.String(length=64), nullable=True),
    sa.Column('last_inbound_at', atlas_shared.db.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('org_id', sa.Uuid(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbound_contact_windows')),
    sa.UniqueConstraint('org_id', 'channel', 'phone', name='uq_outbound_contact_windows_key')
    )
    with op.batch_alter_table('outbound_contact_windows', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbound_contact_windows_org_id'), ['org_id'], unique=False)

    op.create_table('outbound_idempotency_keys',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('request_hash', sa.String(length=64), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('message_id', sa.Uuid(), nullable=True),
    sa.Column('locked_until', atlas_shared.db.types.UtcDateTime(timezone=True), nullable=True),
    sa.Column('created_at', atlas_shared.db.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('org_id', sa.Uuid(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbound_idempotency_keys')),
    sa.UniqueConstraint('org_id', 'key', name='uq_outbound_idempotency_keys_org_key')
    )
    with op.batch_alter_table('outbound_idempotency_keys', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbound_idempotency_keys_org_id'), ['org_id'], unique=False)

    op.create_table('outbound_messages',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('source', sa.String(length=10), nullable=False),
    sa.Column('dossier_id', sa.Uuid(), nullable=True),
    sa.Column('subject_type', sa.String(length=20), nullable=False),
    sa.Column('subject_id', sa.String(length=64), nullable=True),
    sa.Column('channel', sa.String(length=10), nullable=False),
    sa.Column('recipient', sa.String(length=254), nullable=False),
    sa.Column('template_code', sa.String(length=60), nullable=True),
    sa.Column('template_language', sa.String(length=15), nullable=True),
    sa.Column('variables', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('template_values', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('text', sa.Text(), nullable=True),
    sa.Column('subject', sa.String(length=200), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('due_at', atlas_shared.db.types.UtcDateTime(timezone=True), nullable=True),
    sa.Column('attempt_count', sa.Integer(), nullable=False),
    sa.Column('retry_base', sa.Integer(), nullable=False),
    sa.Column('claimed_by', sa.String(length=120), nullable=True),
    sa.Column('claim_token', sa.Uuid(), nullable=True),
    sa.Column('provider_message_id', sa.String(length=128), nullable=True),
    sa.Column('last_error_code', sa.String(length=40), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('crm_message_id', sa.String(length=64), nullable=True),
    sa.Column('notification_key', sa.String(length=200), nullable=True),
    sa.Column('refs', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('consent_basis', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', atlas_shared.db.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', atlas_shared.db.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('sent_at', atlas_shared.db.types.UtcDateTime(timezone=True), nullable=True),
    sa.Column('delivered_at', atlas_shared.db.types.UtcDateTime(timezone=True), nullable=True),
    sa.Column('read_at', atlas_shared.db.types.UtcDateTime(timezone=True), nullable=True),
    sa.Column('failed_at', atlas_shared.db.types.UtcDateTime(timezone=True), nullable=True),
    sa.Column('org_id', sa.Uuid(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbound_messages')),
    sa.UniqueConstraint('org_id', 'crm_message_id', name='uq_outbound_messages_crm_message'),
    sa.UniqueConstraint('org_id', 'notification_key', name='uq_outbound_messages_notification'),
    sa.UniqueConstraint('provider_message_id', name=op.f('uq_outbound_messages_provider_message_id'))
    )
    with op.batch_alter_table('outbound_messages', schema=None) as batch_op:
        batch_op.create_index('ix_outbound_messages_due', ['due_at'], unique=False)
        batch_op.create_index('ix_outbound_messages_org_created', ['org_id', 'created_at'], unique=False)
        batch_op.create_index('ix_outbound_messages_org_dossier', ['org_id', 'dossier_id', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbound_messages_org_id'), ['org_id'], unique=False)
        batch_op.create_index('ix_outbound_messages_org_status', ['org_id', 'status'], unique=False)
        batch_op.create_index('ix_outbound_messages_recipient', ['org_id', 'channel', 'recipient', 'status'], unique=False)

    op.create_table('outbound_org_limits',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('daily_quota', sa.Integer(), nullable=False),
    sa.Column('per_minute', sa.Integer(), nullable=False),
    sa.Column('updated_by', sa.String(length=100), nullable=False),
    sa.Column('updated_at', atlas_shared.db.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('org_id', sa.Uuid(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbound_org_limits')),
    sa.UniqueConstraint('org_id', name='uq_outbound_org_limits_org')
    )
    with op.batch_alter_table('outbound_org_limits', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbound_org_limits_org_id'), ['org_id'], unique=False)

    op.create_table('outbound_provider_configs',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('channel', sa.String(length=10), nullable=False),
    sa.Column('account', sa.String(length=120), nullable=False),
    sa.Column('sender', sa.String(length=254), nullable=True),
    sa.Column('secret_encrypted', sa.Text(), nullable=True),
    sa.Column('secret_hint', sa.String(length=16), nullable=True),
    sa.Column('updated_by', sa.String(length=100), nullable=False),
    sa.Column('updated_at', atlas_shared.db.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('org_id', sa.Uuid(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbound_provider_configs')),
    sa.UniqueConstraint('org_id', 'channel', name='uq_outbound_provider_configs_channel')
    )
    with op.batch_alter_table('outbound_provider_configs', schema=None) as batch_op:
        batch_op.create_index('ix_outbound_provider_configs_account', ['channel', 'account'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbound_provider_configs_org_id'), ['org_id'], unique=False)

    op.create_table('outbound_send_counters',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('window_start', atlas_shared.db.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Uuid(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbound_send_counters')),
    sa.UniqueConstraint('org_id', 'kind', 'window_start', name='uq_outbound_send_counters_key')
    )
    with op.batch_alter_table('outbound_send_counters', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbound_send_counters_org_id'), ['org_id'], unique=False)

    op.create_table('outbound_senders',
    sa.Column('worker', sa.String(length=120), nullable=False),
    sa.Column('threads', sa.Integer(), nullable=False),
    sa.Column('started_at', atlas_shared.db.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', atlas_shared.db.types.UtcDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('worker', name=op.f('pk_outbound_senders'))
    )
    op.create_table('outbound_status_callbacks',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('provider_message_id', sa.String(length=128), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('occurred_at', atlas_shared.db.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('errors', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('message_id', sa.Uuid(), nullable=True),
    sa.Column('org_id', sa.Uuid(), nullable=True),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('received_at', atlas_shared.db.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('applied_at', atlas_shared.db.types.UtcDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbound_status_callbacks')),
    sa.UniqueConstraint('provider_message_id', 'status', name='uq_outbound_status_callbacks_key')
    )
    with op.batch_alter_table('outbound_status_callbacks', schema=None) as batch_op:
        batch_op.create_index('ix_outbound_status_callbacks_message', ['message_id'], unique=False)
        batch_op.create_index('ix_outbound_status_callbacks_pending', ['applied_at', 'received_at'], unique=False)

    op.create_table('outbound_templates',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('channel', sa.String(length=10), nullable=False),
    sa.Column('code', sa.String(length=60), nullable=False),
    sa.Column('language', sa.String(length=15), nullable=False),
    sa.Column('category', sa.String(length=20), nullable=False),
    sa.Column('variables', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('body', sa.Text(), nullable=True),
    sa.Column('subject', sa.String(length=200), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', atlas_shared.db.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', atlas_shared.db.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('org_id', sa.Uuid(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbound_templates')),
    sa.UniqueConstraint('org_id', 'channel', 'code', 'language', name='uq_outbound_templates_key')
    )
    with op.batch_alter_table('outbound_templates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbound_templates_org_id'), ['org_id'], unique=False)

    op.create_table('outbound_attempts',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('message_id', sa.Uuid(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=10), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('http_status', sa.Integer(), nullable=True),
    sa.Column('error_code', sa.String(length=40), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('provider_response', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.Column('next_retry_at', atlas_shared.db.types.UtcDateTime(timezone=True), nullable=True),
    sa.Column('worker', sa.String(length=120), nullable=True),
    sa.Column('duration_ms', sa.Integer(), nullable=True),
    sa.Column('started_at', atlas_shared.db.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('finished_at', atlas_shared.db.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('org_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['message_id'], ['outbound_messages.id'], name=op.f('fk_outbound_attempts_message_id_outbound_messages')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbound_attempts'))
    )
    with op.batch_alter_table('outbound_attempts', schema=None) as batch_op:
        batch_op.create_index('ix_outbound_attempts_finished', ['finished_at', 'channel'], unique=False)
        batch_op.create_index('ix_outbound_attempts_message', ['message_id', 'number'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbound_attempts_org_id'), ['org_id'], unique=False)

    op.create_table('outbound_dead_letters',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('message_id', sa.Uuid(), nullable=False),
    sa.Column('reason_code', sa.String(length=40), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('created_at', atlas_shared.db.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('resolved_at', atlas_shared.db.types.UtcDateTime(timezone=True), nullable=True),
    sa.Column('resolved_by', sa.String(length=100), nullable=True),
    sa.Column('org_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['message_id'], ['outbound_messages.id'], name=op.f('fk_outbound_dead_letters_message_id_outbound_messages')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbound_dead_letters'))
    )
    with op.batch_alter_table('outbound_dead_letters', schema=None) as batch_op:
        batch_op.create_index('ix_outbound_dead_letters_open', ['org_id', 'resolved_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbound_dead_letters_org_id'), ['org_id'], unique=False)


def downgrade() -> None:
    op.drop_table('outbound_dead_letters')
    op.drop_table('outbound_attempts')
    op.drop_table('outbound_templates')
    op.drop_table('outbound_status_callbacks')
    op.drop_table('outbound_senders')
    op.drop_table('outbound_send_counters')
    op.drop_table('outbound_provider_configs')
    op.drop_table('outbound_org_limits')
    op.drop_table('outbound_messages')
    op.drop_table('outbound_idempotency_keys')
    op.drop_table('outbound_contact_windows')
    op.drop_table('outbound_consents')
