"""full-text search, slug history, leads, public reports and demo requests

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 00:52:17.551632
"""
from alembic import op
import sqlalchemy as sa
import atlas_shared.db.types


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('demo_requests',
    sa.Column('case_id', sa.Uuid(), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('full_name', sa.String(length=120), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('phone', sa.String(length=32), nullable=True),
    sa.Column('company', sa.String(length=200), nullable=True),
    sa.Column('ip', sa.String(length=64), nullable=True),
    sa.Column('submitted_at', atlas_shared.db.types.UtcDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('case_id', name=op.f('pk_demo_requests'))
    )
    with op.batch_alter_table('demo_requests', schema=None) as batch_op:
        batch_op.create_index('ix_demo_requests_resubmission', ['fingerprint', 'submitted_at'], unique=False)

    op.create_table('leads',
    sa.Column('lead_id', sa.Uuid(), nullable=False),
    sa.Column('case_id', sa.Uuid(), nullable=False),
    sa.Column('listing_id', sa.Uuid(), nullable=False),
    sa.Column('org_id', sa.Uuid(), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('idempotency_key', sa.String(length=200), nullable=True),
    sa.Column('full_name', sa.String(length=120), nullable=False),
    sa.Column('phone', sa.String(length=32), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('message', sa.Text(), nullable=True),
    sa.Column('channel', sa.String(length=20), nullable=True),
    sa.Column('ip', sa.String(length=64), nullable=True),
    sa.Column('submitted_at', atlas_shared.db.types.UtcDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('lead_id', name=op.f('pk_leads'))
    )
    with op.batch_alter_table('leads', schema=None) as batch_op:
        batch_op.create_index('ix_leads_resubmission', ['listing_id', 'fingerprint', 'submitted_at'], unique=False)
        batch_op.create_index('uq_leads_idempotency_key', ['idempotency_key'], unique=True)

    op.create_table('public_listing_slugs',
    sa.Column('listing_id', sa.Uuid(), nullable=False),
    sa.Column('slug', sa.String(length=100), nullable=False),
    sa.Column('first_seen_at', atlas_shared.db.types.UtcDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('listing_id', 'slug', name=op.f('pk_public_listing_slugs'))
    )
    op.create_table('public_reports',
    sa.Column('report_id', sa.Uuid(), nullable=False),
    sa.Column('listing_id', sa.Uuid(), nullable=False),
    sa.Column('org_id', sa.Uuid(), nullable=False),
    sa.Column('reason_code', sa.String(length=40), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('ip', sa.String(length=64), nullable=True),
    sa.Column('submitted_at', atlas_shared.db.types.UtcDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('report_id', name=op.f('pk_public_reports'))
    )
    with op.batch_alter_table('public_reports', schema=None) as batch_op:
        batch_op.create_index('ix_public_reports_resubmission', ['listing_id', 'fingerprint', 'submitted_at'], unique=False)

    with op.batch_alter_table('public_listings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('search_text', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('whatsapp_phone', sa.String(length=32), nullable=True))

        batch_op.create_index('ix_public_listings_visible_city_published', ['visible', 'city_key', 'published_at'], unique=False)
        batch_op.create_index('ix_public_listings_visible_city_tx_published', ['visible', 'city_key', 'tx', 'published_at'], unique=False)
        batch_op.create_index('ix_public_listings_visible_tx_published', ['visible', 'tx', 'published_at'], unique=False)

    _reindex_existing_rows()
    if op.get_bind().dialect.name == "postgresql":
        # Words are folded in Python (no unaccent extension), so the 'simple' configuration suffices;
        # the vector is stored so that filtering a row never recomputes it.
        op.execute("ALTER TABLE public_listings ADD COLUMN search_vector tsvector "
                   "GENERATED ALWAYS AS (to_tsvector('simple', search_text)) STORED")
        op.execute("CREATE INDEX ix_public_listings_search ON public_listings USING gin (search_vector)")


def _reindex_existing_rows() -> None:
    """Rows written before this revision: searchable text, URL keys and their first slug."""
    from atlas_portal.domain.text import place_key, searchable

    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT listing_id, slug, title, description, city, zone "
                                "FROM public_listings")).all()
    for listing_id, slug, title, description, city, zone in rows:
        bind.execute(sa.text("UPDATE public_listings SET search_text = :t, city_key = :c, zone_key = :z "
                             "WHERE listing_id = :id"),
                     {"t": searchable(title, description, city, zone), "c": place_key(city),
                      "z": place_key(zone), "id": listing_id})
        bind.execute(sa.text("INSERT INTO public_listing_slugs (listing_id, slug, first_seen_at) "
                             "VALUES (:id, :slug, CURRENT_TIMESTAMP)"), {"id": listing_id, "slug": slug})



def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX ix_public_listings_search")
        op.execute("ALTER TABLE public_listings DROP COLUMN search_vector")
    with op.batch_alter_table('public_listings', schema=None) as batch_op:
        batch_op.drop_index('ix_public_listings_visible_tx_published')
        batch_op.drop_index('ix_public_listings_visible_city_tx_published')
        batch_op.drop_index('ix_public_listings_visible_city_published')
        batch_op.drop_column('whatsapp_phone')
        batch_op.drop_column('search_text')

    with op.batch_alter_table('public_reports', schema=None) as batch_op:
        batch_op.drop_index('ix_public_reports_resubmission')

    op.drop_table('public_reports')
    op.drop_table('public_listing_slugs')
    with op.batch_alter_table('leads', schema=None) as batch_op:
        batch_op.drop_index('uq_leads_idempotency_key')
        batch_op.drop_index('ix_leads_resubmission')

    op.drop_table('leads')
    with op.batch_alter_table('demo_requests', schema=None) as batch_op:
        batch_op.drop_index('ix_demo_requests_resubmission')

    op.drop_table('demo_requests')
