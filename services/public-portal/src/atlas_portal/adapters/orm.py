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
    __table_args__ = (
        Index("ix_public_listings_visible_published", "visible", "published_at"),
        Index("ix_public_listings_visible_city_tx_price", "visible", "city_key", "tx", "price"),
        Index("ix_public_listings_visible_price", "visible", "price"),
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
    published_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
