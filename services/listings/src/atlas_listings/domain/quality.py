"""Listing quality: a 0..100 score and, for each point not earned, what to do about it.

Each criterion is worth a fixed number of points; a listing that is complete, with the minimum number
of photos and one primary, scores 75 before the extras (detailed text, more photos, amenities, map).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from atlas_listings.domain.annonce import DESCRIPTION_LEN, TITLE_LEN

DETAILED_DESCRIPTION = 120
EXTRA_PHOTOS = 6


@dataclass(frozen=True)
class QualityFacts:
    title: str | None
    description: str | None
    price: Decimal | None
    surface_m2: Decimal | None
    city: str | None
    zone: str | None
    rooms: int | None
    amenities: tuple[str, ...]
    has_geo: bool
    photos: int
    has_primary: bool


@dataclass(frozen=True)
class Missing:
    field: str
    points: int
    message: str


@dataclass(frozen=True)
class Quality:
    score: int
    missing: tuple[Missing, ...]


def _text_len(value: str | None) -> int:
    return len(value.strip()) if value else 0


def assess(f: QualityFacts, min_photos: int) -> Quality:
    criteria = (
        ("title", 10, TITLE_LEN[0] <= _text_len(f.title) <= TITLE_LEN[1],
         f"Give a title of {TITLE_LEN[0]} to {TITLE_LEN[1]} characters."),
        ("description", 10, _text_len(f.description) >= DESCRIPTION_LEN[0],
         f"Write a description of at least {DESCRIPTION_LEN[0]} characters."),
        ("description", 10, _text_len(f.description) >= DETAILED_DESCRIPTION,
         f"Describe the property in more detail ({DETAILED_DESCRIPTION}+ characters)."),
        ("price", 10, f.price is not None, "Give the price."),
        ("surfaceM2", 10, f.surface_m2 is not None and f.surface_m2 > 0, "Give the surface in m²."),
        ("city", 5, bool(f.city and f.city.strip()), "Give the city."),
        ("zone", 5, bool(f.zone and f.zone.strip()), "Give the zone (neighbourhood)."),
        ("rooms", 5, f.rooms is not None, "Give the number of rooms."),
        ("photos", 20, f.photos >= min_photos and f.has_primary,
         f"Add at least {min_photos} photos and choose a primary one."),
        ("photos", 5, f.photos >= max(EXTRA_PHOTOS, min_photos + 1),
         f"Add more photos ({max(EXTRA_PHOTOS, min_photos + 1)} or more)."),
        ("amenities", 5, bool(f.amenities), "List the amenities (elevator, parking...)."),
        ("geo", 5, f.has_geo, "Place the property on the map (lat/lng)."),
    )
    score = sum(points for _, points, ok, _ in criteria if ok)
    missing = tuple(Missing(field, points, message) for field, points, ok, message in criteria if not ok)
    return Quality(score=score, missing=missing)
