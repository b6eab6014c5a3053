"""Closed-loop HTTP load at a fixed concurrency over keep-alive connections (run in its own process).

Each request comes from a list (method, path, body) that the clients walk through together, so
every create has its own phone and every status change its own dossier. Only requests sent after the
warm-up and answered before the end are measured.
"""

from __future__ import annotations

import asyncio
import importlib.util
import itertools
import json
import sys
import time
from pathlib import Path
from typing import Any

# The process helpers and the HTTP/1.1 response reader of the gateway bench, reused as they are.
_spec = importlib.util.spec_from_file_location("gateway_bench",
                                               Path(__file__).parents[1] / "gateway" / "run.py")
gateway_bench = importlib.util.module_from_spec(_spec)  # type: ignore[arg-type]
_spec.loader.exec_module(gateway_bench)  # type: ignore[union-attr]
HOST = "127.0.0.1"


def encode(port: int, headers: dict[str, str], method: str, path: str, body: Any) -> bytes:
    data = json.dumps(body).encode() if body is not None else b""
    lines = [f"{method} {path} HTTP/1.1", f"Host: {HOST}:{port}", *(f"{k}: {v}" for k, v in headers.items())]
    if body is not None:
        lines += ["Content-Type: application/json", f"Content-Length: {len(data)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + data


async def _client(port: int, requests: Any, window: tuple[float, float], latencies: list[float],
                  statuses: dict[int, int], errors: list[str], answered: list[int]) -> None:
    measure_from, stop_at = window
    reader = writer = None
    while time.perf_counter() < stop_at:
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection(HOST, port)
            sent = time.perf_counter()
            writer.write(next(requests))
            status, keep_alive = await gateway_bench._read_response(reader)
            done = time.perf_counter()
            answered[0] += 1
            if sent >= measure_from and done <= stop_at:
                latencies.append(done - sent)
                statuses[status] = statuses.get(status, 0) + 1
            if not keep_alive:
                writer.close()
                writer = None
        except StopIteration:
            return
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError) as exc:
            errors.append(type(exc).__name__)
            if writer is not None:
                writer.close()
            writer = None
            await asyncio.sleep(0.01)
    if writer is not None:
        writer.close()


async def run(port: int, headers: dict[str, str], requests: list[list[Any]], concurrency: int, warmup: float,
              duration: float, cycle: bool) -> dict[str, Any]:
    encoded = [encode(port, headers, m, p, b) for m, p, b in requests]
    source = itertools.cycle(encoded) if cycle else iter(encoded)
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    errors: list[str] = []
    answered = [0]
    start = time.perf_counter()
    window = (start + warmup, start + warmup + duration)
    await asyncio.gather(*(_client(port, source, window, latencies, statuses, errors, answered)
                           for _ in range(concurrency)))
    measured = min(duration, max(time.perf_counter() - window[0], 1e-9))
    latencies.sort()
    count = len(latencies)

    def pct(p: float) -> float:
        return latencies[min(count - 1, int(p * count))] * 1000 if count else float("nan")

    return {"requests": count, "rps": count / measured, "p50_ms": pct(0.50), "p99_ms": pct(0.99),
            "statuses": {str(k): v for k, v in sorted(statuses.items())}, "errors": len(errors),
            "sent": answered[0]}


def main() -> None:
    spec = json.loads(Path(sys.argv[1]).read_text())
    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass
    print(json.dumps(asyncio.run(run(**spec))))


if __name__ == "__main__":
    main()
