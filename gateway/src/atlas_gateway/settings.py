"""Gateway settings, read once per process from ``ATLAS_*`` environment variables."""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass

from atlas_shared.security import SecuritySettings

DEFAULT_UPSTREAMS = {
    "crm": "http://127.0.0.1:8001",
    "listings": "http://127.0.0.1:8002",
    "outbound": "http://127.0.0.1:8003",
    "coop": "http://127.0.0.1:8004",
    "portal": "http://127.0.0.1:8005",
}
_PERIODS = {"second": 1.0, "minute": 60.0, "hour": 3600.0, "day": 86400.0}

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True)
class Rate:
    """A token bucket: ``capacity`` requests at once, refilled at ``per_second``."""

    capacity: float
    per_second: float

    @classmethod
    def parse(cls, text: str) -> Rate:
        """``"120/minute"``, ``"5/second"``, ``"1000/hour"`` or ``"100/day"``."""
        count, _, period = text.strip().partition("/")
        seconds = _PERIODS.get(period.strip().lower().rstrip("s"))
        if seconds is None or not count.strip().isdigit() or int(count) <= 0:
            raise ValueError(f"Rate limit {text!r} is not of the form N/second|minute|hour|day.")
        return cls(capacity=float(count), per_second=int(count) / seconds)


@dataclass(frozen=True)
class Settings:
    upstreams: Mapping[str, str]
    security: SecuritySettings
    host: str = "127.0.0.1"
    port: int = 8080
    workers: int = 2
    upstream_timeout: float = 30.0
    upstream_keepalive: float = 15.0
    upstream_connections: int = 512
    max_body_bytes: int = 25 * 1024 * 1024
    public_read_rate: Rate = Rate.parse("120/minute")
    public_write_rate: Rate = Rate.parse("20/minute")
    webhook_rate: Rate = Rate.parse("1200/minute")
    trusted_proxies: tuple[Network, ...] = ()
    token_cache_size: int = 10_000
    openapi_ttl: float = 30.0
    probe_timeout: float = 2.0
    access_log: bool = True
    log_level: str = "INFO"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        upstreams = {name: env.get(f"ATLAS_{name.upper()}_URL") or url
                     for name, url in DEFAULT_UPSTREAMS.items()}
        return cls(
            upstreams={name: url.rstrip("/") for name, url in upstreams.items()},
            security=SecuritySettings.from_env(dict(env)),
            host=env.get("ATLAS_GATEWAY_HOST", "127.0.0.1"),
            port=int(env.get("ATLAS_GATEWAY_PORT", "8080")),
            workers=int(env.get("ATLAS_GATEWAY_WORKERS", "2")),
            upstream_timeout=float(env.get("ATLAS_GATEWAY_UPSTREAM_TIMEOUT", "30")),
            upstream_keepalive=float(env.get("ATLAS_GATEWAY_UPSTREAM_KEEPALIVE", "15")),
            upstream_connections=int(env.get("ATLAS_GATEWAY_UPSTREAM_CONNECTIONS", "512")),
            max_body_bytes=int(env.get("ATLAS_GATEWAY_MAX_BODY_BYTES", str(25 * 1024 * 1024))),
            public_read_rate=Rate.parse(env.get("ATLAS_PUBLIC_RATE_LIMIT_READ", "120/minute")),
            public_write_rate=Rate.parse(env.get("ATLAS_PUBLIC_RATE_LIMIT_WRITE", "20/minute")),
            webhook_rate=Rate.parse(env.get("ATLAS_WEBHOOK_RATE_LIMIT", "1200/minute")),
            trusted_proxies=parse_networks(env.get("ATLAS_TRUSTED_PROXIES", "")),
            token_cache_size=int(env.get("ATLAS_GATEWAY_TOKEN_CACHE_SIZE", "10000")),
            openapi_ttl=float(env.get("ATLAS_GATEWAY_OPENAPI_TTL", "30")),
            probe_timeout=float(env.get("ATLAS_GATEWAY_PROBE_TIMEOUT", "2")),
            access_log=env.get("ATLAS_GATEWAY_ACCESS_LOG", "1").lower() not in {"0", "false", "no"},
            log_level=env.get("ATLAS_LOG_LEVEL", "INFO"),
        )


def parse_networks(text: str) -> tuple[Network, ...]:
    """Comma-separated addresses or CIDR blocks, e.g. ``"127.0.0.1, 10.0.0.0/8"``."""
    return tuple(ipaddress.ip_network(part.strip(), strict=False)
                 for part in text.split(",") if part.strip())
