"""Tables owned by the outbound service (its own database)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, Integer, MetaData, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from atlas_shared.db.platform import NAMING
from atlas_shared.db.tenancy import TenantScoped
from atlas_shared.db.types import JsonType, UtcDateTime, UuidType, new_id, utcnow

metadata = MetaData(naming_convention=NAMING)


class Base(DeclarativeBase):
    metadata = metadata


class OutboundMessage(TenantScoped, Base):
    __tablename__ = "outbound_messages"
    __table_args__ = (
        UniqueConstraint("org_id", "crm_message_id", name="uq_outbound_messages_crm_message"),
        UniqueConstraint("org_id", "notification_key", name="uq_outbound_messages_notification"),
        Index("ix_outbound_messages_due", "due_at"),
        Index("ix_outbound_messages_org_created", "org_id", "created_at"),
        Index("ix_outbound_messages_org_dossier", "org_id", "dossier_id", "created_at"),
        Index("ix_outbound_messages_org_status", "org_id", "status"),
        Index("ix_outbound_messages_recipient", "org_id", "channel", "recipient", "status"),
    )

    id: Mapped[uuid.UUID] = mapped_column(UuidType, primary_key=True, default=new_id)
    source: Mapped[str] = mapped_column(String(10))                  # API, CRM, COOP
    dossier_id: Mapped[uuid.UUID | None] = mapped_column(UuidType)
    subject_type: Mapped[str] = mapped_column(String(20))            # DOSSIER, COOP_MEMBER
    subject_id: Mapped[str | None] = mapped_column(String(64))
    channel: Mapped[str] = mapped_column(String(10))
    to: Mapped[str] = mapped_column("recipient", String(254))
    template_code: Mapped[str | None] = mapped_column(String(60))
    template_language: Mapped[str | None] = mapped_column(String(15))
    variables: Mapped[dict[str, Any]] = mapped_column(JsonType, default=dict)
    # The values in the template's order, fixed at admission (JSONB does not keep key order).
    template_values: Mapped[list[str]] = mapped_column(JsonType, default=list)
    text: Mapped[str | None] = mapped_column(Text)
    subject: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(12))
    # When a worker should next pick the row up: QUEUED → next attempt, SENDING → lease end.
    due_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    attempt_count: Mapped[int] = mapped_column(Integer, default=0)
    retry_base: Mapped[int] = mapped_column(Integer, default=0)  # attempt_count when last re-queued by hand
    claimed_by: Mapped[str | None] = mapped_column(String(120))
    claim_token: Mapped[uuid.UUID | None] = mapped_column(UuidType)
    provider_message_id: Mapped[str | None] = mapped_column(String(128), unique=True)
    last_error_code: Mapped[str | None] = mapped_column(String(40))
    last_error: Mapped[str | None] = mapped_column(Text)
    crm_message_id: Mapped[str | None] = mapped_column(String(64))
    notification_key: Mapped[str | None] = mapped_column(String(200))
    refs: Mapped[dict[str, Any]] = mapped_column(JsonType, default=dict)  # coop entity, plan
    consent_basis: Mapped[dict[str, Any]] = mapped_column(JsonType, default=dict)
    created_by: Mapped[str] = mapped_column(String(100))
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    read_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    failed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    attempts: Mapped[list[Attempt]] = relationship(order_by="Attempt.number", lazy="raise",
                                                   back_populates="message")


class Attempt(TenantScoped, Base):
    __tablename__ = "outbound_attempts"
    __table_args__ = (Index("ix_outbound_attempts_message", "message_id", "number"),
                      Index("ix_outbound_attempts_finished", "finished_at", "channel"))

    id: Mapped[uuid.UUID] = mapped_column(UuidType, primary_key=True, default=new_id)
    message_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("outbound_messages.id"))
    number: Mapped[int] = mapped_column(Integer)
    channel: Mapped[str] = mapped_column(String(10))
    # SENT, RETRY_SCHEDULED, FAILED, DEFERRED (recipient pair limit), LOST (worker died), RECONCILED
    status: Mapped[str] = mapped_column(String(20))
    http_status: Mapped[int | None] = mapped_column(Integer)
    error_code: Mapped[str | None] = mapped_column(String(40))
    error: Mapped[str | None] = mapped_column(Text)
    provider_response: Mapped[dict[str, Any] | None] = mapped_column(JsonType)
    next_retry_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    worker: Mapped[str | None] = mapped_column(String(120))
    duration_ms: Mapped[int | None] = mapped_column(Integer)
    started_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    finished_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    message: Mapped[OutboundMessage] = relationship(back_populates="attempts", lazy="raise")


class IdempotencyKey(TenantScoped, Base):
    """One row per (org, Idempotency-Key): IN_FLIGHT while the first request runs, then DONE."""

    __tablename__ = "outbound_idempotency_keys"
    __table_args__ = (UniqueConstraint("org_id", "key", name="uq_outbound_idempotency_keys_org_key"),)

    id: Mapped[uuid.UUID] = mapped_column(UuidType, primary_key=True, default=new_id)
    key: Mapped[str] = mapped_column(String(200))
    request_hash: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(10))
    message_id: Mapped[uuid.UUID | None] = mapped_column(UuidType)
    locked_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class Template(TenantScoped, Base):
    __tablename__ = "outbound_templates"
    __table_args__ = (UniqueConstraint("org_id", "channel", "code", "language",
                                       name="uq_outbound_templates_key"),)

    id: Mapped[uuid.UUID] = mapped_column(UuidType, primary_key=True, default=new_id)
    channel: Mapped[str] = mapped_column(String(10))
    code: Mapped[str] = mapped_column(String(60))
    language: Mapped[str] = mapped_column(String(15))
    category: Mapped[str] = mapped_column(String(20))
    variables: Mapped[list[dict[str, Any]]] = mapped_column(JsonType, default=list)
    body: Mapped[str | None] = mapped_column(Text)
    subject: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class Consent(TenantScoped, Base):
    """The latest consent per (subject, channel, type) from ``consent.changed`` events."""

    __tablename__ = "outbound_consents"
    __table_args__ = (UniqueConstraint("org_id", "subject_type", "subject_id", "channel", "consent_type",
                                       name="uq_outbound_consents_key"),)

    id: Mapped[uuid.UUID] = mapped_column(UuidType, primary_key=True, default=new_id)
    subject_type: Mapped[str] = mapped_column(String(20))
    subject_id: Mapped[str] = mapped_column(String(64))
    dossier_id: Mapped[str | None] = mapped_column(String(64))
    channel: Mapped[str] = mapped_column(String(10))
    consent_type: Mapped[str] = mapped_column(String(30))
    status: Mapped[str] = mapped_column(String(10))
    phone: Mapped[str | None] = mapped_column(String(32))
    email: Mapped[str | None] = mapped_column(String(254))
    source: Mapped[str | None] = mapped_column(String(40))
    proof: Mapped[str | None] = mapped_column(Text)
    captured_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    version: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class ContactWindow(TenantScoped, Base):
    """When a contact last wrote to us on a channel (opens WhatsApp's 24-hour window)."""

    __tablename__ = "outbound_contact_windows"
    __table_args__ = (UniqueConstraint("org_id", "channel", "phone", name="uq_outbound_contact_windows_key"),)

    id: Mapped[uuid.UUID] = mapped_column(UuidType, primary_key=True, default=new_id)
    channel: Mapped[str] = mapped_column(String(10))
    phone: Mapped[str] = mapped_column(String(32))
    dossier_id: Mapped[str | None] = mapped_column(String(64))
    last_inbound_at: Mapped[datetime] = mapped_column(UtcDateTime)


class SendCounter(TenantScoped, Base):
    __tablename__ = "outbound_send_counters"
    __table_args__ = (UniqueConstraint("org_id", "kind", "window_start",
                                       name="uq_outbound_send_counters_key"),)

    id: Mapped[uuid.UUID] = mapped_column(UuidType, primary_key=True, default=new_id)
    kind: Mapped[str] = mapped_column(String(10))          # DAY, MINUTE
    window_start: Mapped[datetime] = mapped_column(UtcDateTime)
    count: Mapped[int] = mapped_column(Integer, default=0)


class OrgLimits(TenantScoped, Base):
    """Per-org overrides of the default quota and rate (set by operators, not by the org)."""

    __tablename__ = "outbound_org_limits"
    __table_args__ = (UniqueConstraint("org_id", name="uq_outbound_org_limits_org"),)

    id: Mapped[uuid.UUID] = mapped_column(UuidType, primary_key=True, default=new_id)
    daily_quota: Mapped[int] = mapped_column(Integer)
    per_minute: Mapped[int] = mapped_column(Integer)
    updated_by: Mapped[str] = mapped_column(String(100))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class ProviderConfig(TenantScoped, Base):
    """An org's provider account per channel; the secret is stored encrypted, shown as a hint."""

    __tablename__ = "outbound_provider_configs"
    __table_args__ = (UniqueConstraint("org_id", "channel", name="uq_outbound_provider_configs_channel"),
                      Index("ix_outbound_provider_configs_account", "channel", "account"))

    id: Mapped[uuid.UUID] = mapped_column(UuidType, primary_key=True, default=new_id)
    channel: Mapped[str] = mapped_column(String(10))
    account: Mapped[str] = mapped_column(String(120))   # phone-number id, account SID, from address
    sender: Mapped[str | None] = mapped_column(String(254))
    secret_encrypted: Mapped[str | None] = mapped_column(Text)
    secret_hint: Mapped[str | None] = mapped_column(String(16))
    updated_by: Mapped[str] = mapped_column(String(100))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class StatusCallback(Base):
    """Every delivery status a provider reported, once per (provider message id, status).

    Not tenant data: a callback can arrive before its message is known (the provider answered, the
    worker has not committed yet), so the org is filled in when the callback is matched."""

    __tablename__ = "outbound_status_callbacks"
    __table_args__ = (UniqueConstraint("provider_message_id", "status",
                                       name="uq_outbound_status_callbacks_key"),
                      Index("ix_outbound_status_callbacks_message", "message_id"),
                      Index("ix_outbound_status_callbacks_pending", "applied_at", "received_at"))

    id: Mapped[uuid.UUID] = mapped_column(UuidType, primary_key=True, default=new_id)
    provider_message_id: Mapped[str] = mapped_column(String(128))
    status: Mapped[str] = mapped_column(String(12))
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime)
    errors: Mapped[list[Any]] = mapped_column(JsonType, default=list)
    message_id: Mapped[uuid.UUID | None] = mapped_column(UuidType)
    org_id: Mapped[uuid.UUID | None] = mapped_column(UuidType)
    source: Mapped[str] = mapped_column(String(20))
    received_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    applied_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class DeadLetter(TenantScoped, Base):
    """A message that failed for good; an operator lists these and retries them."""

    __tablename__ = "outbound_dead_letters"
    __table_args__ = (Index("ix_outbound_dead_letters_open", "org_id", "resolved_at"),)

    id: Mapped[uuid.UUID] = mapped_column(UuidType, primary_key=True, default=new_id)
    message_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("outbound_messages.id"))
    reason_code: Mapped[str | None] = mapped_column(String(40))
    error: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    resolved_by: Mapped[str | None] = mapped_column(String(100))

    message: Mapped[OutboundMessage] = relationship(lazy="joined")


class SenderHeartbeat(Base):
    """Each running sender process, so health can say how many are alive."""

    __tablename__ = "outbound_senders"

    worker: Mapped[str] = mapped_column(String(120), primary_key=True)
    threads: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
