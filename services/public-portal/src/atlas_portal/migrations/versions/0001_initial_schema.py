"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-27 00:36:14.484515
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import atlas_shared.db.types
from atlas_shared.db.migrations import create_platform_tables_v1, drop_platform_tables_v1

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('public_listings',
    sa.Column('listing_id', sa.Uuid(), nullable=False),
    sa.Column('org_id', sa.Uuid(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=40), nullable=False),
    sa.Column('visible', sa.Boolean(), nullable=False),
    sa.Column('slug', sa.String(length=100), nullable=False),
    sa.Column('tx', sa.String(length=10), nullable=True),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('price', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('surface_m2', sa.Numeric(precision=10, scale=2), nullable=True),
    sa.Column('rooms', sa.Integer(), nullable=True),
    sa.Column('bathrooms', sa.Integer(), nullable=True),
    sa.Column('amenities', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('city', sa.String(length=120), nullable=True),
    sa.Column('city_key', sa.String(length=120), nullable=True),
    sa.Column('zone', sa.String(length=120), nullable=True),
    sa.Column('zone_key', sa.String(length=120), nullable=True),
    sa.Column('lat', sa.Numeric(precision=9, scale=6), nullable=True),
    sa.Column('lng', sa.Numeric(precision=9, scale=6), nullable=True),
    sa.Column('media', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('thumbnail_url', sa.String(length=500), nullable=True),
    sa.Column('published_at', atlas_shared.db.types.UtcDateTime(timezone=True), nullable=True),
    sa.Column('updated_at', atlas_shared.db.types.UtcDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('listing_id', name=op.f('pk_public_listings'))
    )
    with op.batch_alter_table('public_listings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_public_listings_org_id'), ['org_id'], unique=False)
        batch_op.create_index('ix_public_listings_visible_city_tx_price', ['visible', 'city_key', 'tx', 'price'], unique=False)
        batch_op.create_index('ix_public_listings_visible_price', ['visible', 'price'], unique=False)
        batch_op.create_index('ix_public_listings_visible_published', ['visible', 'published_at'], unique=False)

    create_platform_tables_v1()


def downgrade() -> None:
    drop_platform_tables_v1()
    op.drop_table('public_listings')
