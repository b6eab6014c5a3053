"""Tables owned by the listings service (its own database)."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, MetaData, Numeric, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from atlas_shared.db.platform import NAMING
from atlas_shared.db.tenancy import TenantScoped
from atlas_shared.db.types import JsonType, UtcDateTime, UuidType, new_id, utcnow

metadata = MetaData(naming_convention=NAMING)


class Base(DeclarativeBase):
    metadata = metadata


class Annonce(TenantScoped, Base):
    __tablename__ = "annonces"
    __table_args__ = (
        Index("ix_annonces_org_status_created", "org_id", "status", "created_at"),
        Index("ix_annonces_org_created", "org_id", "created_at"),
        Index("ix_annonces_org_city", "org_id", "city"),
        # Duplicate detection looks across organisations by phone and by place.
        Index("ix_annonces_contact_phone", "contact_phone"),
        Index("ix_annonces_city_zone", "city", "zone"),
    )

    id: Mapped[uuid.UUID] = mapped_column(UuidType, primary_key=True, default=new_id)
    status: Mapped[str] = mapped_column(String(40))
    transaction_type: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(120))
    description: Mapped[str | None] = mapped_column(Text)
    price: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    currency: Mapped[str] = mapped_column(String(3), default="MAD")
    surface_m2: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    rooms: Mapped[int | None] = mapped_column(Integer)
    bathrooms: Mapped[int | None] = mapped_column(Integer)
    amenities: Mapped[list[str]] = mapped_column(JsonType, default=list)
    city: Mapped[str | None] = mapped_column(String(120))
    zone: Mapped[str | None] = mapped_column(String(120))
    address_text: Mapped[str | None] = mapped_column(String(300))
    lat: Mapped[float | None] = mapped_column(Numeric(9, 6))
    lng: Mapped[float | None] = mapped_column(Numeric(9, 6))
    contact_name: Mapped[str | None] = mapped_column(String(120))
    contact_phone: Mapped[str | None] = mapped_column(String(32))
    contact_phone_raw: Mapped[str | None] = mapped_column(String(64))
    meta: Mapped[dict[str, Any]] = mapped_column(JsonType, default=dict)
    slug: Mapped[str] = mapped_column(String(100))
    quality_score: Mapped[int] = mapped_column(Integer, default=0)
    duplicate_score: Mapped[int] = mapped_column(Integer, default=0)
    suspension_reason: Mapped[str | None] = mapped_column(String(40))
    duplicate_override_score: Mapped[int | None] = mapped_column(Integer)
    duplicate_override_by: Mapped[str | None] = mapped_column(String(100))
    duplicate_override_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    duplicate_override_reason: Mapped[str | None] = mapped_column(String(1000))
    owner_user_id: Mapped[str | None] = mapped_column(String(100))
    created_by: Mapped[str] = mapped_column(String(100))
    version: Mapped[int] = mapped_column(Integer, default=1)
    published_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class ListingMedia(TenantScoped, Base):
    """A photo of a listing: PENDING (target issued), UPLOADED (bytes checked), READY (finalized)."""

    __tablename__ = "listing_media"
    __table_args__ = (
        # NULL hashes (pending uploads) never collide; the same image twice in a listing does.
        Index("uq_listing_media_listing_sha256", "listing_id", "sha256", unique=True),
        Index("ix_listing_media_sha256", "sha256"),
    )

    id: Mapped[uuid.UUID] = mapped_column(UuidType, primary_key=True, default=new_id)
    listing_id: Mapped[uuid.UUID] = mapped_column(UuidType, ForeignKey("annonces.id"), index=True)
    status: Mapped[str] = mapped_column(String(20))
    file_name: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(40))
    declared_size: Mapped[int] = mapped_column(BigInteger)
    byte_size: Mapped[int | None] = mapped_column(BigInteger)
    sha256: Mapped[str | None] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(300))
    thumbnail_key: Mapped[str | None] = mapped_column(String(300))
    # Public URLs fixed at finalize: events carry them and read models keep them.
    url: Mapped[str | None] = mapped_column(String(500))
    thumbnail_url: Mapped[str | None] = mapped_column(String(500))
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    is_primary: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    finalized_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class ListingSettings(TenantScoped, Base):
    """One row per organisation that changed the defaults of domain.policy."""

    __tablename__ = "listing_settings"
    __table_args__ = (Index("uq_listing_settings_org", "org_id", unique=True),)

    id: Mapped[uuid.UUID] = mapped_column(UuidType, primary_key=True, default=new_id)
    quality_threshold: Mapped[int] = mapped_column(Integer)
    duplicate_threshold: Mapped[int] = mapped_column(Integer)
    min_photos: Mapped[int] = mapped_column(Integer)
    updated_by: Mapped[str] = mapped_column(String(100))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class ListingReport(TenantScoped, Base):
    """A public report (from the portal), reviewed by moderators. Its id is the portal's reportId."""

    __tablename__ = "listing_reports"
    __table_args__ = (
        Index("ix_listing_reports_org_listing", "org_id", "listing_id"),
        Index("ix_listing_reports_org_status", "org_id", "status", "submitted_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(UuidType, primary_key=True)
    listing_id: Mapped[uuid.UUID] = mapped_column(UuidType)
    reason_code: Mapped[str] = mapped_column(String(40))
    comment: Mapped[str | None] = mapped_column(Text)
    reporter_contact: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20))
    resolution_note: Mapped[str | None] = mapped_column(Text)
    submitted_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_by: Mapped[str | None] = mapped_column(String(100))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class ListingEventCounter(TenantScoped, Base):
    """How often the public did something on a listing (WHATSAPP_CLICKED, ...)."""

    __tablename__ = "listing_event_counters"

    listing_id: Mapped[uuid.UUID] = mapped_column(UuidType, primary_key=True)
    event_type: Mapped[str] = mapped_column(String(40), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)
    last_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
