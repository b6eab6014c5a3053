"""One interface for every provider: ``send(request) -> Accepted``, raising ``SendFailed``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from atlas_outbound.domain.retry import Failure


@dataclass(frozen=True)
class Account:
    """An org's credentials for one channel (decrypted only for the call)."""

    account: str                 # WhatsApp phone-number id, Twilio account SID, email from address
    secret: str | None           # access token, auth token
    sender: str | None = None    # SMS from number


@dataclass(frozen=True)
class SendRequest:
    message_id: str
    channel: str
    to: str
    text: str | None
    subject: str | None
    template_code: str | None
    template_language: str | None
    template_values: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Accepted:
    provider_message_id: str
    http_status: int | None
    response: dict[str, Any]


class SendFailed(Exception):
    def __init__(self, failure: Failure, response: dict[str, Any] | None = None) -> None:
        self.failure, self.response = failure, response or {}
        super().__init__(failure.message)


class Provider(Protocol):
    channel: str

    def send(self, request: SendRequest, account: Account) -> Accepted: ...


def sanitise(text: str, secrets: list[str | None], limit: int = 500) -> str:
    """Errors are stored and shown: never with a token in them, never unbounded."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text[:limit]
