"""One JSON line per request, cheap enough for the hot path.

The stdlib logging chain (record, handler lock, formatter, one write per line) costs more than the
rest of the gateway's own work on a request. Lines here have the same fields as every Atlas
service's JSON logs (``atlas_shared.logs``) but are built directly and written in batches: at most
every ``interval`` seconds, when ``max_buffer`` bytes are waiting, and when the worker stops.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
from datetime import UTC, datetime
from typing import Any


class AccessLog:
    def __init__(self, service: str = "gateway", fd: int = 2, interval: float = 0.5,
                 max_buffer: int = 64 * 1024) -> None:
        self.service = service
        self.fd = fd
        self.interval = interval
        self.max_buffer = max_buffer
        self._lines: list[bytes] = []
        self._size = 0
        self._flush_handle: asyncio.TimerHandle | None = None
        self._second = 0
        self._second_text = ""

    def _timestamp(self, now: float) -> str:
        """ISO 8601 UTC with milliseconds, as ``atlas_shared.logs``; the date part built once a second."""
        second = int(now)
        if second != self._second:
            self._second = second
            self._second_text = datetime.fromtimestamp(second, UTC).strftime("%Y-%m-%dT%H:%M:%S")
        return f"{self._second_text}.{int((now - second) * 1000):03d}+00:00"

    def write(self, correlation_id: str, org_id: str | None, user_id: str | None, **fields: Any) -> None:
        entry = {"ts": self._timestamp(time.time()),
                 "level": "INFO", "service": self.service, "logger": "atlas_gateway.access",
                 "msg": "request", "correlation_id": correlation_id, "org_id": org_id,
                 "user_id": user_id, **fields}
        line = (json.dumps(entry, default=str) + "\n").encode()
        self._lines.append(line)
        self._size += len(line)
        if self._size >= self.max_buffer:
            self.flush()
        elif self._flush_handle is None:
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:
                self.flush()
                return
            self._flush_handle = loop.call_later(self.interval, self.flush)

    def flush(self) -> None:
        if self._flush_handle is not None:
            self._flush_handle.cancel()
            self._flush_handle = None
        if not self._lines:
            return
        data = b"".join(self._lines)
        self._lines.clear()
        self._size = 0
        try:
            while data:
                data = data[os.write(self.fd, data):]
        except OSError:
            pass  # a closed or non-blocking full stderr: lose the batch, never the request
