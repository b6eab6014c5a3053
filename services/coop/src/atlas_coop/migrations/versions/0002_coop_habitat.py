"""coop habitat: groups, members, documents, plans, ledger, projects, lots, allocations,
timeline, notifications, tenant workflow versions

Revision ID: 0002
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa
import atlas_shared.db.types
from sqlalchemy.dialects import postgresql

# Statuses in which an allocation holds its lot (codes.ALLOC_ACTIVE, frozen here).
ACTIVE_ALLOCATION = sa.text("status IN ('COOP_ALLOC_PROPOSED', 'COOP_ALLOC_ELIGIBILITY_CHECK', 'COOP_ALLOC_APPROVED', 'COOP_ALLOC_ASSIGNED', 'COOP_ALLOC_SIGNED')")

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('coop_activities',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('group_id', sa.Uuid(), nullable=False),
    sa.Column('entity_type', sa.String(length=40), nullable=False),
    sa.Column('entity_id', sa.Uuid(), nullable=False),
    sa.Column('type', sa.String(length=30), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('data', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('actor', sa.String(length=100), nullable=False),
    sa.Column('created_at', atlas_shared.db.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('org_id', sa.Uuid(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_coop_activities'))
    )
    with op.batch_alter_table('coop_activities', schema=None) as batch_op:
        batch_op.create_index('ix_coop_activities_group_created', ['org_id', 'group_id', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_coop_activities_group_id'), ['group_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_coop_activities_org_id'), ['org_id'], unique=False)

    op.create_table('coop_groups',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('name', sa.String(length=160), nullable=False),
    sa.Column('city', sa.String(length=120), nullable=False),
    sa.Column('status', sa.String(length=60), nullable=False),
    sa.Column('previous_status', sa.String(length=60), nullable=True),
    sa.Column('rules', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', atlas_shared.db.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', atlas_shared.db.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('org_id', sa.Uuid(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_coop_groups'))
    )
    with op.batch_alter_table('coop_groups', schema=None) as batch_op:
        batch_op.create_index('ix_coop_groups_org_city', ['org_id', 'city'], unique=False)
        batch_op.create_index(batch_op.f('ix_coop_groups_org_id'), ['org_id'], unique=False)
        batch_op.create_index('ix_coop_groups_org_status', ['org_id', 'status'], unique=False)

    op.create_table('coop_notifications',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('notification_key', sa.String(length=300), nullable=False),
    sa.Column('group_id', sa.Uuid(), nullable=False),
    sa.Column('member_id', sa.Uuid(), nullable=False),
    sa.Column('template_code', sa.String(length=60), nullable=False),
    sa.Column('entity_type', sa.String(length=40), nullable=False),
    sa.Column('entity_id', sa.String(length=64), nullable=False),
    sa.Column('logical_event', sa.String(length=80), nullable=False),
    sa.Column('status', sa.String(length=30), nullable=False),
    sa.Column('variables', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('delivery_status', sa.String(length=20), nullable=True),
    sa.Column('delivery_error', sa.Text(), nullable=True),
    sa.Column('delivery_version', sa.Integer(), nullable=False),
    sa.Column('delivery_at', atlas_shared.db.types.UtcDateTime(timezone=True), nullable=True),
    sa.Column('created_at', atlas_shared.db.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('org_id', sa.Uuid(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_coop_notifications')),
    sa.UniqueConstraint('org_id', 'notification_key', name='uq_coop_notifications_key')
    )
    with op.batch_alter_table('coop_notifications', schema=None) as batch_op:
        batch_op.create_index('ix_coop_notifications_group', ['org_id', 'group_id', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_coop_notifications_org_id'), ['org_id'], unique=False)

    op.create_table('coop_workflow_versions',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('case_type', sa.String(length=40), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('definition', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.Column('problems', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('received_at', atlas_shared.db.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('org_id', sa.Uuid(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_coop_workflow_versions')),
    sa.UniqueConstraint('org_id', 'case_type', 'version', name='uq_coop_workflow_versions')
    )
    with op.batch_alter_table('coop_workflow_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_coop_workflow_versions_org_id'), ['org_id'], unique=False)

    op.create_table('coop_contribution_plans',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('group_id', sa.Uuid(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('effective_from', sa.Date(), nullable=False),
    sa.Column('instalments', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('indexation', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.Column('penalty', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.Column('grace_days', sa.Integer(), nullable=False),
    sa.Column('cutoff_date', sa.Date(), nullable=True),
    sa.Column('decision_document_id', sa.Uuid(), nullable=False),
    sa.Column('recalculation', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('created_at', atlas_shared.db.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('org_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['coop_groups.id'], name=op.f('fk_coop_contribution_plans_group_id_coop_groups')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_coop_contribution_plans')),
    sa.UniqueConstraint('group_id', 'version', name='uq_coop_contribution_plans_version')
    )
    with op.batch_alter_table('coop_contribution_plans', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_coop_contribution_plans_group_id'), ['group_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_coop_contribution_plans_org_id'), ['org_id'], unique=False)

    op.create_table('coop_documents',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('group_id', sa.Uuid(), nullable=False),
    sa.Column('entity_type', sa.String(length=40), nullable=False),
    sa.Column('entity_id', sa.Uuid(), nullable=False),
    sa.Column('type', sa.String(length=30), nullable=False),
    sa.Column('file_name', sa.String(length=200), nullable=False),
    sa.Column('content_type', sa.String(length=40), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('storage_key', sa.String(length=300), nullable=False),
    sa.Column('uploaded_by', sa.String(length=100), nullable=False),
    sa.Column('created_at', atlas_shared.db.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('org_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['coop_groups.id'], name=op.f('fk_coop_documents_group_id_coop_groups')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_coop_documents'))
    )
    with op.batch_alter_table('coop_documents', schema=None) as batch_op:
        batch_op.create_index('ix_coop_documents_entity', ['org_id', 'entity_type', 'entity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_coop_documents_group_id'), ['group_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_coop_documents_org_id'), ['org_id'], unique=False)

    op.create_table('coop_members',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('group_id', sa.Uuid(), nullable=False),
    sa.Column('display_name', sa.String(length=160), nullable=False),
    sa.Column('phone', sa.String(length=32), nullable=True),
    sa.Column('phone_raw', sa.String(length=64), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('status', sa.String(length=60), nullable=False),
    sa.Column('fifo_rank', sa.Integer(), nullable=True),
    sa.Column('user_id', sa.String(length=100), nullable=True),
    sa.Column('lot_preferences', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('in_dispute', sa.Boolean(), nullable=False),
    sa.Column('consent_status', sa.String(length=10), nullable=True),
    sa.Column('consent_proof', sa.Text(), nullable=True),
    sa.Column('consent_captured_at', atlas_shared.db.types.UtcDateTime(timezone=True), nullable=True),
    sa.Column('consent_version', sa.Integer(), nullable=False),
    sa.Column('joined_on', sa.Date(), nullable=False),
    sa.Column('replaces_member_id', sa.Uuid(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', atlas_shared.db.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', atlas_shared.db.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('org_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['coop_groups.id'], name=op.f('fk_coop_members_group_id_coop_groups')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_coop_members')),
    sa.UniqueConstraint('group_id', 'fifo_rank', name='uq_coop_members_group_rank')
    )
    with op.batch_alter_table('coop_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_coop_members_group_id'), ['group_id'], unique=False)
        batch_op.create_index('ix_coop_members_org_group_status', ['org_id', 'group_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_coop_members_org_id'), ['org_id'], unique=False)
        batch_op.create_index('ix_coop_members_org_user', ['org_id', 'user_id'], unique=False)

    op.create_table('coop_projects',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('group_id', sa.Uuid(), nullable=False),
    sa.Column('name', sa.String(length=160), nullable=False),
    sa.Column('status', sa.String(length=60), nullable=False),
    sa.Column('previous_status', sa.String(length=60), nullable=True),
    sa.Column('budget_total', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('milestones', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', atlas_shared.db.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', atlas_shared.db.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('org_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['coop_groups.id'], name=op.f('fk_coop_projects_group_id_coop_groups')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_coop_projects'))
    )
    with op.batch_alter_table('coop_projects', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_coop_projects_group_id'), ['group_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_coop_projects_org_id'), ['org_id'], unique=False)

    op.create_table('coop_contributions',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('group_id', sa.Uuid(), nullable=False),
    sa.Column('member_id', sa.Uuid(), nullable=False),
    sa.Column('plan_id', sa.Uuid(), nullable=False),
    sa.Column('plan_version', sa.Integer(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('base_amount', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('indexation_years', sa.Integer(), nullable=False),
    sa.Column('amount_due', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('penalty', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('penalty_periods', sa.Integer(), nullable=False),
    sa.Column('penalty_as_of', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('amount_paid', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('paid_date', sa.Date(), nullable=True),
    sa.Column('method', sa.String(length=40), nullable=True),
    sa.Column('proof_document_id', sa.Uuid(), nullable=True),
    sa.Column('declared_by', sa.String(length=100), nullable=True),
    sa.Column('decision_reason', sa.Text(), nullable=True),
    sa.Column('decided_by', sa.String(length=100), nullable=True),
    sa.Column('decided_at', atlas_shared.db.types.UtcDateTime(timezone=True), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', atlas_shared.db.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', atlas_shared.db.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('org_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['coop_groups.id'], name=op.f('fk_coop_contributions_group_id_coop_groups')),
    sa.ForeignKeyConstraint(['member_id'], ['coop_members.id'], name=op.f('fk_coop_contributions_member_id_coop_members')),
    sa.ForeignKeyConstraint(['plan_id'], ['coop_contribution_plans.id'], name=op.f('fk_coop_contributions_plan_id_coop_contribution_plans')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_coop_contributions')),
    sa.UniqueConstraint('member_id', 'due_date', name='uq_coop_contributions_member_due')
    )
    with op.batch_alter_table('coop_contributions', schema=None) as batch_op:
        batch_op.create_index('ix_coop_contributions_group', ['org_id', 'group_id', 'due_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_coop_contributions_org_id'), ['org_id'], unique=False)
        batch_op.create_index('ix_coop_contributions_status_due', ['org_id', 'status', 'due_date'], unique=False)

    op.create_table('coop_lots',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('project_id', sa.Uuid(), nullable=False),
    sa.Column('group_id', sa.Uuid(), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('type', sa.String(length=40), nullable=False),
    sa.Column('surface_m2', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('floor', sa.Integer(), nullable=True),
    sa.Column('price_reference', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('created_at', atlas_shared.db.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', atlas_shared.db.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('org_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['coop_projects.id'], name=op.f('fk_coop_lots_project_id_coop_projects')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_coop_lots')),
    sa.UniqueConstraint('project_id', 'code', name='uq_coop_lots_project_code')
    )
    with op.batch_alter_table('coop_lots', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_coop_lots_org_id'), ['org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_coop_lots_project_id'), ['project_id'], unique=False)

    op.create_table('coop_allocations',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('group_id', sa.Uuid(), nullable=False),
    sa.Column('project_id', sa.Uuid(), nullable=False),
    sa.Column('lot_id', sa.Uuid(), nullable=False),
    sa.Column('member_id', sa.Uuid(), nullable=False),
    sa.Column('fifo_rank', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=40), nullable=False),
    sa.Column('cutoff_date', sa.Date(), nullable=False),
    sa.Column('explanation', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('decision_document_id', sa.Uuid(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('proposed_by', sa.String(length=100), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', atlas_shared.db.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', atlas_shared.db.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('org_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['coop_groups.id'], name=op.f('fk_coop_allocations_group_id_coop_groups')),
    sa.ForeignKeyConstraint(['lot_id'], ['coop_lots.id'], name=op.f('fk_coop_allocations_lot_id_coop_lots')),
    sa.ForeignKeyConstraint(['member_id'], ['coop_members.id'], name=op.f('fk_coop_allocations_member_id_coop_members')),
    sa.ForeignKeyConstraint(['project_id'], ['coop_projects.id'], name=op.f('fk_coop_allocations_project_id_coop_projects')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_coop_allocations'))
    )
    with op.batch_alter_table('coop_allocations', schema=None) as batch_op:
        batch_op.create_index('ix_coop_allocations_group', ['org_id', 'group_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_coop_allocations_org_id'), ['org_id'], unique=False)
        batch_op.create_index('uq_coop_allocations_active_lot', ['lot_id'], unique=True, postgresql_where=ACTIVE_ALLOCATION, sqlite_where=ACTIVE_ALLOCATION)
        batch_op.create_index('uq_coop_allocations_active_member', ['project_id', 'member_id'], unique=True, postgresql_where=ACTIVE_ALLOCATION, sqlite_where=ACTIVE_ALLOCATION)


def downgrade() -> None:
    with op.batch_alter_table('coop_allocations', schema=None) as batch_op:
        batch_op.drop_index('uq_coop_allocations_active_member', postgresql_where=ACTIVE_ALLOCATION, sqlite_where=ACTIVE_ALLOCATION)
        batch_op.drop_index('uq_coop_allocations_active_lot', postgresql_where=ACTIVE_ALLOCATION, sqlite_where=ACTIVE_ALLOCATION)
        batch_op.drop_index(batch_op.f('ix_coop_allocations_org_id'))
        batch_op.drop_index('ix_coop_allocations_group')

    op.drop_table('coop_allocations')
    with op.batch_alter_table('coop_lots', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_coop_lots_project_id'))
        batch_op.drop_index(batch_op.f('ix_coop_lots_org_id'))

    op.drop_table('coop_lots')
    with op.batch_alter_table('coop_contributions', schema=None) as batch_op:
        batch_op.drop_index('ix_coop_contributions_status_due')
        batch_op.drop_index(batch_op.f('ix_coop_contributions_org_id'))
        batch_op.drop_index('ix_coop_contributions_group')

    op.drop_table('coop_contributions')
    with op.batch_alter_table('coop_projects', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_coop_projects_org_id'))
        batch_op.drop_index(batch_op.f('ix_coop_projects_group_id'))

    op.drop_table('coop_projects')
    with op.batch_alter_table('coop_members', schema=None) as batch_op:
        batch_op.drop_index('ix_coop_members_org_user')
        batch_op.drop_index(batch_op.f('ix_coop_members_org_id'))
        batch_op.drop_index('ix_coop_members_org_group_status')
        batch_op.drop_index(batch_op.f('ix_coop_members_group_id'))

    op.drop_table('coop_members')
    with op.batch_alter_table('coop_documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_coop_documents_org_id'))
        batch_op.drop_index(batch_op.f('ix_coop_documents_group_id'))
        batch_op.drop_index('ix_coop_documents_entity')

    op.drop_table('coop_documents')
    with op.batch_alter_table('coop_contribution_plans', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_coop_contribution_plans_org_id'))
        batch_op.drop_index(batch_op.f('ix_coop_contribution_plans_group_id'))

    op.drop_table('coop_contribution_plans')
    with op.batch_alter_table('coop_workflow_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_coop_workflow_versions_org_id'))

    op.drop_table('coop_workflow_versions')
    with op.batch_alter_table('coop_notifications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_coop_notifications_org_id'))
        batch_op.drop_index('ix_coop_notifications_group')

    op.drop_table('coop_notifications')
    with op.batch_alter_table('coop_groups', schema=None) as batch_op:
        batch_op.drop_index('ix_coop_groups_org_status')
        batch_op.drop_index(batch_op.f('ix_coop_groups_org_id'))
        batch_op.drop_index('ix_coop_groups_org_city')

    op.drop_table('coop_groups')
    with op.batch_alter_table('coop_activities', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_coop_activities_org_id'))
        batch_op.drop_index(batch_op.f('ix_coop_activities_group_id'))
        batch_op.drop_index('ix_coop_activities_group_created')

    op.drop_table('coop_activities')
