"""dossiers: the milestones every report asks of a lead

Revision ID: 0009_crm_dossier_milestones
Revises: 0008_crm_history_entered_at

When the dossier was first answered (its earliest outbound message, not deleted, at or after its
creation), how far along the funnel its status history went (1 contacted, 2 qualified, 3 visit, 4
won; 0 not past created), whether it was ever lost, whether a visit is booked (an appointment not
cancelled). First response, agents, the funnel, conversion and the dashboard looked each of them up
per lead (four index probes per lead of the range); adapters/milestones.py keeps them from now on,
and existing dossiers are filled here with the same definitions (frozen: the codes as shipped).

The open dossiers waiting for someone (dashboard, to-handle) are read from one index only on
PostgreSQL: the partial index of open dossiers by idleness also carries the id and the first answer,
and the overdue-tasks index the task's dossier (bench/crm: to-handle 17.6 → 6.7 ms per query).
"""
import sqlalchemy as sa
from alembic import op

revision = "0009_crm_dossier_milestones"
down_revision = "0008_crm_history_entered_at"
branch_labels = None
depends_on = None

FILL = """
UPDATE dossiers SET
  first_answered_at = (
    SELECT min(m.occurred_at) FROM messages m
    WHERE m.org_id = dossiers.org_id AND m.dossier_id = dossiers.id AND m.direction = 'OUTBOUND'
      AND m.deleted_at IS NULL AND m.occurred_at >= dossiers.created_at),
  furthest_stage = coalesce((
    SELECT max(CASE WHEN h.to_status = 'CRM_CONTACTED' THEN 1
                    WHEN h.to_status IN ('CRM_QUALIFIED', 'B2B_QUALIFIED') THEN 2
                    WHEN h.to_status IN ('CRM_VISIT_PLANNED', 'CRM_VISIT_DONE', 'B2B_SCHEDULED',
                                         'B2B_DONE') THEN 3
                    ELSE 4 END)
    FROM dossier_status_history h
    WHERE h.org_id = dossiers.org_id AND h.dossier_id = dossiers.id
      AND h.to_status IN ('CRM_CONTACTED', 'CRM_QUALIFIED', 'B2B_QUALIFIED', 'CRM_VISIT_PLANNED',
                          'CRM_VISIT_DONE', 'B2B_SCHEDULED', 'B2B_DONE', 'CRM_CLOSED_WON', 'B2B_WON')), 0),
  ever_lost = EXISTS (
    SELECT 1 FROM dossier_status_history h
    WHERE h.org_id = dossiers.org_id AND h.dossier_id = dossiers.id
      AND h.to_status IN ('CRM_CLOSED_LOST', 'B2B_LOST')),
  visit_booked = EXISTS (
    SELECT 1 FROM appointments a
    WHERE a.org_id = dossiers.org_id AND a.dossier_id = dossiers.id AND a.status <> 'APPOINT_CANCELLED')
"""


OPEN = sa.text("closed_at IS NULL")


def upgrade() -> None:
    with op.batch_alter_table("dossiers") as batch:
        batch.add_column(sa.Column("first_answered_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("furthest_stage", sa.SmallInteger(), nullable=False,
                                   server_default=sa.text("0")))
        batch.add_column(sa.Column("ever_lost", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("visit_booked", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.drop_index("ix_dossiers_org_open_activity", postgresql_where=OPEN, sqlite_where=OPEN)
    op.execute(FILL)
    with op.batch_alter_table("dossiers") as batch:
        batch.create_index("ix_dossiers_org_open_waiting", ["org_id", "last_activity_at", "id"],
                           postgresql_include=["first_answered_at"], postgresql_where=OPEN, sqlite_where=OPEN)
    with op.batch_alter_table("activities") as batch:
        batch.drop_index("ix_activities_org_type_done_due")
        batch.create_index("ix_activities_org_type_done_due", ["org_id", "type", "done", "due_at"],
                           postgresql_include=["dossier_id"])


def downgrade() -> None:
    with op.batch_alter_table("activities") as batch:
        batch.drop_index("ix_activities_org_type_done_due")
        batch.create_index("ix_activities_org_type_done_due", ["org_id", "type", "done", "due_at"])
    with op.batch_alter_table("dossiers") as batch:
        batch.drop_index("ix_dossiers_org_open_waiting", postgresql_where=OPEN, sqlite_where=OPEN)
        batch.create_index("ix_dossiers_org_open_activity", ["org_id", "last_activity_at"],
                           postgresql_where=OPEN, sqlite_where=OPEN)
        for column in ("visit_booked", "ever_lost", "furthest_stage", "first_answered_at"):
            batch.drop_column(column)
