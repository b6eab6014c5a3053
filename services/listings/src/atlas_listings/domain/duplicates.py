"""Duplicate signals between two listings and the 0..100 duplicate score (domain.md section 3, Trust).

A listing's score is that of its closest look-alike: the signals it shares with one other listing are
added up (capped at 100), and the worst candidate decides.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

SAME_PHONE, SAME_PLACE, SIMILAR_TEXT, SHARED_PHOTOS = (
    "SAME_CONTACT_PHONE", "SAME_ZONE_NEAR_PRICE_SURFACE", "NEAR_IDENTICAL_TEXT", "SHARED_PHOTOS")
WEIGHTS = {SAME_PHONE: 20, SAME_PLACE: 35, SIMILAR_TEXT: 35, SHARED_PHOTOS: 70}
NEAR = Decimal("0.05")           # price and surface within 5 %
TEXT_SIMILAR, TEXT_CLOSE = 0.8, 0.6  # Jaccard of word 3-shingles: full weight, then 60 % of it
SHINGLE = 3

_WORD = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True)
class DuplicateFacts:
    id: str
    org_id: str
    contact_phone: str | None
    city: str | None
    zone: str | None
    price: Decimal | None
    surface_m2: Decimal | None
    text: str
    photo_hashes: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True)
class Signal:
    code: str
    points: int
    other_id: str
    other_org_id: str
    detail: str


def normalise(text: str | None) -> str:
    plain = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode().lower()
    return " ".join(_WORD.findall(plain))


def shingles(text: str) -> frozenset[tuple[str, ...]]:
    words = normalise(text).split()
    if len(words) < SHINGLE:
        return frozenset([tuple(words)]) if words else frozenset()
    return frozenset(tuple(words[i:i + SHINGLE]) for i in range(len(words) - SHINGLE + 1))


def jaccard(a: frozenset[tuple[str, ...]], b: frozenset[tuple[str, ...]]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def _near(a: Decimal | None, b: Decimal | None) -> bool:
    if a is None or b is None or a <= 0 or b <= 0:
        return False
    return abs(a - b) <= NEAR * max(a, b)


def _same_place(a: DuplicateFacts, b: DuplicateFacts) -> bool:
    return (bool(a.city and a.zone) and normalise(a.city) == normalise(b.city)
            and normalise(a.zone) == normalise(b.zone)
            and _near(a.price, b.price) and _near(a.surface_m2, b.surface_m2))


def signals_between(mine: DuplicateFacts, other: DuplicateFacts) -> list[Signal]:
    found: list[Signal] = []

    def add(code: str, points: int, detail: str) -> None:
        found.append(Signal(code, points, other.id, other.org_id, detail))

    if mine.contact_phone and mine.contact_phone == other.contact_phone:
        add(SAME_PHONE, WEIGHTS[SAME_PHONE], "Same contact phone number.")
    if _same_place(mine, other):
        add(SAME_PLACE, WEIGHTS[SAME_PLACE], "Same city and zone, price and surface within 5 %.")
    similarity = jaccard(shingles(mine.text), shingles(other.text))
    if similarity >= TEXT_CLOSE:
        weight = WEIGHTS[SIMILAR_TEXT] if similarity >= TEXT_SIMILAR else round(WEIGHTS[SIMILAR_TEXT] * 0.6)
        add(SIMILAR_TEXT, weight, f"Title and description {round(similarity * 100)} % identical.")
    shared = mine.photo_hashes & other.photo_hashes
    if shared:
        add(SHARED_PHOTOS, WEIGHTS[SHARED_PHOTOS], f"{len(shared)} identical photo(s).")
    return found


@dataclass(frozen=True)
class Assessment:
    score: int
    signals: tuple[Signal, ...]


def assess(mine: DuplicateFacts, candidates: list[DuplicateFacts]) -> Assessment:
    """The closest candidate's summed signals decide the score; every signal is reported."""
    best, every = 0, []
    for other in candidates:
        if other.id == mine.id:
            continue
        signals = signals_between(mine, other)
        every += signals
        best = max(best, min(100, sum(s.points for s in signals)))
    every.sort(key=lambda s: -s.points)
    return Assessment(score=best, signals=tuple(every))


def blocks_publication(score: int, threshold: int, overridden_score: int | None) -> bool:
    """At or above the threshold, only a manager's override (for this score or a higher one) lets
    the listing through; a new, stronger signal after the override blocks it again."""
    if score < threshold:
        return False
    return overridden_score is None or score > overridden_score
