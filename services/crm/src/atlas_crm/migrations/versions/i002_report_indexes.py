"""reporting indexes: moves and messages over a date range, a dossier's first outbound message,
open dossiers by idleness, overdue tasks (chosen from EXPLAIN ANALYZE with bench/crm on 100,000
dossiers; see the service README)

Revision ID: i002_report_indexes
Revises: i001_insights
Create Date: 2026-11-27 01:51:46.926644
"""
from alembic import op
import sqlalchemy as sa


revision = 'i002_report_indexes'
down_revision = 'i001_insights'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('activities', schema=None) as batch_op:
        batch_op.create_index('ix_activities_org_type_done_due', ['org_id', 'type', 'done', 'due_at'], unique=False)

    with op.batch_alter_table('dossier_status_history', schema=None) as batch_op:
        batch_op.create_index('ix_status_history_org_occurred', ['org_id', 'occurred_at'], unique=False)
        batch_op.create_index('ix_status_history_org_dossier_to', ['org_id', 'dossier_id', 'to_status'], unique=False)

    with op.batch_alter_table('dossiers', schema=None) as batch_op:
        batch_op.create_index('ix_dossiers_org_open_activity', ['org_id', 'last_activity_at'], unique=False, postgresql_where=sa.text('closed_at IS NULL'), sqlite_where=sa.text('closed_at IS NULL'))

    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.create_index('ix_messages_org_dossier_direction', ['org_id', 'dossier_id', 'direction', 'occurred_at'], unique=False, postgresql_where=sa.text('deleted_at IS NULL'), sqlite_where=sa.text('deleted_at IS NULL'))
        batch_op.create_index('ix_messages_org_occurred', ['org_id', 'occurred_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.drop_index('ix_messages_org_occurred')
        batch_op.drop_index('ix_messages_org_dossier_direction', postgresql_where=sa.text('deleted_at IS NULL'), sqlite_where=sa.text('deleted_at IS NULL'))

    with op.batch_alter_table('dossiers', schema=None) as batch_op:
        batch_op.drop_index('ix_dossiers_org_open_activity', postgresql_where=sa.text('closed_at IS NULL'), sqlite_where=sa.text('closed_at IS NULL'))

    with op.batch_alter_table('dossier_status_history', schema=None) as batch_op:
        batch_op.drop_index('ix_status_history_org_dossier_to')
        batch_op.drop_index('ix_status_history_org_occurred')

    with op.batch_alter_table('activities', schema=None) as batch_op:
        batch_op.drop_index('ix_activities_org_type_done_due')

