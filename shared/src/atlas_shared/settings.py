"""Environment-based settings (12-factor, prefix ``ATLAS_``), read once per process."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from atlas_shared.security import SecuritySettings

EMBEDDED_BROKER = "filesystem://"
# The organisation `make run` seeds and `atlas token` defaults to.
DEMO_ORG_ID = "8f1c2a3b-0000-4000-8000-000000000001"


def var_dir(env: dict[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    return Path(env.get("ATLAS_VAR_DIR", "var")).resolve()


@dataclass(frozen=True)
class ServiceSettings:
    service: str
    database_url: str
    broker_url: str
    host: str
    port: int
    workers: int
    var_dir: Path
    security: SecuritySettings
    log_level: str
    max_body_bytes: int

    @classmethod
    def from_env(cls, service: str, default_port: int,
                 env: dict[str, str] | None = None) -> ServiceSettings:
        env = dict(os.environ if env is None else env)
        key = service.upper().replace("-", "_")
        folder = var_dir(env)
        return cls(
            service=service,
            database_url=env.get(f"ATLAS_{key}_DATABASE_URL") or f"sqlite:///{folder}/{service}.db",
            broker_url=env.get("ATLAS_BROKER_URL") or EMBEDDED_BROKER,
            host=env.get(f"ATLAS_{key}_HOST", "127.0.0.1"),
            port=int(env.get(f"ATLAS_{key}_PORT", default_port)),
            workers=int(env.get(f"ATLAS_{key}_WORKERS", "2")),
            var_dir=folder,
            security=SecuritySettings.from_env(env),
            log_level=env.get("ATLAS_LOG_LEVEL", "INFO"),
            max_body_bytes=int(env.get("ATLAS_MAX_BODY_BYTES", str(25 * 1024 * 1024))),
        )
