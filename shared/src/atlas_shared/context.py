"""Who is acting, for which org, under which correlation id.

The request context is built once per request (HTTP) or per event (consumer) and handed to the
service layer; log records read the same values through context variables.
"""

from __future__ import annotations

import contextvars
import re
import uuid
from dataclasses import dataclass, field

correlation_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar("correlation_id",
                                                                               default=None)
org_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar("org_id", default=None)
user_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar("user_id", default=None)

_SANE_ID = re.compile(r"[A-Za-z0-9._-]{1,128}")


def new_correlation_id() -> str:
    return uuid.uuid4().hex


def sane_correlation_id(value: str | None) -> str:
    return value if value and _SANE_ID.fullmatch(value) else new_correlation_id()


@dataclass(frozen=True)
class RequestContext:
    org_id: str | None
    user_id: str
    roles: frozenset[str] = field(default_factory=frozenset)
    correlation_id: str = field(default_factory=new_correlation_id)

    def has_any_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    @classmethod
    def system(cls, org_id: str | None = None, correlation_id: str | None = None,
               actor: str = "system") -> RequestContext:
        return cls(org_id=org_id, user_id=actor, roles=frozenset({"SYSTEM"}),
                   correlation_id=correlation_id or new_correlation_id())

    def bind_logs(self) -> None:
        correlation_id_var.set(self.correlation_id)
        org_id_var.set(self.org_id)
        user_id_var.set(self.user_id)
