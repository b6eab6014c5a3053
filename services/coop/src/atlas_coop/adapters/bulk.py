"""Writing instalments in bulk: PostgreSQL's COPY, a single executemany elsewhere.

Same rows, same constraints and foreign keys either way; the caller sets ``org_id`` on every row
(these writes do not go through the ORM's tenant stamping).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from atlas_coop.adapters.orm import Contribution

COLUMNS = ("id", "org_id", "group_id", "member_id", "plan_id", "plan_version", "due_date", "base_amount",
           "indexation_years", "amount_due", "penalty", "penalty_periods", "status", "version", "created_at",
           "updated_at")


def insert_contributions(session: Session, rows: Sequence[tuple[Any, ...]]) -> int:
    """``rows`` in ``COLUMNS`` order, inside the session's transaction."""
    if not rows:
        return 0
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        driver = connection.connection.driver_connection
        with driver.cursor() as cursor, cursor.copy(  # type: ignore[union-attr]
                f"COPY {Contribution.__tablename__} ({', '.join(COLUMNS)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    else:
        values = [dict(zip(COLUMNS, row, strict=True)) for row in rows]
        session.execute(Contribution.__table__.insert(), values)
    return len(rows)
