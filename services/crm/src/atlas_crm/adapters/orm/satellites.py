"""What hangs off a dossier: stakeholders, messages, appointments, timeline activities, consents."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint, event, text
from sqlalchemy.orm import Mapped, mapped_column

from atlas_crm.adapters.orm.base import Base
from atlas_shared.db.tenancy import TenantScoped
from atlas_shared.db.types import JsonType, UtcDateTime, UuidType, new_id, utcnow


def _dossier_fk() -> Mapped[uuid.UUID]:
    return mapped_column(UuidType, ForeignKey("dossiers.id"))


class Stakeholder(TenantScoped, Base):
    __tablename__ = "stakeholders"
    __table_args__ = (Index("ix_stakeholders_org_dossier", "org_id", "dossier_id"),
                      Index("ix_stakeholders_org_phone", "org_id", "phone"))

    id: Mapped[uuid.UUID] = mapped_column(UuidType, primary_key=True, default=new_id)
    dossier_id: Mapped[uuid.UUID] = _dossier_fk()
    role: Mapped[str] = mapped_column(String(40))
    full_name: Mapped[str] = mapped_column(String(200))
    first_name: Mapped[str | None] = mapped_column(String(100))
    last_name: Mapped[str | None] = mapped_column(String(100))
    phone: Mapped[str | None] = mapped_column(String(32))
    phone_raw: Mapped[str | None] = mapped_column(String(64))
    email: Mapped[str | None] = mapped_column(String(254))
    address: Mapped[str | None] = mapped_column(String(300))
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class Message(TenantScoped, Base):
    __tablename__ = "messages"
    __table_args__ = (
        Index("ix_messages_org_dossier_occurred", "org_id", "dossier_id", "occurred_at"),
        Index("ix_messages_org_channel_direction", "org_id", "channel", "direction", "occurred_at"),
        UniqueConstraint("org_id", "channel", "provider_message_id"),
        # Reporting (migration i002): volumes over a range; a dossier's first answer, or none yet.
        Index("ix_messages_org_occurred", "org_id", "occurred_at"),
        Index("ix_messages_org_dossier_direction", "org_id", "dossier_id", "direction", "occurred_at",
              postgresql_where=text("deleted_at IS NULL"), sqlite_where=text("deleted_at IS NULL")),
    )

    id: Mapped[uuid.UUID] = mapped_column(UuidType, primary_key=True, default=new_id)
    dossier_id: Mapped[uuid.UUID] = _dossier_fk()
    direction: Mapped[str] = mapped_column(String(10))
    channel: Mapped[str] = mapped_column(String(20))
    content: Mapped[str | None] = mapped_column(Text)
    recipient: Mapped[str | None] = mapped_column(String(254))
    template_code: Mapped[str | None] = mapped_column(String(100))
    template_language: Mapped[str | None] = mapped_column(String(10))
    variables: Mapped[dict[str, Any]] = mapped_column(JsonType, default=dict)
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    delivery_status: Mapped[str | None] = mapped_column(String(20))
    delivery_version: Mapped[int] = mapped_column(Integer, default=0)
    delivery_error: Mapped[str | None] = mapped_column(String(500))
    provider_message_id: Mapped[str | None] = mapped_column(String(128))
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    deleted_by: Mapped[str | None] = mapped_column(String(100))


class Appointment(TenantScoped, Base):
    __tablename__ = "appointments"
    __table_args__ = (Index("ix_appointments_org_assignee_start", "org_id", "assigned_to", "starts_at"),
                      Index("ix_appointments_org_dossier_start", "org_id", "dossier_id", "starts_at"))

    id: Mapped[uuid.UUID] = mapped_column(UuidType, primary_key=True, default=new_id)
    dossier_id: Mapped[uuid.UUID] = _dossier_fk()
    type: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(40))
    starts_at: Mapped[datetime] = mapped_column(UtcDateTime)
    ends_at: Mapped[datetime] = mapped_column(UtcDateTime)
    location: Mapped[str | None] = mapped_column(String(300))
    assigned_to: Mapped[str | None] = mapped_column(String(100))
    annonce_id: Mapped[uuid.UUID | None] = mapped_column(UuidType)
    comment: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class Activity(TenantScoped, Base):
    """A timeline entry: notes and tasks by users, the other ACT_* types by the system."""

    __tablename__ = "activities"
    __table_args__ = (Index("ix_activities_org_dossier_created", "org_id", "dossier_id", "created_at"),
                      Index("ix_activities_org_type_created", "org_id", "type", "created_at"),
                      Index("ix_activities_org_assignee_due", "org_id", "assignee", "done", "due_at"),
                      Index("ix_activities_org_type_done_due", "org_id", "type", "done", "due_at",
                            postgresql_include=["dossier_id"]))  # i002, 0009

    id: Mapped[uuid.UUID] = mapped_column(UuidType, primary_key=True, default=new_id)
    dossier_id: Mapped[uuid.UUID] = _dossier_fk()
    type: Mapped[str] = mapped_column(String(40))
    content: Mapped[str | None] = mapped_column(Text)
    due_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    done: Mapped[bool] = mapped_column(Boolean, default=False)
    done_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    assignee: Mapped[str | None] = mapped_column(String(100))
    actor: Mapped[str] = mapped_column(String(100))
    related_type: Mapped[str | None] = mapped_column(String(40))
    related_id: Mapped[str | None] = mapped_column(String(64))
    details: Mapped[dict[str, Any]] = mapped_column(JsonType, default=dict)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class ConsentState:
    """What a consent says: shared by the current state and every history row."""

    channel: Mapped[str] = mapped_column(String(20))
    type: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20))
    source: Mapped[str] = mapped_column(String(60))
    proof: Mapped[dict[str, Any] | None] = mapped_column(JsonType)
    captured_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)


class Consent(ConsentState, TenantScoped, Base):
    """The CURRENT consent state of one (dossier, channel, type); its past lives in ConsentHistory."""

    __tablename__ = "consents"
    __table_args__ = (UniqueConstraint("org_id", "dossier_id", "channel", "type"),)

    id: Mapped[uuid.UUID] = mapped_column(UuidType, primary_key=True, default=new_id)
    dossier_id: Mapped[uuid.UUID] = _dossier_fk()
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class ConsentHistory(ConsentState, TenantScoped, Base):
    """Every consent state ever recorded; rows are written once and never changed."""

    __tablename__ = "consent_history"
    __table_args__ = (Index("ix_consent_history_org_consent", "org_id", "consent_id", "version"),)

    id: Mapped[uuid.UUID] = mapped_column(UuidType, primary_key=True, default=new_id)
    consent_id: Mapped[uuid.UUID] = mapped_column(UuidType, ForeignKey("consents.id"))
    dossier_id: Mapped[uuid.UUID] = _dossier_fk()
    actor: Mapped[str] = mapped_column(String(100))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class ConsentHistoryImmutable(RuntimeError):
    pass


@event.listens_for(ConsentHistory, "before_update")
@event.listens_for(ConsentHistory, "before_delete")
def _refuse_history_change(mapper, connection, target) -> None:  # type: ignore[no-untyped-def]
    raise ConsentHistoryImmutable("consent history rows are never changed")
