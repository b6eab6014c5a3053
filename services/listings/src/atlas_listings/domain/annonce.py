"""Listing (annonce) rules: fields, statuses and the publication workflow (domain.md section 3).

No framework here: plain values in, plain values or domain errors out.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

DRAFT, PUBLISHED, SUSPENDED, ARCHIVED = "ANN_DRAFT", "ANN_PUBLISHED", "ANN_SUSPENDED", "ANN_ARCHIVED"
STATUSES = (DRAFT, PUBLISHED, SUSPENDED, ARCHIVED)
TRANSACTION_TYPES = ("TX_SALE", "TX_RENT")
DEFAULT_CURRENCY = "MAD"

# from-status -> allowed to-statuses (any non-archived -> ARCHIVED)
TRANSITIONS: dict[str, frozenset[str]] = {
    DRAFT: frozenset({PUBLISHED, ARCHIVED}),
    PUBLISHED: frozenset({SUSPENDED, ARCHIVED}),
    SUSPENDED: frozenset({PUBLISHED, ARCHIVED}),
    ARCHIVED: frozenset(),
}
# Business action recorded in the audit trail and the event type published for each target status.
STATUS_ACTIONS = {
    PUBLISHED: ("ANNONCE_PUBLISHED", "listing.published"),
    SUSPENDED: ("ANNONCE_SUSPENDED", "listing.suspended"),
    ARCHIVED: ("ANNONCE_ARCHIVED", "listing.archived"),
}
# Transition codes of the pro workflow (domain.md section 3) and the status each one reaches.
T_PUBLISH, T_SUSPEND, T_ARCHIVE = "ANN_T_PUBLISH", "ANN_T_SUSPEND", "ANN_T_ARCHIVE"
TRANSITION_TARGETS = {T_PUBLISH: PUBLISHED, T_SUSPEND: SUSPENDED, T_ARCHIVE: ARCHIVED}
SUSPEND_REASONS = ("MOD_SUSPECT_FRAUD", "MOD_ILLEGAL_CONTENT", "MOD_DUPLICATE_LISTING", "MOD_OTHER")
DEFAULT_SUSPEND_REASON = "MOD_OTHER"

TITLE_LEN = (10, 120)
DESCRIPTION_LEN = (30, 5000)
REQUIRED_TO_PUBLISH = ("title", "description", "transaction_type", "price", "surface_m2", "city")
FIELD_NAMES = {"title": "title", "description": "description", "transaction_type": "transactionType",
               "price": "price", "surface_m2": "surfaceM2", "city": "city"}


class TransitionRefused(Exception):
    def __init__(self, current: str, wanted: str) -> None:
        self.current, self.wanted = current, wanted
        allowed = sorted(TRANSITIONS.get(current, ()))
        super().__init__(f"A listing in {current} cannot move to {wanted}"
                         + (f"; allowed: {', '.join(allowed)}." if allowed else "; it is final."))


class PublicationBlocked(Exception):
    def __init__(self, reasons: dict[str, list[str]]) -> None:
        self.reasons = reasons
        super().__init__("The listing cannot be published yet: " + "; ".join(
            f"{k}: {' '.join(v)}" for k, v in reasons.items()))


def check_transition(current: str, wanted: str) -> None:
    if wanted not in TRANSITIONS.get(current, frozenset()):
        raise TransitionRefused(current, wanted)


@dataclass(frozen=True)
class ListingFacts:
    """The fields publication requires (photos, quality and trust add their own reasons)."""

    title: str | None
    description: str | None
    transaction_type: str | None
    price: Decimal | None
    surface_m2: Decimal | None
    city: str | None


def publication_blockers(facts: ListingFacts) -> dict[str, list[str]]:
    reasons: dict[str, list[str]] = {}
    for attr in REQUIRED_TO_PUBLISH:
        value = getattr(facts, attr)
        if value is None or (isinstance(value, str) and not value.strip()):
            reasons[FIELD_NAMES[attr]] = ["Required to publish."]
    if facts.title and not TITLE_LEN[0] <= len(facts.title) <= TITLE_LEN[1]:
        reasons["title"] = [f"Must be {TITLE_LEN[0]} to {TITLE_LEN[1]} characters."]
    if facts.description and not DESCRIPTION_LEN[0] <= len(facts.description) <= DESCRIPTION_LEN[1]:
        reasons["description"] = [f"Must be {DESCRIPTION_LEN[0]} to {DESCRIPTION_LEN[1]} characters."]
    if facts.surface_m2 is not None and facts.surface_m2 <= 0:
        reasons["surfaceM2"] = ["Must be greater than 0."]
    return reasons


def ensure_publishable(facts: ListingFacts) -> None:
    reasons = publication_blockers(facts)
    if reasons:
        raise PublicationBlocked(reasons)


_NON_WORD = re.compile(r"[^a-z0-9]+")


def slugify(text: str, max_len: int = 80) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    slug = _NON_WORD.sub("-", ascii_text).strip("-")
    return slug[:max_len].rstrip("-") or "annonce"


AMENITY = re.compile(r"^[A-Z][A-Z0-9_]{1,39}$")


def normalise_amenities(values: list[Any]) -> list[str]:
    """Upper-snake codes (ELEVATOR, PARKING), de-duplicated, order kept."""
    seen: list[str] = []
    for value in values:
        code = str(value).strip().upper()
        if code and code not in seen:
            seen.append(code)
    return seen
