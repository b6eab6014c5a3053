"""The stack supervisor itself (``atlas_shared.cli.devstack``) and ``atlas token``, with tiny fake
service CLIs instead of the real services: start, health, log prefixing, a dying child, process-group
shutdown, SIGKILL after the grace period, missing services, busy ports."""

from __future__ import annotations

import os
import signal
import socket
import sys
import textwrap
import time
import uuid
from pathlib import Path

import jwt
import pytest
from click.testing import CliRunner

from atlas_shared.cli import devstack
from atlas_shared.cli.devstack import SERVICE_NAMES, Stack, StackError, configured_ports, free_ports
from atlas_shared.cli.main import cli
from atlas_shared.security import DEV_SECRET
from atlas_shared.settings import DEMO_ORG_ID

FAKE = textwrap.dedent("""\
    import http.server, os, signal, subprocess, sys, time
    NAME, PORT_ENV = {name!r}, {port_env!r}
    verb = sys.argv[1]
    print(f"{{NAME}} {{verb}} starting", flush=True)
    if verb == "migrate":
        sys.exit(int(os.environ.get("FAKE_MIGRATE_EXIT", "0")))
    if os.environ.get("FAKE_CRASH") == f"{{NAME}}-{{verb}}":
        print("boom: cannot start", flush=True)
        sys.exit(3)
    if os.environ.get("FAKE_STUBBORN") == f"{{NAME}}-{{verb}}":
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        print(f"{{NAME}} {{verb}} ignores SIGTERM", flush=True)
    if verb == "worker":
        # a grandchild in the same process group, as gunicorn workers are
        subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
        while True:
            time.sleep(0.2)
    class Health(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200 if self.path == "/healthz" else 404)
            self.end_headers()
        def log_message(self, *args):
            pass
    http.server.HTTPServer(("127.0.0.1", int(os.environ[PORT_ENV])), Health).serve_forever()
""")

pytestmark = pytest.mark.slow


