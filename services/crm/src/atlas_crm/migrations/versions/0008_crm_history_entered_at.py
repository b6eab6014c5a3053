"""status history: each move carries when the dossier had entered the status it leaves

Revision ID: 0008_crm_history_entered_at
Revises: 0007_crm_owner_case_access

Time in each stage reads the stays that ended in a range. Without this column every move looked up
its dossier's previous move (one backward index probe per move: ~14,000 for a big agency's month,
most of the report's cost); now the move row says it. Existing rows are filled with exactly what the
report computed: the latest occurred_at among the dossier's earlier versions.
"""
import sqlalchemy as sa
from alembic import op

revision = "0008_crm_history_entered_at"
down_revision = "0007_crm_owner_case_access"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("dossier_status_history") as batch:
        batch.add_column(sa.Column("from_entered_at", sa.DateTime(timezone=True), nullable=True))
    if op.get_bind().dialect.name == "postgresql":  # one pass over the history, sorted per dossier
        op.execute("""
            UPDATE dossier_status_history h SET from_entered_at = w.entered
            FROM (SELECT id, max(occurred_at) OVER (
                      PARTITION BY dossier_id ORDER BY dossier_version
                      ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS entered
                  FROM dossier_status_history) w
            WHERE h.id = w.id AND h.from_status IS NOT NULL""")
    else:  # the embedded database: a lookup per move along (org_id, dossier_id, occurred_at)
        op.execute("""
            UPDATE dossier_status_history SET from_entered_at = (
                SELECT max(earlier.occurred_at) FROM dossier_status_history earlier
                WHERE earlier.org_id = dossier_status_history.org_id
                  AND earlier.dossier_id = dossier_status_history.dossier_id
                  AND earlier.dossier_version < dossier_status_history.dossier_version)
            WHERE from_status IS NOT NULL""")


def downgrade() -> None:
    with op.batch_alter_table("dossier_status_history") as batch:
        batch.drop_column("from_entered_at")
