"""Provider calls over one thread-safe urllib3 pool manager (keep-alive connections per host).

urllib3 directly rather than ``requests`` (built on it): a provider call is a POST of a small body and
a JSON answer, and ``requests``' session machinery (hooks, cookies, redirects, environment proxies)
cost about as much CPU per call as the call itself. No retries here: the sender's retry policy
decides (``domain.retry``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import urllib3
from urllib3.exceptions import HTTPError

__all__ = ["HTTPError", "HttpPool", "Response"]


@dataclass(frozen=True)
class Response:
    status_code: int
    reason: str | None
    body: bytes

    def json(self) -> dict[str, Any]:
        """The JSON object answered (``{"raw": …}`` for anything else)."""
        try:
            data = json.loads(self.body)
        except ValueError:
            return {"raw": self.body[:300].decode(errors="replace")}
        return data if isinstance(data, dict) else {"raw": data}


class HttpPool:
    def __init__(self, pool_size: int = 20) -> None:
        self._pools = urllib3.PoolManager(num_pools=8, maxsize=pool_size, retries=False)

    def post(self, url: str, body: bytes, headers: dict[str, str], timeout: tuple[float, float]) -> Response:
        res = self._pools.request("POST", url, body=body, headers=headers, redirect=False,
                                  timeout=urllib3.Timeout(connect=timeout[0], read=timeout[1]))
        return Response(res.status, res.reason, res.data)

    def post_json(self, url: str, payload: dict[str, Any], headers: dict[str, str],
                  timeout: tuple[float, float]) -> Response:
        return self.post(url, json.dumps(payload).encode(), {**headers, "Content-Type": "application/json"},
                         timeout)
