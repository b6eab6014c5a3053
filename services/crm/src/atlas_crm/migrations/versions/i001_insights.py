"""insights: listing projection, search documents, WhatsApp deliveries

On PostgreSQL the search documents also get a stored generated tsvector (title words weighted A,
body words B) with a GIN index; SQLite searches the same folded words with LIKE. Existing rows are
indexed here (adapters/search_sync.reindex).

Revision ID: i001_insights
Revises: 0004_crm_seed_workflows
Create Date: 2026-11-27 01:00:33.463463
"""
from alembic import op
import sqlalchemy as sa
import atlas_shared.db.types
from sqlalchemy.dialects import postgresql

revision = 'i001_insights'
down_revision = '0004_crm_seed_workflows'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('listing_projections',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=40), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('transaction_type', sa.String(length=20), nullable=True),
    sa.Column('price', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('currency', sa.String(length=3), nullable=True),
    sa.Column('city', sa.String(length=120), nullable=True),
    sa.Column('zone', sa.String(length=120), nullable=True),
    sa.Column('slug', sa.String(length=200), nullable=True),
    sa.Column('published_at', atlas_shared.db.types.UtcDateTime(timezone=True), nullable=True),
    sa.Column('updated_at', atlas_shared.db.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('org_id', sa.Uuid(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_listing_projections'))
    )
    with op.batch_alter_table('listing_projections', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_listing_projections_org_id'), ['org_id'], unique=False)

    op.create_table('search_documents',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('entity_id', sa.String(length=64), nullable=False),
    sa.Column('dossier_id', sa.Uuid(), nullable=True),
    sa.Column('label', sa.String(length=300), nullable=False),
    sa.Column('snippet', sa.String(length=500), nullable=True),
    sa.Column('title_words', sa.Text(), nullable=False),
    sa.Column('body_words', sa.Text(), nullable=False),
    sa.Column('occurred_at', atlas_shared.db.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('org_id', sa.Uuid(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_search_documents')),
    sa.UniqueConstraint('org_id', 'kind', 'entity_id', name=op.f('uq_search_documents_org_id'))
    )
    with op.batch_alter_table('search_documents', schema=None) as batch_op:
        batch_op.create_index('ix_search_documents_org_dossier', ['org_id', 'dossier_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_search_documents_org_id'), ['org_id'], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        # Folded in Python (domain/search_text.py), so the 'simple' configuration is enough.
        op.execute("ALTER TABLE search_documents ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ("
                   "setweight(to_tsvector('simple', title_words), 'A') || "
                   "setweight(to_tsvector('simple', body_words), 'B')) STORED")
        op.execute("CREATE INDEX ix_search_documents_vector ON search_documents USING gin (search_vector)")

    op.create_table('whatsapp_deliveries',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('body_sha256', sa.String(length=64), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('phone_number_ids', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('outcome', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('correlation_id', sa.String(length=128), nullable=True),
    sa.Column('received_at', atlas_shared.db.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('processed_at', atlas_shared.db.types.UtcDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_whatsapp_deliveries')),
    sa.UniqueConstraint('body_sha256', name=op.f('uq_whatsapp_deliveries_body_sha256'))
    )
    with op.batch_alter_table('whatsapp_deliveries', schema=None) as batch_op:
        batch_op.create_index('ix_whatsapp_deliveries_status_received', ['status', 'received_at'], unique=False)

    from atlas_crm.adapters.search_sync import reindex
    reindex(op.get_bind())



def downgrade() -> None:
    with op.batch_alter_table('whatsapp_deliveries', schema=None) as batch_op:
        batch_op.drop_index('ix_whatsapp_deliveries_status_received')

    op.drop_table('whatsapp_deliveries')
    with op.batch_alter_table('search_documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_search_documents_org_id'))
        batch_op.drop_index('ix_search_documents_org_dossier')

    op.drop_table('search_documents')
    with op.batch_alter_table('listing_projections', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_listing_projections_org_id'))

    op.drop_table('listing_projections')
