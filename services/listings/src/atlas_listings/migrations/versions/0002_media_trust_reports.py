"""listing media, org listing settings, public reports and counters, duplicate override

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 00:44:05.692342
"""
import sqlalchemy as sa
from alembic import op

import atlas_shared.db.types

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('listing_event_counters',
    sa.Column('listing_id', sa.Uuid(), nullable=False),
    sa.Column('event_type', sa.String(length=40), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('last_at', atlas_shared.db.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('org_id', sa.Uuid(), nullable=False),
    sa.PrimaryKeyConstraint('listing_id', 'event_type', name=op.f('pk_listing_event_counters'))
    )
    with op.batch_alter_table('listing_event_counters', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_listing_event_counters_org_id'), ['org_id'], unique=False)

    op.create_table('listing_reports',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('listing_id', sa.Uuid(), nullable=False),
    sa.Column('reason_code', sa.String(length=40), nullable=False),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('reporter_contact', sa.String(length=200), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('resolution_note', sa.Text(), nullable=True),
    sa.Column('submitted_at', atlas_shared.db.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.String(length=100), nullable=True),
    sa.Column('updated_at', atlas_shared.db.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('org_id', sa.Uuid(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_listing_reports'))
    )
    with op.batch_alter_table('listing_reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_listing_reports_org_id'), ['org_id'], unique=False)
        batch_op.create_index('ix_listing_reports_org_listing', ['org_id', 'listing_id'], unique=False)
        batch_op.create_index('ix_listing_reports_org_status', ['org_id', 'status', 'submitted_at'], unique=False)

    op.create_table('listing_settings',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('quality_threshold', sa.Integer(), nullable=False),
    sa.Column('duplicate_threshold', sa.Integer(), nullable=False),
    sa.Column('min_photos', sa.Integer(), nullable=False),
    sa.Column('updated_by', sa.String(length=100), nullable=False),
    sa.Column('updated_at', atlas_shared.db.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('org_id', sa.Uuid(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_listing_settings'))
    )
    with op.batch_alter_table('listing_settings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_listing_settings_org_id'), ['org_id'], unique=False)
        batch_op.create_index('uq_listing_settings_org', ['org_id'], unique=True)

    op.create_table('listing_media',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('listing_id', sa.Uuid(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('file_name', sa.String(length=200), nullable=False),
    sa.Column('content_type', sa.String(length=40), nullable=False),
    sa.Column('declared_size', sa.BigInteger(), nullable=False),
    sa.Column('byte_size', sa.BigInteger(), nullable=True),
    sa.Column('sha256', sa.String(length=64), nullable=True),
    sa.Column('storage_key', sa.String(length=300), nullable=False),
    sa.Column('thumbnail_key', sa.String(length=300), nullable=True),
    sa.Column('url', sa.String(length=500), nullable=True),
    sa.Column('thumbnail_url', sa.String(length=500), nullable=True),
    sa.Column('width', sa.Integer(), nullable=True),
    sa.Column('height', sa.Integer(), nullable=True),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.Column('is_primary', sa.Boolean(), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('created_at', atlas_shared.db.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('finalized_at', atlas_shared.db.types.UtcDateTime(timezone=True), nullable=True),
    sa.Column('org_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['listing_id'], ['annonces.id'], name=op.f('fk_listing_media_listing_id_annonces')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_listing_media'))
    )
    with op.batch_alter_table('listing_media', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_listing_media_listing_id'), ['listing_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_listing_media_org_id'), ['org_id'], unique=False)
        batch_op.create_index('ix_listing_media_sha256', ['sha256'], unique=False)
        batch_op.create_index('uq_listing_media_listing_sha256', ['listing_id', 'sha256'], unique=True)

    with op.batch_alter_table('annonces', schema=None) as batch_op:
        batch_op.add_column(sa.Column('suspension_reason', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('duplicate_override_score', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('duplicate_override_by', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('duplicate_override_at', atlas_shared.db.types.UtcDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('duplicate_override_reason', sa.String(length=1000), nullable=True))
        batch_op.create_index('ix_annonces_contact_phone', ['contact_phone'], unique=False)
        batch_op.create_index('ix_annonces_city_zone', ['city', 'zone'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('annonces', schema=None) as batch_op:
        batch_op.drop_index('ix_annonces_city_zone')
        batch_op.drop_index('ix_annonces_contact_phone')
        batch_op.drop_column('duplicate_override_reason')
        batch_op.drop_column('duplicate_override_at')
        batch_op.drop_column('duplicate_override_by')
        batch_op.drop_column('duplicate_override_score')
        batch_op.drop_column('suspension_reason')

    with op.batch_alter_table('listing_media', schema=None) as batch_op:
        batch_op.drop_index('uq_listing_media_listing_sha256')
        batch_op.drop_index('ix_listing_media_sha256')
        batch_op.drop_index(batch_op.f('ix_listing_media_org_id'))
        batch_op.drop_index(batch_op.f('ix_listing_media_listing_id'))

    op.drop_table('listing_media')
    with op.batch_alter_table('listing_settings', schema=None) as batch_op:
        batch_op.drop_index('uq_listing_settings_org')
        batch_op.drop_index(batch_op.f('ix_listing_settings_org_id'))

    op.drop_table('listing_settings')
    with op.batch_alter_table('listing_reports', schema=None) as batch_op:
        batch_op.drop_index('ix_listing_reports_org_status')
        batch_op.drop_index('ix_listing_reports_org_listing')
        batch_op.drop_index(batch_op.f('ix_listing_reports_org_id'))

    op.drop_table('listing_reports')
    with op.batch_alter_table('listing_event_counters', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_listing_event_counters_org_id'))

    op.drop_table('listing_event_counters')
