"""The portal's own read model of listings, fed by listing events (public data: not tenant-scoped)."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Boolean, Index, Integer, MetaData, Numeric, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from atlas_shared.db.platform import NAMING
from atlas_shared.db.types import JsonType, UtcDateTime, UuidType, utcnow

metadata = MetaData(naming_convention=NAMING)


class Base(DeclarativeBase):
    metadata = metadata


class PublicListing(Base):
    __tablename__ = "public_listings"
    # Search pages walk one of these in the order asked (recency, price), within a city and/or a
    # transaction type; price and rooms are trailing columns so that budgets are checked on the
    # index entries, not on the rows (migration 0005).
    __table_args__ = (
        Index("ix_public_listings_recent", "visible", "published_at", "price", "rooms"),
        Index("ix_public_listings_city_recent", "visible", "city_key", "published_at", "price", "rooms"),
        Index("ix_public_listings_tx_recent", "visible", "tx", "published_at", "price", "rooms"),
        Index("ix_public_listings_city_tx_recent", "visible", "city_key", "tx", "published_at", "price",
              "rooms"),
        Index("ix_public_listings_price", "visible", "price", "rooms"),
        Index("ix_public_listings_city_price", "visible", "city_key", "price", "rooms"),
        Index("ix_public_listings_city_tx_price", "visible", "city_key", "tx", "price", "rooms"),
    )

    listing_id: Mapped[uuid.UUID] = mapped_column(UuidType, primary_key=True)
    org_id: Mapped[uuid.UUID] = mapped_column(UuidType, index=True)
    version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(40))
    visible: Mapped[bool] = mapped_column(Boolean, default=False)
    slug: Mapped[str] = mapped_column(String(100))
    tx: Mapped[str | None] = mapped_column(String(10))
    title: Mapped[str] = mapped_column(String(120))
    description: Mapped[str | None] = mapped_column(Text)
    price: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    currency: Mapped[str] = mapped_column(String(3), default="MAD")
    surface_m2: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    rooms: Mapped[int | None] = mapped_column(Integer)
    bathrooms: Mapped[int | None] = mapped_column(Integer)
    amenities: Mapped[list[str]] = mapped_column(JsonType, default=list)
    city: Mapped[str | None] = mapped_column(String(120))
    city_key: Mapped[str | None] = mapped_column(String(120))
    zone: Mapped[str | None] = mapped_column(String(120))
    zone_key: Mapped[str | None] = mapped_column(String(120))
    lat: Mapped[Decimal | None] = mapped_column(Numeric(9, 6))
    lng: Mapped[Decimal | None] = mapped_column(Numeric(9, 6))
    media: Mapped[list[dict[str, Any]]] = mapped_column(JsonType, default=list)
    thumbnail_url: Mapped[str | None] = mapped_column(String(500))
    # Folded words of title, description, city and zone (domain.text.searchable). On PostgreSQL the
    # migration adds search_vector = to_tsvector('simple', search_text), stored, with a GIN index
    # (not mapped here: autogenerate on PostgreSQL lists both as removed; drop those lines).
    search_text: Mapped[str] = mapped_column(Text, default="")
    whatsapp_phone: Mapped[str | None] = mapped_column(String(32))
    published_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class ListingSlug(Base):
    """Every slug a listing has had: an old one answers 301 to the current canonical URL."""

    __tablename__ = "public_listing_slugs"

    listing_id: Mapped[uuid.UUID] = mapped_column(UuidType, primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), primary_key=True)
    first_seen_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class Lead(Base):
    """A contact request as the visitor sent it (kept here too: nothing submitted is lost)."""

    __tablename__ = "leads"
    __table_args__ = (
        Index("ix_leads_resubmission", "listing_id", "fingerprint", "submitted_at"),
        Index("uq_leads_idempotency_key", "idempotency_key", unique=True),
        Index("ix_leads_ip_submitted", "ip", "submitted_at"),
    )

    lead_id: Mapped[uuid.UUID] = mapped_column(UuidType, primary_key=True)
    case_id: Mapped[uuid.UUID] = mapped_column(UuidType)
    listing_id: Mapped[uuid.UUID] = mapped_column(UuidType)
    org_id: Mapped[uuid.UUID] = mapped_column(UuidType)
    fingerprint: Mapped[str] = mapped_column(String(64))
    idempotency_key: Mapped[str | None] = mapped_column(String(200))
    full_name: Mapped[str] = mapped_column(String(120))
    phone: Mapped[str] = mapped_column(String(32))
    email: Mapped[str | None] = mapped_column(String(254))
    message: Mapped[str | None] = mapped_column(Text)
    channel: Mapped[str | None] = mapped_column(String(20))
    ip: Mapped[str | None] = mapped_column(String(64))
    submitted_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class PublicReport(Base):
    __tablename__ = "public_reports"
    __table_args__ = (Index("ix_public_reports_resubmission", "listing_id", "fingerprint", "submitted_at"),
                      Index("ix_public_reports_ip_submitted", "ip", "submitted_at"))

    report_id: Mapped[uuid.UUID] = mapped_column(UuidType, primary_key=True)
    listing_id: Mapped[uuid.UUID] = mapped_column(UuidType)
    org_id: Mapped[uuid.UUID] = mapped_column(UuidType)
    reason_code: Mapped[str] = mapped_column(String(40))
    fingerprint: Mapped[str] = mapped_column(String(64))
    ip: Mapped[str | None] = mapped_column(String(64))
    submitted_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class DemoRequest(Base):
    __tablename__ = "demo_requests"
    __table_args__ = (Index("ix_demo_requests_resubmission", "fingerprint", "submitted_at"),
                      Index("ix_demo_requests_ip_submitted", "ip", "submitted_at"))

    case_id: Mapped[uuid.UUID] = mapped_column(UuidType, primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    full_name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(32))
    company: Mapped[str | None] = mapped_column(String(200))
    ip: Mapped[str | None] = mapped_column(String(64))
    submitted_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
