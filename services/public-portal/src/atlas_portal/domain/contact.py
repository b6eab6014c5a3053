"""Rules for what the public sends: leads, reports, click events, Biz demo requests (domain.md 9)."""

from __future__ import annotations

import hashlib
from datetime import timedelta

CHANNELS = ("WHATSAPP", "PHONE", "SMS", "EMAIL")
REPORT_REASONS = ("REPORT_FRAUD", "REPORT_DUPLICATE", "REPORT_WRONG_INFO", "REPORT_SPAM", "REPORT_OTHER")
EVENT_TYPES = ("WHATSAPP_CLICKED", "PHONE_CLICKED", "PHONE_REVEALED", "EMAIL_CLICKED", "SHARE_CLICKED",
               "FAVORITE_ADDED", "GALLERY_OPENED")
# The same form sent again within this window is the same submission (double click, reload, bot).
RESUBMISSION_WINDOW = timedelta(minutes=10)
# The durable per-address budget of public submissions (leads, reports, demo requests together),
# counted in the database so that it holds across processes, instances and restarts.
QUOTA_WINDOW = timedelta(hours=1)
HONEYPOT = "website"  # hidden from people; a bot that fills it gets a fake success and nothing else
CONSENT_TEXT = ("J'accepte que l'agence qui publie cette annonce me contacte au sujet de ma demande, "
                "par le canal que j'ai choisi.")
DEMO_CONSENT_TEXT = "J'accepte qu'Atlas me contacte au sujet de ma demande de démonstration."


def is_bot(data: dict[str, object]) -> bool:
    return bool(str(data.get(HONEYPOT) or "").strip())


def fingerprint(*parts: object) -> str:
    """A stable hash of what makes two submissions the same one."""
    text = "\x1f".join(" ".join(str(p or "").split()).lower() for p in parts)
    return hashlib.sha256(text.encode()).hexdigest()
