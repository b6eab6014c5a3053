"""The event envelope every service publishes and consumes (interfaces.md, "Events")."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from atlas_shared.db.types import utcnow


def exchange_for(service: str) -> str:
    return f"atlas.{service}"


def json_safe(value: Any) -> Any:
    """Plain JSON values for payloads, diffs and envelopes (no floats for money)."""
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [json_safe(v) for v in value]
    if isinstance(value, (uuid.UUID, Decimal)):
        return str(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return value


@dataclass(frozen=True)
class Event:
    type: str
    payload: dict[str, Any]
    org_id: str | None = None
    actor: str | None = None
    correlation_id: str | None = None
    version: int = 1
    id: str = field(default_factory=lambda: str(uuid.uuid4()))
    occurred_at: str = field(default_factory=lambda: utcnow().isoformat())

    def to_dict(self) -> dict[str, Any]:
        # Field by field: dataclasses.asdict deep-copies the payload before json_safe copies it again.
        return {"type": self.type, "payload": json_safe(self.payload), "org_id": self.org_id,
                "actor": self.actor, "correlation_id": self.correlation_id, "version": self.version,
                "id": self.id, "occurred_at": self.occurred_at}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Event:
        missing = {"id", "type", "payload"} - set(data)
        if missing:
            raise ValueError(f"not an Atlas event envelope, missing {sorted(missing)}")
        return cls(id=str(data["id"]), type=str(data["type"]), payload=dict(data["payload"]),
                   org_id=data.get("org_id"), actor=data.get("actor"),
                   correlation_id=data.get("correlation_id"), version=int(data.get("version", 1)),
                   occurred_at=str(data.get("occurred_at") or utcnow().isoformat()))
