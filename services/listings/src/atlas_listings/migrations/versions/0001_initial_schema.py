"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-27 00:32:54.902121
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
    op.create_table('annonces',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('status', sa.String(length=40), nullable=False),
    sa.Column('transaction_type', sa.String(length=20), nullable=False),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('price', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('surface_m2', sa.Numeric(precision=10, scale=2), nullable=True),
    sa.Column('rooms', sa.Integer(), nullable=True),
    sa.Column('bathrooms', sa.Integer(), nullable=True),
    sa.Column('amenities', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('city', sa.String(length=120), nullable=True),
    sa.Column('zone', sa.String(length=120), nullable=True),
    sa.Column('address_text', sa.String(length=300), nullable=True),
    sa.Column('lat', sa.Numeric(precision=9, scale=6), nullable=True),
    sa.Column('lng', sa.Numeric(precision=9, scale=6), nullable=True),
    sa.Column('contact_name', sa.String(length=120), nullable=True),
    sa.Column('contact_phone', sa.String(length=32), nullable=True),
    sa.Column('contact_phone_raw', sa.String(length=64), nullable=True),
    sa.Column('meta', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('slug', sa.String(length=100), nullable=False),
    sa.Column('quality_score', sa.Integer(), nullable=False),
    sa.Column('duplicate_score', sa.Integer(), nullable=False),
    sa.Column('owner_user_id', sa.String(length=100), nullable=True),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('published_at', atlas_shared.db.types.UtcDateTime(timezone=True), nullable=True),
    sa.Column('created_at', atlas_shared.db.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', atlas_shared.db.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('org_id', sa.Uuid(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_annonces'))
    )
    with op.batch_alter_table('annonces', schema=None) as batch_op:
        batch_op.create_index('ix_annonces_org_city', ['org_id', 'city'], unique=False)
        batch_op.create_index('ix_annonces_org_created', ['org_id', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_annonces_org_id'), ['org_id'], unique=False)
        batch_op.create_index('ix_annonces_org_status_created', ['org_id', 'status', 'created_at'], unique=False)

    create_platform_tables_v1()


def downgrade() -> None:
    drop_platform_tables_v1()
    op.drop_table('annonces')
