"""What search indexes and how a query is read: accent-folded words, phones in every written form.

Folding happens here, in Python, so PostgreSQL needs only its 'simple' text-search configuration
(no unaccent extension) and SQLite matches exactly the same words.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

import phonenumbers

from atlas_shared.phones import InvalidPhone, to_e164

_WORD = re.compile(r"[a-z0-9]+")
_PHONE_LIKE = re.compile(r"^\+?[\d\s().-]{6,}$")
MAX_TERMS = 8
MIN_QUERY_LENGTH = 2

# A query term: every alternative is a word prefix; a document matches when it has one of them.
Term = tuple[str, ...]


def fold(text: str | None) -> str:
    return unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode().lower()


def words(text: str | None) -> list[str]:
    return _WORD.findall(fold(text))


def phone_words(e164: str | None) -> list[str]:
    """``+212661234567`` is found as 212661234567, 0661234567 and 661234567 (and their prefixes)."""
    if not e164:
        return []
    digits = e164.lstrip("+")
    try:
        national = str(phonenumbers.parse(e164).national_number)
    except phonenumbers.NumberParseException:  # stored before validation: indexed as it is
        return [digits]
    return list(dict.fromkeys([digits, "0" + national, national]))


def document(*parts: str | None, phones: Iterable[str | None] = ()) -> str:
    """The indexed form of some fields: distinct folded words between single spaces."""
    found = [w for part in parts for w in words(part)]
    found += [w for phone in phones for w in phone_words(phone)]
    return " " + " ".join(dict.fromkeys(found)) + " " if found else " "


def excerpt(text: str | None, limit: int = 240) -> str | None:
    if not text:
        return None
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def query_terms(q: str | None) -> list[Term]:
    """The terms of a query, all of which a hit must match. A query that looks like a phone number
    is one term (its international digits, or the digits as typed without leading zeros)."""
    text = (q or "").strip()
    if _PHONE_LIKE.match(text):
        digits = re.sub(r"\D", "", text)
        try:
            return [(to_e164(text).lstrip("+"),)]
        except InvalidPhone:
            return [tuple(dict.fromkeys(w for w in (digits, digits.lstrip("0")) if w))]
    found = list(dict.fromkeys(words(text)))
    longer = [w for w in found if len(w) > 1]
    return [(w,) for w in (longer or found)[:MAX_TERMS]]


def query_problem(q: str | None) -> str | None:
    if len(fold(q).strip()) < MIN_QUERY_LENGTH or not query_terms(q):
        return f"Give at least {MIN_QUERY_LENGTH} letters or digits to search for."
    return None
