"""The whole Atlas stack for end-to-end tests: gateway, five services and their workers as real
processes (``atlas_shared.cli.devstack.Stack``), on free ports, in a temporary var dir.

Databases: a fresh PostgreSQL database per service when ``ATLAS_TEST_DATABASE_URL`` is set (dropped
afterwards), SQLite files otherwise. Broker: ``ATLAS_TEST_BROKER_URL`` when set, else the embedded
``filesystem://`` transport. Tests talk to the gateway only.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
import requests

from atlas_shared.cli.devstack import SERVICE_NAMES, SERVICES, Stack, StackError, free_ports
from atlas_shared.security import DEV_SECRET
from atlas_shared.testing import (
    RUN_ID,
    broker_test_url,
    create_pg_database,
    drop_pg_database,
    make_token,
    pg_admin_url,
)

T = TypeVar("T")
START_TIMEOUT = 75.0   # seconds for every /healthz (cold start of ~16 processes on 2 cores)
EVENT_TIMEOUT = 20.0   # seconds for an event to cross services (outbox relay -> broker -> consumer)


def _stack_env(var: Path, pg_names: list[str]) -> dict[str, str]:
    # A developer's own ATLAS_* settings (databases, broker, JWKS) must never leak into the test stack.
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("ATLAS_") and k not in ("PROMETHEUS_MULTIPROC_DIR", "GUNICORN_CMD_ARGS")}
    env.update({
        "ATLAS_VAR_DIR": str(var),
        "ATLAS_JWT_SECRET": os.environ.get("ATLAS_JWT_SECRET") or DEV_SECRET,  # what make_token signs with
        "ATLAS_BROKER_URL": broker_test_url() or "filesystem://",
        "ATLAS_GATEWAY_WORKERS": "1",
        "ATLAS_PUBLIC_RATE_LIMIT_READ": "100000/minute",   # tests poll public search
        "ATLAS_PUBLIC_RATE_LIMIT_WRITE": "100000/minute",
    })
    for svc in SERVICES:
        env[f"ATLAS_{svc.key}_WORKERS"] = "1"
        if pg_admin_url():
            name = f"atlas_e2e_{svc.key.lower()}_{RUN_ID}"
            # Raises (the run fails, never skips) when ATLAS_TEST_DATABASE_URL is unreachable.
            env[f"ATLAS_{svc.key}_DATABASE_URL"] = create_pg_database(name)
            pg_names.append(name)
    return env


@pytest.fixture(scope="session")
def e2e_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    var = tmp_path_factory.mktemp("e2e") / "var"
    pg_names: list[str] = []
    stack: Stack | None = None
    try:
        env = _stack_env(var, pg_names)
        names = ("gateway", "simulator", *SERVICE_NAMES)
        ports = dict(zip(names, free_ports(len(names)), strict=True))
        stack = Stack(env, var, ports, output=None, health_timeout=START_TIMEOUT, grace=5.0)
        try:
            stack.start(seed=False)
        except StackError as exc:
            pytest.fail(f"The e2e stack did not start (logs in {stack.logs_dir}):\n{exc}", pytrace=False)
        yield stack
        stack.check_alive()  # a process that died during the tests is a failure too
    finally:
        if stack is not None:
            stack.stop()
        for name in pg_names:
            drop_pg_database(name)


class Api:
    """A client of the gateway, with the helpers every e2e test needs."""

    def __init__(self, stack: Stack) -> None:
        self.stack = stack
        self.base = stack.gateway_url
        self.http = requests.Session()

    def require(self, *services: str) -> None:
        missing = [name for name in services if not self.stack.running(name)]
        if missing:
            pytest.skip(f"not installed yet: {', '.join('atlas-' + m for m in missing)}")

    @staticmethod
    def pro_headers(org_id: str, roles: str | list[str] = "ADMIN_ORG",
                    token_orgs: list[str] | None = None) -> dict[str, str]:
        token = make_token(token_orgs or [org_id], roles)
        return {"Authorization": f"Bearer {token}", "X-Org-Id": org_id}

    def request(self, method: str, path: str, *, org: str | None = None,
                roles: str | list[str] = "ADMIN_ORG", headers: dict[str, str] | None = None,
                **kwargs: Any) -> requests.Response:
        all_headers = {**(self.pro_headers(org, roles) if org else {}), **(headers or {})}
        return self.http.request(method, self.base + path, headers=all_headers, timeout=15, **kwargs)

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("POST", path, **kwargs)

    def put(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("PUT", path, **kwargs)

    def close(self) -> None:
        self.http.close()

    # Test modules cannot import this conftest (importlib import mode): they reach these through `api`.
    @staticmethod
    def eventually(probe: Callable[[], T | None], what: str, timeout: float = 0.0) -> T:
        return eventually(probe, what, timeout or EVENT_TIMEOUT)

    @staticmethod
    def assert_error(response: requests.Response, status: int, code: str | None = None) -> dict[str, Any]:
        return assert_error(response, status, code)


def eventually(probe: Callable[[], T | None], what: str, timeout: float = EVENT_TIMEOUT,
               interval: float = 0.25) -> T:
    """Poll ``probe`` until it returns something truthy; fail (never hang) after ``timeout``."""
    deadline = time.monotonic() + timeout
    last: Any = None
    while True:
        try:
            result = probe()
        except (requests.RequestException, ValueError, KeyError) as exc:
            result, last = None, exc
        if result:
            return result
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:.0f} s waiting for {what} (last error: {last})")
        time.sleep(interval)


def assert_error(response: requests.Response, status: int, code: str | None = None) -> dict[str, Any]:
    """The standard error body of interfaces.md, on every path."""
    assert response.status_code == status, (response.status_code, response.text[:500])
    assert response.headers.get("Content-Type", "").startswith("application/json"), response.headers
    body = response.json()
    assert {"code", "message", "details"} <= set(body), body
    assert body["code"] and body["code"] == body["code"].upper(), body
    if code is not None:
        assert body["code"] == code, body
    return body


def log_tails(stack: Stack, lines: int = 12) -> str:
    parts = [f"all logs: {stack.logs_dir}"]
    for child in stack.children:
        parts.append(f"--- {child.name} (exit code {child.returncode}) ---")
        parts.extend(list(child.tail)[-lines:])
    return "\n".join(parts)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """A failed e2e test shows the last lines of every process of the stack."""
    outcome = yield
    report = outcome.get_result()
    stack = getattr(item, "funcargs", {}).get("e2e_stack")
    if report.failed and isinstance(stack, Stack):
        report.sections.append(("atlas stack logs", log_tails(stack)))


@pytest.fixture
def api(e2e_stack: Stack) -> Iterator[Api]:
    client = Api(e2e_stack)
    yield client
    client.close()
