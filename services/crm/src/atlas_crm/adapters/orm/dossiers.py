"""Dossiers (cases), their status history, aliases, lead intake keys and the org's CRM settings."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from atlas_crm.adapters.orm.base import Base
from atlas_shared.db.tenancy import TenantScoped
from atlas_shared.db.types import JsonType, UtcDateTime, UuidType, new_id, utcnow


class Dossier(TenantScoped, Base):
    __tablename__ = "dossiers"
    __table_args__ = (
        Index("ix_dossiers_org_status_created", "org_id", "status", "created_at"),
        Index("ix_dossiers_org_created", "org_id", "created_at"),
        Index("ix_dossiers_org_phone_open", "org_id", "phone", "closed_at"),
        Index("ix_dossiers_org_assignee_status", "org_id", "assigned_to", "status"),
        Index("ix_dossiers_org_source_created", "org_id", "source", "created_at"),
        Index("ix_dossiers_org_annonce", "org_id", "annonce_id"),
        Index("ix_dossiers_org_type_status", "org_id", "case_type", "status"),
        Index("ix_dossiers_org_last_activity", "org_id", "last_activity_at"),
        # Reporting (migrations i002, 0009): the open dossiers waiting longest, read from the index
        # alone on PostgreSQL.
        Index("ix_dossiers_org_open_waiting", "org_id", "last_activity_at", "id",
              postgresql_include=["first_answered_at"],
              postgresql_where=text("closed_at IS NULL"), sqlite_where=text("closed_at IS NULL")),
    )

    id: Mapped[uuid.UUID] = mapped_column(UuidType, primary_key=True, default=new_id)
    case_type: Mapped[str] = mapped_column(String(60))
    status: Mapped[str] = mapped_column(String(60))
    source: Mapped[str] = mapped_column(String(60))
    contact_name: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(32))
    phone_raw: Mapped[str | None] = mapped_column(String(64))
    email: Mapped[str | None] = mapped_column(String(254))
    annonce_id: Mapped[uuid.UUID | None] = mapped_column(UuidType)
    budget_min: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    budget_max: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    assigned_to: Mapped[str | None] = mapped_column(String(100))
    score: Mapped[int | None] = mapped_column(Integer)
    score_reason: Mapped[str | None] = mapped_column(String(500))
    loss_reason: Mapped[str | None] = mapped_column(String(60))
    won_reason: Mapped[str | None] = mapped_column(String(60))
    payload: Mapped[dict[str, Any]] = mapped_column(JsonType, default=dict)
    workflow_version: Mapped[int] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer, default=1)
    last_activity_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    # Set while the status is terminal: an open dossier is one with closed_at NULL (dedupe, KPIs).
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    # Milestones, kept by adapters/milestones.py from the messages, appointments and status history
    # (migration 0009): what every report asks of each lead, read without a lookup per lead.
    first_answered_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    furthest_stage: Mapped[int] = mapped_column(SmallInteger, default=0, server_default=text("0"))
    ever_lost: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    visit_booked: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class DossierAlias(TenantScoped, Base):
    """Another id that names a dossier: a portal caseId that was merged into an existing dossier."""

    __tablename__ = "dossier_aliases"

    alias_id: Mapped[uuid.UUID] = mapped_column(UuidType, primary_key=True)
    dossier_id: Mapped[uuid.UUID] = mapped_column(UuidType, ForeignKey("dossiers.id"), index=True)
    reason: Mapped[str] = mapped_column(String(60))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class StatusHistory(TenantScoped, Base):
    """Every status a dossier entered (creation included), with who, when and why: the funnel's data."""

    __tablename__ = "dossier_status_history"
    __table_args__ = (
        Index("ix_status_history_org_dossier", "org_id", "dossier_id", "occurred_at"),
        Index("ix_status_history_org_to", "org_id", "to_status", "occurred_at"),
        # Reporting (migration i002): the moves of a date range; how far each dossier went.
        Index("ix_status_history_org_occurred", "org_id", "occurred_at",  # covering: 0010
              postgresql_include=["from_status", "from_entered_at", "to_status", "dossier_id"]),
        Index("ix_status_history_org_dossier_to", "org_id", "dossier_id", "to_status"),
    )

    id: Mapped[uuid.UUID] = mapped_column(UuidType, primary_key=True, default=new_id)
    dossier_id: Mapped[uuid.UUID] = mapped_column(UuidType, ForeignKey("dossiers.id"))
    case_type: Mapped[str] = mapped_column(String(60))
    from_status: Mapped[str | None] = mapped_column(String(60))
    to_status: Mapped[str] = mapped_column(String(60))
    transition_code: Mapped[str | None] = mapped_column(String(60))
    override: Mapped[bool] = mapped_column(Boolean, default=False)
    actor: Mapped[str] = mapped_column(String(100))
    reason: Mapped[str | None] = mapped_column(Text)
    loss_reason: Mapped[str | None] = mapped_column(String(60))
    won_reason: Mapped[str | None] = mapped_column(String(60))
    comment: Mapped[str | None] = mapped_column(Text)
    workflow_version: Mapped[int] = mapped_column(Integer)
    dossier_version: Mapped[int] = mapped_column(Integer)
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    # When the dossier had entered ``from_status`` (its previous move, or its creation): the stay this
    # move ends, for time-in-stage reports without a lookup per move. None on the creation row.
    from_entered_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class LeadIntake(TenantScoped, Base):
    """A lead received from another service, once: resubmitting the same lead has no second effect."""

    __tablename__ = "lead_intakes"
    __table_args__ = (UniqueConstraint("org_id", "intake_key"),)

    id: Mapped[uuid.UUID] = mapped_column(UuidType, primary_key=True, default=new_id)
    intake_key: Mapped[str] = mapped_column(String(120))
    case_id: Mapped[uuid.UUID] = mapped_column(UuidType)
    dossier_id: Mapped[uuid.UUID] = mapped_column(UuidType, ForeignKey("dossiers.id"))
    merged: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class OrgSettings(TenantScoped, Base):
    __tablename__ = "org_settings"

    org_id: Mapped[uuid.UUID] = mapped_column(UuidType, primary_key=True)
    # Resolves the tenant of inbound WhatsApp webhooks, hence unique across organisations.
    whatsapp_phone_number_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    appointment_overlap_policy: Mapped[str] = mapped_column(String(10))
    dedupe_policy: Mapped[str] = mapped_column(String(30))
    owner_case_access: Mapped[str] = mapped_column(String(10), default="MASKED", server_default="MASKED")
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_by: Mapped[str] = mapped_column(String(100))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
