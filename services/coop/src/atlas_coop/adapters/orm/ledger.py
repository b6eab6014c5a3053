"""Contribution plans (versioned, never edited) and the ledger of instalments."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Date, ForeignKey, ForeignKeyConstraint, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from atlas_coop.adapters.orm.base import Base, Money
from atlas_shared.db.tenancy import TenantScoped
from atlas_shared.db.types import JsonType, UtcDateTime, UuidType, new_id, utcnow


class ContributionPlan(TenantScoped, Base):
    __tablename__ = "coop_contribution_plans"
    __table_args__ = (UniqueConstraint("group_id", "version", name="uq_coop_contribution_plans_version"),
                      # referenced by the instalments (a plan of their group)
                      UniqueConstraint("id", "group_id", name="uq_coop_contribution_plans_id_group"))

    id: Mapped[uuid.UUID] = mapped_column(UuidType, primary_key=True, default=new_id)
    group_id: Mapped[uuid.UUID] = mapped_column(UuidType, ForeignKey("coop_groups.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    effective_from: Mapped[date] = mapped_column(Date)
    instalments: Mapped[list[dict[str, Any]]] = mapped_column(JsonType)  # [{dueDate, amount}] as text
    indexation: Mapped[dict[str, Any] | None] = mapped_column(JsonType)
    penalty: Mapped[dict[str, Any] | None] = mapped_column(JsonType)
    grace_days: Mapped[int] = mapped_column(Integer)
    cutoff_date: Mapped[date | None] = mapped_column(Date)
    decision_document_id: Mapped[uuid.UUID] = mapped_column(UuidType)
    recalculation: Mapped[dict[str, Any]] = mapped_column(JsonType, default=dict)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class Contribution(TenantScoped, Base):
    """One instalment of one member: what is due (and how it was computed), paid, decided."""

    __tablename__ = "coop_contributions"
    __table_args__ = (
        UniqueConstraint("member_id", "due_date", name="uq_coop_contributions_member_due"),
        # The member and the plan belong to the instalment's group (which they imply exists).
        ForeignKeyConstraint(["member_id", "group_id"], ["coop_members.id", "coop_members.group_id"],
                             name="fk_coop_contributions_member_group"),
        ForeignKeyConstraint(["plan_id", "group_id"], ["coop_contribution_plans.id",
                                                       "coop_contribution_plans.group_id"],
                             name="fk_coop_contributions_plan_group"),
        Index("ix_coop_contributions_group", "org_id", "group_id", "due_date"),
        Index("ix_coop_contributions_status_due", "org_id", "status", "due_date"),
    )

    id: Mapped[uuid.UUID] = mapped_column(UuidType, primary_key=True, default=new_id)
    # Not indexed alone (unlike TenantScoped's default): both composite indexes lead with org_id.
    org_id: Mapped[uuid.UUID] = mapped_column(UuidType, nullable=False)
    group_id: Mapped[uuid.UUID] = mapped_column(UuidType)
    # Indexed by uq_coop_contributions_member_due (member_id first); no second index to maintain.
    member_id: Mapped[uuid.UUID] = mapped_column(UuidType)
    plan_id: Mapped[uuid.UUID] = mapped_column(UuidType)
    plan_version: Mapped[int] = mapped_column(Integer)
    due_date: Mapped[date] = mapped_column(Date)
    base_amount: Mapped[Decimal] = mapped_column(Money)
    indexation_years: Mapped[int] = mapped_column(Integer)
    amount_due: Mapped[Decimal] = mapped_column(Money)
    penalty: Mapped[Decimal] = mapped_column(Money)
    penalty_periods: Mapped[int] = mapped_column(Integer, default=0)
    penalty_as_of: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20))
    amount_paid: Mapped[Decimal | None] = mapped_column(Money)
    paid_date: Mapped[date | None] = mapped_column(Date)
    method: Mapped[str | None] = mapped_column(String(40))
    proof_document_id: Mapped[uuid.UUID | None] = mapped_column(UuidType)
    declared_by: Mapped[str | None] = mapped_column(String(100))
    decision_reason: Mapped[str | None] = mapped_column(Text)
    decided_by: Mapped[str | None] = mapped_column(String(100))
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
