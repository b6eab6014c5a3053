"""Writing instalments in bulk: one schedule for many members in one statement.

On PostgreSQL the database builds the rows itself (``INSERT … SELECT`` over the member ids × the
schedule, sent as arrays: 2,000 ids and 60 amounts rather than 120,000 rows to format and transfer;
ids from ``gen_random_uuid()``, random v4 like ``new_id()``); elsewhere a single executemany of the
expanded rows. Same rows, same constraints and foreign keys either way. These writes do not go through
the ORM's tenant stamping, so ``org_id`` is explicit and checked here against the session's org.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy.orm import Session

from atlas_coop.adapters.orm import Contribution
from atlas_coop.domain.codes import DUE
from atlas_shared.db.tenancy import BYPASS_KEY, ORG_KEY, TenantScopeMissing
from atlas_shared.db.types import new_id

COLUMNS = ("id", "org_id", "group_id", "member_id", "plan_id", "plan_version", "due_date", "base_amount",
           "indexation_years", "amount_due", "penalty", "penalty_periods", "status", "version", "created_at",
           "updated_at")

# (due date, base amount, whole years of indexation, amount due) — one instalment of the plan.
Instalment = tuple[date, Decimal, int, Decimal]

_PG_INSERT = (
    f"INSERT INTO {Contribution.__tablename__} ({', '.join(COLUMNS)}) "
    "SELECT gen_random_uuid(), %(org_id)s, %(group_id)s, m.member_id, %(plan_id)s, %(plan_version)s, "
    "s.due_date, s.base_amount, s.indexation_years, s.amount_due, %(penalty)s, 0, %(status)s, 1, "
    "%(now)s, %(now)s "
    "FROM unnest(%(member_ids)s::uuid[]) AS m(member_id) "
    "CROSS JOIN unnest(%(due_dates)s::date[], %(bases)s::numeric[], %(years)s::integer[], "
    "%(amounts)s::numeric[]) AS s(due_date, base_amount, indexation_years, amount_due)")


def insert_schedule(session: Session, *, org_id: uuid.UUID, group_id: uuid.UUID, plan_id: uuid.UUID,
                    plan_version: int, member_ids: Sequence[uuid.UUID], schedule: Sequence[Instalment],
                    now: datetime) -> int:
    """Each of ``member_ids`` gets every instalment of ``schedule`` (DUE, no penalty), inside the
    session's transaction; returns the number of rows written."""
    if not member_ids or not schedule:
        return 0
    _check_org(session, org_id)
    zero = Decimal("0.00")
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        result = connection.exec_driver_sql(_PG_INSERT, {
            "org_id": org_id, "group_id": group_id, "plan_id": plan_id, "plan_version": plan_version,
            "penalty": zero, "status": DUE, "now": now, "member_ids": list(member_ids),
            "due_dates": [i[0] for i in schedule], "bases": [i[1] for i in schedule],
            "years": [i[2] for i in schedule], "amounts": [i[3] for i in schedule]})
        expected = len(member_ids) * len(schedule)
        assert result.rowcount == expected, (result.rowcount, expected)
        return expected
    values = [dict(zip(COLUMNS, (new_id(), org_id, group_id, member_id, plan_id, plan_version, due_date,
                                 base, years, amount, zero, 0, DUE, 1, now, now), strict=True))
              for member_id in member_ids for due_date, base, years, amount in schedule]
    session.execute(Contribution.__table__.insert(), values)
    return len(values)


def _check_org(session: Session, org_id: uuid.UUID) -> None:
    org = session.info.get(ORG_KEY)
    if session.info.get(BYPASS_KEY):
        return
    if org is None or uuid.UUID(str(org)) != org_id:
        raise TenantScopeMissing("instalments written for another org than the session's")
