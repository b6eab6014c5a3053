"""coop_contributions: two composite foreign keys instead of three single ones

An instalment's member and plan must belong to the instalment's group: (member_id, group_id) references
coop_members (id, group_id) and (plan_id, group_id) references coop_contribution_plans (id, group_id).
That is stricter than before (a member or plan of another group is refused) and implies the group's
existence (members and plans reference coop_groups), so the single foreign key on group_id goes: two
checks per instalment written instead of three (each is a per-row trigger on PostgreSQL, about a sixth
of the server's time when funding opens for 2,000 members × 60 instalments).

Revision ID: 0004
Revises: 0003
"""
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('coop_members', schema=None) as batch_op:
        batch_op.create_unique_constraint('uq_coop_members_id_group', ['id', 'group_id'])
    with op.batch_alter_table('coop_contribution_plans', schema=None) as batch_op:
        batch_op.create_unique_constraint('uq_coop_contribution_plans_id_group', ['id', 'group_id'])
    with op.batch_alter_table('coop_contributions', schema=None) as batch_op:
        batch_op.drop_constraint('fk_coop_contributions_group_id_coop_groups', type_='foreignkey')
        batch_op.drop_constraint('fk_coop_contributions_member_id_coop_members', type_='foreignkey')
        batch_op.drop_constraint('fk_coop_contributions_plan_id_coop_contribution_plans', type_='foreignkey')
        batch_op.create_foreign_key('fk_coop_contributions_member_group', 'coop_members',
                                    ['member_id', 'group_id'], ['id', 'group_id'])
        batch_op.create_foreign_key('fk_coop_contributions_plan_group', 'coop_contribution_plans',
                                    ['plan_id', 'group_id'], ['id', 'group_id'])


def downgrade() -> None:
    with op.batch_alter_table('coop_contributions', schema=None) as batch_op:
        batch_op.drop_constraint('fk_coop_contributions_plan_group', type_='foreignkey')
        batch_op.drop_constraint('fk_coop_contributions_member_group', type_='foreignkey')
        batch_op.create_foreign_key('fk_coop_contributions_plan_id_coop_contribution_plans',
                                    'coop_contribution_plans', ['plan_id'], ['id'])
        batch_op.create_foreign_key('fk_coop_contributions_member_id_coop_members', 'coop_members',
                                    ['member_id'], ['id'])
        batch_op.create_foreign_key('fk_coop_contributions_group_id_coop_groups', 'coop_groups',
                                    ['group_id'], ['id'])
    with op.batch_alter_table('coop_contribution_plans', schema=None) as batch_op:
        batch_op.drop_constraint('uq_coop_contribution_plans_id_group', type_='unique')
    with op.batch_alter_table('coop_members', schema=None) as batch_op:
        batch_op.drop_constraint('uq_coop_members_id_group', type_='unique')
