"""Tables behind search, reporting and the WhatsApp webhook: the listing projection, the search
documents and the raw inbound WhatsApp deliveries."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Index, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from atlas_crm.adapters.orm.base import Base
from atlas_shared.db.tenancy import TenantScoped
from atlas_shared.db.types import JsonType, UtcDateTime, UuidType, new_id, utcnow


class ListingProjection(TenantScoped, Base):
    """What the CRM knows of a listing, from ``listing.*`` events (newest version wins)."""

    __tablename__ = "listing_projections"
    __table_args__ = (Index("ix_listing_projections_owner", "org_id", "owner_user_id"),)

    id: Mapped[uuid.UUID] = mapped_column(UuidType, primary_key=True)
    version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200))
    transaction_type: Mapped[str | None] = mapped_column(String(20))
    price: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    currency: Mapped[str | None] = mapped_column(String(3))
    city: Mapped[str | None] = mapped_column(String(120))
    zone: Mapped[str | None] = mapped_column(String(120))
    slug: Mapped[str | None] = mapped_column(String(200))
    owner_user_id: Mapped[str | None] = mapped_column(String(100))  # the property owner's user (OWNER role)
    published_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class SearchDocument(TenantScoped, Base):
    """One searchable thing (a dossier, a stakeholder, a note, a message, a listing).

    ``title_words`` and ``body_words`` hold accent-folded words between single spaces (ranked A and
    B). On PostgreSQL migration i001 adds ``search_vector``, a stored generated tsvector over both,
    with a GIN index; SQLite matches the same words with LIKE (adapters/search_index.py).
    """

    __tablename__ = "search_documents"
    __table_args__ = (
        UniqueConstraint("org_id", "kind", "entity_id"),
        Index("ix_search_documents_org_dossier", "org_id", "dossier_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(UuidType, primary_key=True, default=new_id)
    kind: Mapped[str] = mapped_column(String(20))
    entity_id: Mapped[str] = mapped_column(String(64))
    dossier_id: Mapped[uuid.UUID | None] = mapped_column(UuidType)
    label: Mapped[str] = mapped_column(String(300))
    snippet: Mapped[str | None] = mapped_column(String(500))
    title_words: Mapped[str] = mapped_column(Text)
    body_words: Mapped[str] = mapped_column(Text)
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class WhatsAppDelivery(Base):
    """A signed webhook POST exactly as Meta sent it, kept until (and after) it is processed.

    Not tenant-scoped: one delivery may carry changes for several phone numbers, hence orgs.
    """

    __tablename__ = "whatsapp_deliveries"
    __table_args__ = (Index("ix_whatsapp_deliveries_status_received", "status", "received_at"),)

    id: Mapped[uuid.UUID] = mapped_column(UuidType, primary_key=True, default=new_id)
    body_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    body: Mapped[str] = mapped_column(Text)
    phone_number_ids: Mapped[list[str]] = mapped_column(JsonType, default=list)
    status: Mapped[str] = mapped_column(String(20), default="RECEIVED")
    outcome: Mapped[dict[str, Any]] = mapped_column(JsonType, default=dict)
    correlation_id: Mapped[str | None] = mapped_column(String(128))
    received_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    processed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
