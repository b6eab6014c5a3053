"""Text normalisation shared by indexing and querying: accents folded, lower case, words only.

Done in Python so that PostgreSQL needs no ``unaccent`` extension and SQLite behaves the same.
"""

from __future__ import annotations

import re
import unicodedata

_WORD = re.compile(r"[a-z0-9]+")
MAX_QUERY_WORDS = 8


def fold(text: str | None) -> str:
    return unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode().lower()


def words(text: str | None) -> list[str]:
    return _WORD.findall(fold(text))


def searchable(*parts: str | None) -> str:
    """The indexed text of a listing: every word of its title, description, city and zone."""
    return " ".join(w for part in parts for w in words(part))


def query_words(q: str | None) -> list[str]:
    """The words a visitor searched for (deduplicated, bounded: a query is not a document)."""
    seen: list[str] = []
    for word in words(q):
        if word not in seen:
            seen.append(word)
    return seen[:MAX_QUERY_WORDS]


def place_key(text: str | None) -> str | None:
    """City/zone as it appears in URLs and filters: ``Fès`` → ``fes``, ``Hay Riad`` → ``hay-riad``."""
    found = words(text)
    return "-".join(found) if found else None
