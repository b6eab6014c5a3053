"""The group's building projects, their lots and the allocation of lots to members."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from atlas_coop.adapters.orm.base import Base, Money
from atlas_coop.domain.codes import ALLOC_ACTIVE
from atlas_shared.db.tenancy import TenantScoped
from atlas_shared.db.types import JsonType, UtcDateTime, UuidType, new_id, utcnow

_ACTIVE = text("status IN ({})".format(", ".join(f"'{s}'" for s in ALLOC_ACTIVE)))


class Project(TenantScoped, Base):
    __tablename__ = "coop_projects"

    id: Mapped[uuid.UUID] = mapped_column(UuidType, primary_key=True, default=new_id)
    group_id: Mapped[uuid.UUID] = mapped_column(UuidType, ForeignKey("coop_groups.id"), index=True)
    name: Mapped[str] = mapped_column(String(160))
    status: Mapped[str] = mapped_column(String(60))
    previous_status: Mapped[str | None] = mapped_column(String(60))
    budget_total: Mapped[Decimal | None] = mapped_column(Money)
    milestones: Mapped[list[dict[str, Any]]] = mapped_column(JsonType, default=list)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class Lot(TenantScoped, Base):
    __tablename__ = "coop_lots"
    __table_args__ = (UniqueConstraint("project_id", "code", name="uq_coop_lots_project_code"),)

    id: Mapped[uuid.UUID] = mapped_column(UuidType, primary_key=True, default=new_id)
    project_id: Mapped[uuid.UUID] = mapped_column(UuidType, ForeignKey("coop_projects.id"), index=True)
    group_id: Mapped[uuid.UUID] = mapped_column(UuidType)
    code: Mapped[str] = mapped_column(String(20))
    type: Mapped[str] = mapped_column(String(40))
    surface_m2: Mapped[Decimal] = mapped_column(Money)
    floor: Mapped[int | None] = mapped_column(Integer)
    price_reference: Mapped[Decimal] = mapped_column(Money)
    status: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class Allocation(TenantScoped, Base):
    __tablename__ = "coop_allocations"
    __table_args__ = (
        # A lot is held by at most one live allocation, a member by at most one per project.
        Index("uq_coop_allocations_active_lot", "lot_id", unique=True,
              postgresql_where=_ACTIVE, sqlite_where=_ACTIVE),
        Index("uq_coop_allocations_active_member", "project_id", "member_id", unique=True,
              postgresql_where=_ACTIVE, sqlite_where=_ACTIVE),
        Index("ix_coop_allocations_group", "org_id", "group_id", "status"),
    )

    id: Mapped[uuid.UUID] = mapped_column(UuidType, primary_key=True, default=new_id)
    group_id: Mapped[uuid.UUID] = mapped_column(UuidType, ForeignKey("coop_groups.id"))
    project_id: Mapped[uuid.UUID] = mapped_column(UuidType, ForeignKey("coop_projects.id"))
    lot_id: Mapped[uuid.UUID] = mapped_column(UuidType, ForeignKey("coop_lots.id"))
    member_id: Mapped[uuid.UUID] = mapped_column(UuidType, ForeignKey("coop_members.id"))
    fifo_rank: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(40))
    cutoff_date: Mapped[date] = mapped_column(Date)
    explanation: Mapped[dict[str, Any]] = mapped_column(JsonType, default=dict)
    decision_document_id: Mapped[uuid.UUID | None] = mapped_column(UuidType)
    reason: Mapped[str | None] = mapped_column(Text)
    proposed_by: Mapped[str] = mapped_column(String(100))
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
