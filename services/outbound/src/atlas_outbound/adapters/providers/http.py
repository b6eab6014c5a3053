"""A pooled HTTP session per thread (requests sessions are not guaranteed thread-safe)."""

from __future__ import annotations

import threading

import requests
from requests.adapters import HTTPAdapter


class SessionPool:
    def __init__(self, pool_size: int = 20) -> None:
        self.pool_size = pool_size
        self._local = threading.local()

    def get(self) -> requests.Session:
        session = getattr(self._local, "session", None)
        if session is None:
            session = requests.Session()
            adapter = HTTPAdapter(pool_connections=4, pool_maxsize=self.pool_size, max_retries=0)
            session.mount("http://", adapter)
            session.mount("https://", adapter)
            self._local.session = session
        return session