@pytest.fixture
def fake_clis(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "bin"
    folder.mkdir()
    commands = {"atlas-gateway": ("gateway", "ATLAS_GATEWAY_PORT")}
    commands.update({svc.command: (svc.name, svc.port_envs[0]) for svc in devstack.SERVICES})
    for command, (name, port_env) in commands.items():
        script = folder / command
        script.write_text(f"#!{sys.executable}\n" + FAKE.format(name=name, port_env=port_env))
        script.chmod(0o755)
    monkeypatch.setattr(devstack, "find_cli",
                        lambda command: str(folder / command) if (folder / command).exists() else None)
    return folder


def make_stack(tmp_path: Path, services=None, grace: float = 5.0, **env: str) -> Stack:
    ports = dict(zip(("gateway", *SERVICE_NAMES), free_ports(6), strict=True))
    base = {"PATH": os.environ.get("PATH", ""), "PROMETHEUS_MULTIPROC_DIR": "/nowhere", **env}
    return Stack(base, tmp_path / "var", ports, services=services, output=None, health_timeout=60,
                 grace=grace)


def gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def group_members(pgid: int) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == pgid and fields[0] != "Z":
                pids.append(int(entry.name))
    return pids


def test_stack_starts_everything_and_stops_whole_process_groups(fake_clis, tmp_path):
    stack = make_stack(tmp_path)
    (stack.var_dir / "prometheus" / "stale").mkdir(parents=True)
    try:
        stack.start(seed=False)
        names = [c.name for c in stack.children]
        assert names[0] == "gateway"
        assert {f"{s}" for s in SERVICE_NAMES} <= set(names)
        assert {f"{s}-worker" for s in SERVICE_NAMES} <= set(names)
        assert not (stack.var_dir / "prometheus" / "stale").exists()  # metrics wiped at start
        for child in stack.children:
            assert os.getpgid(child.pid) == child.pid  # its own process group
        env = stack.env
        assert "PROMETHEUS_MULTIPROC_DIR" not in env
        assert env["ATLAS_VAR_DIR"] == str(stack.var_dir)
        assert env["ATLAS_PORTAL_URL"] == f"http://127.0.0.1:{stack.ports['portal']}"
        assert env["ATLAS_PUBLIC_PORTAL_PORT"] == str(stack.ports["portal"])
        assert env["ATLAS_GATEWAY_PORT"] == str(stack.ports["gateway"])
        log = (stack.logs_dir / "crm-migrate.log").read_text()
        assert "crm migrate starting" in log
        workers = [c for c in stack.children if c.name.endswith("-worker")]
        deadline = time.monotonic() + 20  # let the workers spawn their grandchildren
        while (not all(len(group_members(w.pid)) == 2 for w in workers)
               and time.monotonic() < deadline):
            time.sleep(0.05)
        assert all(len(group_members(w.pid)) == 2 for w in workers)
        stack.check_alive()
    finally:
        stack.stop()
    for child in stack.children:
        assert gone(child.pid) or not group_members(child.pid)
        assert group_members(child.pid) == [], f"{child.name} left processes behind"


def test_a_child_that_dies_is_reported_with_its_log_tail(fake_clis, tmp_path):
    stack = make_stack(tmp_path, services=["listings"])
    try:
        stack.start(seed=False)
        worker = next(c for c in stack.children if c.name == "listings-worker")
        deadline = time.monotonic() + 20
        while "listings worker starting" not in worker.tail and time.monotonic() < deadline:
            time.sleep(0.05)  # workers have no /healthz: wait until it has said something
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(5)
        with pytest.raises(StackError, match="listings-worker exited unexpectedly") as info:
            stack.check_alive()
        assert "listings worker starting" in str(info.value)
    finally:
        stack.stop()


def test_a_child_crashing_during_start_up_fails_the_start_and_cleans_up(fake_clis, tmp_path):
    stack = make_stack(tmp_path, services=["crm", "listings"], FAKE_CRASH="listings-serve")
    with pytest.raises(StackError) as info:
        stack.start(seed=False)
    text = str(info.value)
    assert "listings exited during start-up with code 3" in text and "boom: cannot start" in text
    assert str(stack.logs_dir / "listings.log") in text
    assert all(child.returncode is not None for child in stack.children)


def test_a_failed_migration_stops_the_start(fake_clis, tmp_path):
    stack = make_stack(tmp_path, services=["crm"], FAKE_MIGRATE_EXIT="2")
    with pytest.raises(StackError, match="crm-migrate failed \\(exit code 2\\)"):
        stack.start(seed=False)
    assert stack.children == []


def test_a_child_ignoring_sigterm_is_killed_after_the_grace_period(fake_clis, tmp_path):
    stack = make_stack(tmp_path, services=["coop"], grace=1.0, FAKE_STUBBORN="coop-worker")
    stack.start(seed=False)
    worker = next(c for c in stack.children if c.name == "coop-worker")
    log = stack.logs_dir / "coop-worker.log"
    deadline = time.monotonic() + 20  # on a loaded machine the handler may not be installed yet
    while "ignores SIGTERM" not in (log.read_text() if log.exists() else ""):
        assert time.monotonic() < deadline, "the stubborn worker never started"
        time.sleep(0.05)
    started = time.monotonic()
    stack.stop()
    assert time.monotonic() - started < 6
    assert worker.returncode == -signal.SIGKILL
    assert group_members(worker.pid) == []


def test_missing_service_clis_are_skipped(fake_clis, tmp_path):
    (fake_clis / "atlas-coop").unlink()
    stack = make_stack(tmp_path, services=["coop", "crm"])
    try:
        stack.start(seed=False)
        assert not stack.running("coop") and stack.running("crm")
        assert "coop" not in [c.name for c in stack.children]
        assert "coop         not installed" in stack.banner(None)
    finally:
        stack.stop()


def test_a_busy_port_is_refused_before_anything_starts(fake_clis, tmp_path):
    stack = make_stack(tmp_path, services=["crm"])
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", stack.ports["crm"]))
        sock.listen()
        with pytest.raises(StackError, match=f"already in use: crm {stack.ports['crm']}"):
            stack.start(seed=False)
    assert stack.children == []


def test_configured_ports_follow_the_environment():
    ports = configured_ports({"ATLAS_GATEWAY_PORT": "9080", "ATLAS_CRM_PORT": "9001",
                              "ATLAS_PUBLIC_PORTAL_PORT": "9005", "ATLAS_SIMULATOR_PORT": "9090"})
    assert ports == {"gateway": 9080, "simulator": 9090, "crm": 9001, "listings": 8002,
                     "outbound": 8003, "coop": 8004, "portal": 9005}
    assert configured_ports({})["gateway"] == 8080


def test_banner_has_urls_token_and_a_ready_curl(tmp_path):
    stack = Stack({}, tmp_path / "var", {"gateway": 18080})
    token = stack.dev_token()
    assert token is not None
    claims = jwt.decode(token, DEV_SECRET, algorithms=["HS256"])
    assert claims["org_ids"] == [DEMO_ORG_ID] and claims["roles"] == ["ADMIN_ORG"]
    text = stack.banner(token)
    assert "http://127.0.0.1:18080/docs" in text
    assert "http://127.0.0.1:18080/api/public/v1/listings" in text
    assert (f"curl -s -H 'Authorization: Bearer {token}' -H 'X-Org-Id: {DEMO_ORG_ID}' "
            "http://127.0.0.1:18080/api/v1/annonces") in text
    assert Stack({"ATLAS_JWT_JWKS_URL": "https://kc/certs"}, tmp_path / "v2").dev_token() is None


# -- atlas token -----------------------------------------------------------------------------------

def test_atlas_token_signs_the_claims_of_interfaces_md(monkeypatch):
    monkeypatch.delenv("ATLAS_JWT_JWKS_URL", raising=False)
    monkeypatch.setenv("ATLAS_JWT_SECRET", "s3cret-for-this-test-0123456789abcdef")
    monkeypatch.setenv("ATLAS_JWT_ORG_CLAIM", "orgs")
    org_a, org_b = str(uuid.uuid4()), str(uuid.uuid4())
    result = CliRunner().invoke(cli, ["token", "--org", org_a, "--org", org_b, "--role", "AGENT",
                                      "--role", "MANAGER", "--user", "u-42", "--ttl", "120"])
    assert result.exit_code == 0, result.output
    claims = jwt.decode(result.output.strip(), "s3cret-for-this-test-0123456789abcdef",
                        algorithms=["HS256"])
    assert claims["sub"] == "u-42" and claims["roles"] == ["AGENT", "MANAGER"]
    assert claims["orgs"] == [org_a, org_b]
    assert 110 <= claims["exp"] - time.time() <= 121


def test_atlas_token_defaults_to_the_demo_org_and_the_dev_secret(monkeypatch):
    for name in ("ATLAS_JWT_JWKS_URL", "ATLAS_JWT_SECRET", "ATLAS_JWT_ORG_CLAIM"):
        monkeypatch.delenv(name, raising=False)
    result = CliRunner().invoke(cli, ["token", "--role", "ADMIN_ORG"])
    assert result.exit_code == 0, result.output
    claims = jwt.decode(result.output.strip(), DEV_SECRET, algorithms=["HS256"])
    assert claims["org_ids"] == [DEMO_ORG_ID] and claims["sub"]


def test_atlas_token_refuses_when_tokens_come_from_keycloak(monkeypatch):
    monkeypatch.setenv("ATLAS_JWT_JWKS_URL", "https://keycloak.example/realms/atlas/certs")
    result = CliRunner().invoke(cli, ["token", "--role", "ADMIN_ORG"])
    assert result.exit_code != 0 and "Keycloak" in result.output


def test_atlas_token_refuses_an_org_that_is_not_a_uuid(monkeypatch):
    monkeypatch.delenv("ATLAS_JWT_JWKS_URL", raising=False)
    result = CliRunner().invoke(cli, ["token", "--org", "acme", "--role", "AGENT"])
    assert result.exit_code == 2 and "UUID" in result.output
