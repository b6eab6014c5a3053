"""The crm service starts and answers its operational endpoints."""

import pytest

from atlas_crm.bootstrap import build, create_http_app


@pytest.fixture
def client(atlas_env, database_url, monkeypatch):
    monkeypatch.setenv("ATLAS_CRM_DATABASE_URL", database_url("atlas_crm:migrations"))
    container = build()
    yield create_http_app(container).test_client()
    container.platform.db.dispose()


def test_operational_endpoints(client):
    assert client.get("/healthz").json == {"status": "ok", "service": "crm"}
    ready = client.get("/readyz")
    assert ready.status_code == 200, ready.json
    assert ready.json["checks"] == {"database": "ok", "broker": "ok"}
    assert b"atlas_outbox_backlog" in client.get("/metrics").data
    assert client.get("/openapi.json").json["info"]["title"] == "Atlas CRM"


def test_pro_routes_require_a_token(client):
    res = client.get("/api/v1/anything")
    assert res.status_code == 401 and res.json["code"] == "UNAUTHORIZED"
