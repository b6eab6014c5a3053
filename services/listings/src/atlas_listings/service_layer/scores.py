"""Quality and duplicate assessments of one listing, from its current data and photos."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy.orm import Session

from atlas_listings.adapters.orm import Annonce, ListingMedia
from atlas_listings.adapters.repositories import MediaRepository, duplicate_candidates, settings_of
from atlas_listings.domain import duplicates, quality
from atlas_listings.domain.policy import DEFAULT_POLICY, ListingPolicy


def policy_of(session: Session) -> ListingPolicy:
    row = settings_of(session)
    if row is None:
        return DEFAULT_POLICY
    return ListingPolicy(quality_threshold=row.quality_threshold,
                         duplicate_threshold=row.duplicate_threshold, min_photos=row.min_photos)


def _dec(value: object) -> Decimal | None:
    return Decimal(str(value)) if value is not None else None


def quality_of(a: Annonce, media: list[ListingMedia], policy: ListingPolicy) -> quality.Quality:
    return quality.assess(quality.QualityFacts(
        title=a.title, description=a.description, price=_dec(a.price), surface_m2=_dec(a.surface_m2),
        city=a.city, zone=a.zone, rooms=a.rooms, amenities=tuple(a.amenities or ()),
        has_geo=a.lat is not None and a.lng is not None, photos=len(media),
        has_primary=any(m.is_primary for m in media)), policy.min_photos)


def _facts(a: Annonce, hashes: set[str]) -> duplicates.DuplicateFacts:
    return duplicates.DuplicateFacts(
        id=str(a.id), org_id=str(a.org_id), contact_phone=a.contact_phone, city=a.city, zone=a.zone,
        price=_dec(a.price), surface_m2=_dec(a.surface_m2),
        text=f"{a.title or ''} {a.description or ''}", photo_hashes=frozenset(hashes))


def duplicates_of(session: Session, a: Annonce, media: list[ListingMedia]) -> duplicates.Assessment:
    hashes = {m.sha256 for m in media if m.sha256}
    candidates = duplicate_candidates(session, a, hashes)
    return duplicates.assess(_facts(a, hashes), [_facts(other, h) for other, h in candidates])


def refresh_scores(session: Session, a: Annonce) -> tuple[quality.Quality, duplicates.Assessment]:
    """Recompute and store both scores (every use case that changes the listing calls this, once
    the listing is flushed)."""
    media = MediaRepository(session).of_listing(a.id)
    assessed_quality = quality_of(a, media, policy_of(session))
    assessed_duplicates = duplicates_of(session, a, media)
    a.quality_score, a.duplicate_score = assessed_quality.score, assessed_duplicates.score
    return assessed_quality, assessed_duplicates
