"""Groups, members, documents, the timeline, notifications and tenant workflow versions."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from atlas_coop.adapters.orm.base import Base
from atlas_shared.db.tenancy import TenantScoped
from atlas_shared.db.types import JsonType, UtcDateTime, UuidType, new_id, utcnow


class CoopGroup(TenantScoped, Base):
    __tablename__ = "coop_groups"
    __table_args__ = (Index("ix_coop_groups_org_status", "org_id", "status"),
                      Index("ix_coop_groups_org_city", "org_id", "city"))

    id: Mapped[uuid.UUID] = mapped_column(UuidType, primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(160))
    city: Mapped[str] = mapped_column(String(120))
    status: Mapped[str] = mapped_column(String(60))
    previous_status: Mapped[str | None] = mapped_column(String(60))  # where ON_HOLD resumes to
    rules: Mapped[dict[str, Any]] = mapped_column(JsonType, default=dict)
    created_by: Mapped[str] = mapped_column(String(100))
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class Member(TenantScoped, Base):
    __tablename__ = "coop_members"
    __table_args__ = (
        # FIFO rank unique per group; a member who left and was replaced gives up the rank (NULL).
        UniqueConstraint("group_id", "fifo_rank", name="uq_coop_members_group_rank"),
        UniqueConstraint("id", "group_id", name="uq_coop_members_id_group"),  # referenced by instalments
        Index("ix_coop_members_org_group_status", "org_id", "group_id", "status"),
        Index("ix_coop_members_org_user", "org_id", "user_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(UuidType, primary_key=True, default=new_id)
    group_id: Mapped[uuid.UUID] = mapped_column(UuidType, ForeignKey("coop_groups.id"), index=True)
    display_name: Mapped[str] = mapped_column(String(160))
    phone: Mapped[str | None] = mapped_column(String(32))
    phone_raw: Mapped[str | None] = mapped_column(String(64))
    email: Mapped[str | None] = mapped_column(String(254))
    status: Mapped[str] = mapped_column(String(60))
    fifo_rank: Mapped[int | None] = mapped_column(Integer)
    user_id: Mapped[str | None] = mapped_column(String(100))
    lot_preferences: Mapped[list[str]] = mapped_column(JsonType, default=list)
    in_dispute: Mapped[bool] = mapped_column(Boolean, default=False)
    consent_status: Mapped[str | None] = mapped_column(String(10))
    consent_proof: Mapped[str | None] = mapped_column(Text)
    consent_captured_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    consent_version: Mapped[int] = mapped_column(Integer, default=0)
    joined_on: Mapped[date] = mapped_column(Date)
    replaces_member_id: Mapped[uuid.UUID | None] = mapped_column(UuidType)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class CoopDocument(TenantScoped, Base):
    """One stored file, linked to the entity it documents (group, member, allocation)."""

    __tablename__ = "coop_documents"
    __table_args__ = (Index("ix_coop_documents_entity", "org_id", "entity_type", "entity_id"),)

    id: Mapped[uuid.UUID] = mapped_column(UuidType, primary_key=True, default=new_id)
    group_id: Mapped[uuid.UUID] = mapped_column(UuidType, ForeignKey("coop_groups.id"), index=True)
    entity_type: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[uuid.UUID] = mapped_column(UuidType)
    type: Mapped[str] = mapped_column(String(30))
    file_name: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(300))
    uploaded_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class Activity(TenantScoped, Base):
    """The group's timeline: status changes, documents, notifications requested (or not, and why)."""

    __tablename__ = "coop_activities"
    __table_args__ = (Index("ix_coop_activities_group_created", "org_id", "group_id", "created_at"),)

    id: Mapped[uuid.UUID] = mapped_column(UuidType, primary_key=True, default=new_id)
    group_id: Mapped[uuid.UUID] = mapped_column(UuidType, index=True)
    entity_type: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[uuid.UUID] = mapped_column(UuidType)
    type: Mapped[str] = mapped_column(String(30))
    content: Mapped[str] = mapped_column(Text)
    data: Mapped[dict[str, Any]] = mapped_column(JsonType, default=dict)
    actor: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class Notification(TenantScoped, Base):
    """Each notification decided once: requested from outbound, or recorded as not sent and why."""

    __tablename__ = "coop_notifications"
    __table_args__ = (UniqueConstraint("org_id", "notification_key", name="uq_coop_notifications_key"),
                      Index("ix_coop_notifications_group", "org_id", "group_id", "created_at"))

    id: Mapped[uuid.UUID] = mapped_column(UuidType, primary_key=True, default=new_id)
    notification_key: Mapped[str] = mapped_column(String(300))
    group_id: Mapped[uuid.UUID] = mapped_column(UuidType)
    member_id: Mapped[uuid.UUID] = mapped_column(UuidType)
    template_code: Mapped[str] = mapped_column(String(60))
    entity_type: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(String(64))
    logical_event: Mapped[str] = mapped_column(String(80))
    status: Mapped[str] = mapped_column(String(30))
    variables: Mapped[dict[str, Any]] = mapped_column(JsonType, default=dict)
    # What outbound reports back (``outbound.status_changed``): its latest status for this message.
    delivery_status: Mapped[str | None] = mapped_column(String(20))
    delivery_error: Mapped[str | None] = mapped_column(Text)
    delivery_version: Mapped[int] = mapped_column(Integer, default=0)
    delivery_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class WorkflowVersion(TenantScoped, Base):
    """A tenant's override of COOP_GROUP / COOP_PROJECT, received as ``workflow.changed``."""

    __tablename__ = "coop_workflow_versions"
    __table_args__ = (UniqueConstraint("org_id", "case_type", "version", name="uq_coop_workflow_versions"),)

    id: Mapped[uuid.UUID] = mapped_column(UuidType, primary_key=True, default=new_id)
    case_type: Mapped[str] = mapped_column(String(40))
    version: Mapped[int] = mapped_column(Integer)
    definition: Mapped[dict[str, Any] | None] = mapped_column(JsonType)  # None: back to the default
    problems: Mapped[list[str]] = mapped_column(JsonType, default=list)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
