"""Provider accounts per org: configured by the org's admin, secrets sealed, never shown in full."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import select

from atlas_outbound.adapters import repositories as repo
from atlas_outbound.adapters.orm import ProviderConfig
from atlas_outbound.adapters.providers import Account
from atlas_outbound.adapters.secrets import SecretBox, hint
from atlas_shared.db.types import utcnow
from atlas_shared.db.uow import UnitOfWork
from atlas_shared.errors import NotFound
from atlas_shared.web.auth import require_role

ADMINS = ("ADMIN_ORG",)
# channel → (field holding the account id, field holding the secret, field holding the sender)
FIELDS = {"WHATSAPP": ("phoneNumberId", "accessToken", None),
          "SMS": ("accountSid", "authToken", "fromNumber"),
          "EMAIL": ("fromAddress", None, "fromName")}


def config_view(row: ProviderConfig) -> dict[str, Any]:
    account, secret, sender = FIELDS[row.channel]
    body: dict[str, Any] = {"channel": row.channel, account: row.account,
                            "updatedAt": row.updated_at.isoformat(), "updatedBy": row.updated_by}
    if secret:
        body[f"{secret}Hint"] = row.secret_hint
    if sender:
        body[sender] = row.sender
    return body


def configure(uow: UnitOfWork, secrets: SecretBox, channel: str, data: dict[str, Any]) -> dict[str, Any]:
    require_role(uow.ctx, ADMINS, action="configure providers")
    account, secret, sender = FIELDS[channel]
    with uow:
        row = repo.provider_config(uow.session, channel)
        before = config_view(row) if row else None
        if row is None:
            row = ProviderConfig(channel=channel)
            uow.session.add(row)
        row.account = data[account]
        if secret:
            row.secret_encrypted, row.secret_hint = secrets.seal(data[secret]), hint(data[secret])
        row.sender = data.get(sender) if sender else None
        row.updated_by, row.updated_at = uow.ctx.user_id, utcnow()
        uow.session.flush()
        after = config_view(row)
        uow.audit("PROVIDER_CONFIGURED", "OUTBOUND_PROVIDER", row.id, before=before, after=after)
        uow.commit()
        return after


def list_configs(uow: UnitOfWork) -> list[dict[str, Any]]:
    require_role(uow.ctx, ADMINS, action="read provider settings")
    with uow:
        return [config_view(r) for r in uow.session.scalars(select(ProviderConfig)
                                                            .order_by(ProviderConfig.channel))]


def remove(uow: UnitOfWork, channel: str) -> None:
    require_role(uow.ctx, ADMINS, action="configure providers")
    with uow:
        row = repo.provider_config(uow.session, channel)
        if row is None:
            raise NotFound(f"No {channel} provider is configured.", code="PROVIDER_NOT_CONFIGURED")
        uow.audit("PROVIDER_REMOVED", "OUTBOUND_PROVIDER", row.id, before=config_view(row))
        uow.session.delete(row)
        uow.commit()


class AccountCache:
    """Decrypted accounts for the senders, re-read after ``ttl`` seconds (admins may rotate tokens)."""

    def __init__(self, session_factory: Callable[[], Any], secrets: SecretBox, ttl: float = 30.0) -> None:
        self.session_factory, self.secrets, self.ttl = session_factory, secrets, ttl
        self._cache: dict[tuple[Any, str], tuple[float, Account | None]] = {}
        self._lock = threading.Lock()

    def get(self, org_id: Any, channel: str) -> Account | None:
        key = (org_id, channel)
        with self._lock:
            hit = self._cache.get(key)
        if hit and time.monotonic() - hit[0] < self.ttl:
            return hit[1]
        with self.session_factory() as session:
            row = session.scalar(select(ProviderConfig).where(ProviderConfig.org_id == org_id,
                                                              ProviderConfig.channel == channel))
            account = Account(row.account, self.secrets.open(row.secret_encrypted)
                              if row.secret_encrypted else None, row.sender) if row else None
        with self._lock:
            self._cache[key] = (time.monotonic(), account)
        return account


def twilio_token(session: Any, secrets: SecretBox, account_sid: str) -> tuple[Any, str] | None:
    """(org, auth token) of the org whose SMS account is ``account_sid`` (webhooks carry no org)."""
    row = session.scalar(select(ProviderConfig).where(ProviderConfig.channel == "SMS",
                                                      ProviderConfig.account == account_sid))
    return (row.org_id, secrets.open(row.secret_encrypted)) if row and row.secret_encrypted else None


def twilio_auth_token(uow: UnitOfWork, secrets: SecretBox, account_sid: str) -> str | None:
    """The auth token that signs callbacks for ``account_sid`` (a system lookup across orgs)."""
    with uow:
        found = twilio_token(uow.session, secrets, account_sid)
    return found[1] if found else None
