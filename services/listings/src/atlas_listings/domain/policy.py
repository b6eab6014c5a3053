"""An organisation's listing policy: thresholds and minimum photos, with their defaults and bounds."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ListingPolicy:
    quality_threshold: int = 60
    duplicate_threshold: int = 70
    min_photos: int = 3


DEFAULT_POLICY = ListingPolicy()
BOUNDS = {"qualityThreshold": (0, 100), "duplicateThreshold": (1, 100), "minPhotos": (3, 20)}
