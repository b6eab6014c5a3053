import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=2) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_serve_runs_several_workers_and_aggregates_metrics(kit, tmp_path) -> None:
    port = kit.free_port()
    env = {**os.environ, "ATLAS_GATEWAY_PORT": str(port), "ATLAS_GATEWAY_WORKERS": "2",
           "ATLAS_GATEWAY_ACCESS_LOG": "0", "ATLAS_VAR_DIR": str(tmp_path)}
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    log = (tmp_path / "gateway.log").open("wb")
    process = subprocess.Popen([sys.executable, "-m", "atlas_gateway.cli", "serve"], env=env,
                               stdout=log, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 15
        while True:
            try:
                if _get(f"{base}/healthz")[0] == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "the gateway did not start"
            time.sleep(0.1)
        for _ in range(10):
            assert _get(f"{base}/api/v1/dossiers")[0] == 401
        status, text = _get(f"{base}/metrics")
        assert status == 200
        line = next(line for line in text.splitlines()
                    if line.startswith("atlas_http_requests_total") and 'route="/api/v1/"' in line)
        assert line.endswith(" 10.0")  # counted across both workers
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(15)
        log.close()
