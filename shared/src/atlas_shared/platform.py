"""What every service's composition root builds once per process: settings, database, broker."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from atlas_shared.context import RequestContext
from atlas_shared.db.engine import Database
from atlas_shared.db.uow import UnitOfWork
from atlas_shared.messaging.broker import Broker
from atlas_shared.security import TokenVerifier
from atlas_shared.settings import ServiceSettings


@dataclass
class Platform:
    settings: ServiceSettings
    db: Database
    broker: Broker
    verifier: TokenVerifier
    extras: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def build(cls, settings: ServiceSettings) -> Platform:
        return cls(settings=settings, db=Database(settings.database_url),
                   broker=Broker(settings.broker_url, settings.var_dir),
                   verifier=TokenVerifier(settings.security))

    @property
    def service(self) -> str:
        return self.settings.service

    def uow(self, ctx: RequestContext, *, read_only: bool = False,
            tenant_bypass: bool = False) -> UnitOfWork:
        return UnitOfWork(self.db, ctx, self.service, read_only=read_only, tenant_bypass=tenant_bypass)
