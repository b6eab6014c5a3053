"""Outbound settings (env, prefix ``ATLAS_OUTBOUND_``), read once per process by the composition root."""

from __future__ import annotations

import os
from dataclasses import dataclass


def _floats(raw: str) -> tuple[float, ...]:
    """``"60,300,900"`` or ``"1m,5m,15m,1h,6h"`` → seconds."""
    units = {"s": 1, "m": 60, "h": 3600}
    values = []
    for part in raw.split(","):
        part = part.strip().lower()
        if not part:
            continue
        factor = units.get(part[-1])
        values.append(float(part[:-1]) * factor if factor else float(part))
    if not values or any(v < 0 for v in values):
        raise ValueError(f"not a retry schedule: {raw!r}")
    return tuple(values)


@dataclass(frozen=True)
class OutboundSettings:
    senders: int                        # sending threads per worker process
    batch_size: int                     # rows claimed at once by one sender
    lease_seconds: float                # a claimed row is someone else's to recover after this
    poll_seconds: float                 # how often an idle worker process looks for due rows
    retry_schedule: tuple[float, ...]   # delay before attempt 2, 3, ... (max attempts = len + 1)
    retry_jitter: float                 # +/- fraction of each delay
    pair_rate_delay: float              # WhatsApp 131056: wait before that recipient again
    daily_quota: int                    # sends accepted per org per UTC day
    per_minute: int                     # sends accepted per org per minute
    whatsapp_base_url: str
    whatsapp_api_version: str
    whatsapp_app_secret: str | None
    whatsapp_verify_token: str | None
    twilio_base_url: str
    smtp_host: str | None
    smtp_port: int
    smtp_user: str | None
    smtp_password: str | None
    smtp_starttls: bool
    email_from: str
    public_url: str                     # how providers reach us (Twilio signs this URL)
    http_timeout: float
    secrets_key: str
    ops_org_id: str | None              # its ADMIN_ORG may read every org's figures
    send_concurrency: int = 8           # provider calls one sender has in flight at once

    @property
    def max_attempts(self) -> int:
        return len(self.retry_schedule) + 1

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> OutboundSettings:
        e = dict(os.environ if env is None else env)
        p = "ATLAS_OUTBOUND_"
        return cls(
            senders=int(e.get(f"{p}SENDERS", "4")),
            batch_size=int(e.get(f"{p}BATCH_SIZE", "20")),
            lease_seconds=float(e.get(f"{p}LEASE_SECONDS", "120")),
            poll_seconds=float(e.get(f"{p}POLL_SECONDS", "0.2")),
            retry_schedule=_floats(e.get(f"{p}RETRY_SCHEDULE", "1m,5m,15m,1h,6h")),
            retry_jitter=float(e.get(f"{p}RETRY_JITTER", "0.2")),
            pair_rate_delay=float(e.get(f"{p}PAIR_RATE_DELAY_SECONDS", "60")),
            daily_quota=int(e.get(f"{p}DAILY_QUOTA", "10000")),
            per_minute=int(e.get(f"{p}PER_MINUTE", "600")),
            whatsapp_base_url=e.get(f"{p}WHATSAPP_BASE_URL", "https://graph.facebook.com").rstrip("/"),
            whatsapp_api_version=e.get(f"{p}WHATSAPP_API_VERSION", "v21.0"),
            whatsapp_app_secret=e.get("ATLAS_WHATSAPP_APP_SECRET") or None,
            whatsapp_verify_token=e.get("ATLAS_WHATSAPP_VERIFY_TOKEN") or None,
            twilio_base_url=e.get(f"{p}TWILIO_BASE_URL", "https://api.twilio.com").rstrip("/"),
            smtp_host=e.get(f"{p}SMTP_HOST") or None,
            smtp_port=int(e.get(f"{p}SMTP_PORT", "587")),
            smtp_user=e.get(f"{p}SMTP_USER") or None,
            smtp_password=e.get(f"{p}SMTP_PASSWORD") or None,
            smtp_starttls=e.get(f"{p}SMTP_STARTTLS", "true").lower() in ("1", "true", "yes"),
            email_from=e.get(f"{p}EMAIL_FROM", "Atlas <no-reply@atlas.local>"),
            public_url=e.get(f"{p}PUBLIC_URL", "http://127.0.0.1:8080").rstrip("/"),
            http_timeout=float(e.get(f"{p}HTTP_TIMEOUT", "10")),
            secrets_key=e.get(f"{p}SECRETS_KEY", "atlas-outbound-dev-secrets-key-change-me"),
            ops_org_id=e.get("ATLAS_OPS_ORG_ID") or e.get("ATLAS_PLATFORM_ORG_ID") or None,
            send_concurrency=max(1, int(e.get(f"{p}SEND_CONCURRENCY", "8"))),
        )
