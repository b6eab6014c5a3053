"""Tables every service database has: the outbox, the inbox and the audit trail.

They live on their own metadata so that each service's migration tree creates them next to its own
tables (``platform_metadata`` is added to every service's Alembic target).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Identity, Index, Integer, MetaData, String, Text, event
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from atlas_shared.db.tenancy import TenantScoped
from atlas_shared.db.types import JsonType, UtcDateTime, UuidType, new_id, utcnow

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
platform_metadata = MetaData(naming_convention=NAMING)


class PlatformBase(DeclarativeBase):
    metadata = platform_metadata


class OutboxMessage(PlatformBase):
    """An event written in the business transaction, published later by the relay."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_pending", "published_at", "seq"),)

    # seq orders the relay's reads; it is never used as a high-water mark (see reliability.md).
    seq: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"),
                                     Identity(), primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(UuidType, unique=True, default=new_id)
    exchange: Mapped[str] = mapped_column(String(100))
    event_type: Mapped[str] = mapped_column(String(100))
    aggregate_type: Mapped[str] = mapped_column(String(60))
    aggregate_id: Mapped[str] = mapped_column(String(64))
    envelope: Mapped[dict[str, Any]] = mapped_column(JsonType)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    claimed_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
    claimed_by: Mapped[str | None] = mapped_column(String(80))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    published_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class InboxMessage(PlatformBase):
    """One row per (consumer, event) handled: the primary key makes a redelivery harmless."""

    __tablename__ = "inbox"

    consumer: Mapped[str] = mapped_column(String(100), primary_key=True)
    event_id: Mapped[uuid.UUID] = mapped_column(UuidType, primary_key=True)
    event_type: Mapped[str] = mapped_column(String(100))
    processed_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class AuditEvent(TenantScoped, PlatformBase):
    """Immutable record of who did what to which entity, written in the same transaction."""

    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_entity", "org_id", "entity_type", "entity_id"),
        Index("ix_audit_parent", "org_id", "parent_type", "parent_id"),
        Index("ix_audit_created", "org_id", "created_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(UuidType, primary_key=True, default=new_id)
    service: Mapped[str] = mapped_column(String(40))
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(60))
    entity_type: Mapped[str] = mapped_column(String(60))
    entity_id: Mapped[str] = mapped_column(String(64))
    parent_type: Mapped[str | None] = mapped_column(String(60))
    parent_id: Mapped[str | None] = mapped_column(String(64))
    diff: Mapped[dict[str, Any]] = mapped_column(JsonType, default=dict)
    correlation_id: Mapped[str | None] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class AuditImmutable(RuntimeError):
    pass


@event.listens_for(AuditEvent, "before_update")
@event.listens_for(AuditEvent, "before_delete")
def _refuse_audit_change(mapper, connection, target) -> None:  # type: ignore[no-untyped-def]
    raise AuditImmutable("audit events can never be updated or deleted")


AUDIT_TRIGGERS = {
    "postgresql": [
        """CREATE OR REPLACE FUNCTION atlas_audit_immutable() RETURNS trigger AS $$
           BEGIN RAISE EXCEPTION 'audit events are immutable'; END; $$ LANGUAGE plpgsql""",
        """CREATE TRIGGER audit_events_immutable BEFORE UPDATE OR DELETE ON audit_events
           FOR EACH ROW EXECUTE FUNCTION atlas_audit_immutable()""",
    ],
    "sqlite": [
        """CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
           BEGIN SELECT RAISE(ABORT, 'audit events are immutable'); END""",
        """CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
           BEGIN SELECT RAISE(ABORT, 'audit events are immutable'); END""",
    ],
}
