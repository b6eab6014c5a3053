"""Admin (providers, templates, limits) and operations (metrics, health, dead letters, /metrics)."""

import uuid

from sqlalchemy import select

from atlas_outbound.adapters.orm import ProviderConfig
from atlas_outbound.testing import template_message


def test_provider_tokens_are_sealed_and_never_returned(org, container):
    body = org.configure_whatsapp(token="EAAG-secret-token-abcd1234")
    assert body == {"channel": "WHATSAPP", "phoneNumberId": "1055500001", "accessTokenHint": "…1234",
                    "updatedAt": body["updatedAt"], "updatedBy": body["updatedBy"]}
    listed = org.client.get("/api/v1/admin/outbound/providers", headers=org.headers).json
    assert "EAAG-secret" not in str(listed)
    with container.platform.db.session(org.id) as s:
        row = s.scalar(select(ProviderConfig))
    assert "EAAG-secret" not in row.secret_encrypted
    assert container.secrets.open(row.secret_encrypted) == "EAAG-secret-token-abcd1234"
    manager = org.client.put("/api/v1/admin/outbound/providers/whatsapp", headers=org.as_role("MANAGER"),
                             json={"phoneNumberId": "1055500001", "accessToken": "EAAG-other-token-0000"})
    assert manager.status_code == 403
    bad = org.client.put("/api/v1/admin/outbound/providers/whatsapp", headers=org.headers,
                         json={"phoneNumberId": "abc", "accessToken": "x"})
    assert bad.status_code == 400 and set(bad.json["details"]) == {"phoneNumberId", "accessToken"}


def test_templates_admin(org, other_org):
    created = org.template("visit_mail", channel="EMAIL", body="Bonjour {{name}} ({{date}})", subject="Visite")
    assert created["version"] == 1 and created["channel"] == "EMAIL"
    dup = org.client.post("/api/v1/admin/outbound/templates", headers=org.headers, json={
        "channel": "EMAIL", "code": "visit_mail", "language": "fr", "category": "UTILITY", "body": "x"})
    assert dup.status_code == 409 and dup.json["code"] == "TEMPLATE_EXISTS"
    bad = org.client.post("/api/v1/admin/outbound/templates", headers=org.headers, json={
        "channel": "SMS", "code": "Bad Code", "language": "french", "category": "PROMO"})
    assert bad.status_code == 400 and {"code", "language", "category"} <= set(bad.json["details"])
    placeholders = org.client.post("/api/v1/admin/outbound/templates", headers=org.headers, json={
        "channel": "SMS", "code": "sms_x", "language": "fr", "category": "UTILITY", "body": "Hi {{who}}"})
    assert placeholders.status_code == 400 and "body" in placeholders.json["details"]
    listing = org.client.get("/api/v1/admin/outbound/templates?channel=EMAIL", headers=org.as_role("AGENT")).json
    assert listing["total"] == 1
    url = f"/api/v1/admin/outbound/templates/{created['id']}"
    assert org.client.put(url, headers=org.as_role("AGENT"), json={"active": False}).status_code == 403
    assert other_org.client.get(url, headers=other_org.headers).status_code == 404
    assert other_org.client.get("/api/v1/admin/outbound/templates", headers=other_org.headers).json["total"] == 0


def test_metrics_per_org_and_overall(org, other_org, send_due, simulator, container, monkeypatch):
    for tenant, count in ((org, 3), (other_org, 2)):
        dossier = str(uuid.uuid4())
        tenant.configure_whatsapp()
        tenant.template()
        tenant.grant(dossier)
        for _ in range(count):
            tenant.send(template_message(dossier))
    simulator.control("rules", {"rules": [{"status": 400, "code": 131026, "times": 1},
                                          {"status": 503, "times": 1}]})
    send_due()
    mine = org.client.get("/api/v1/ops/outbound/metrics", headers=org.as_role("MANAGER")).json
    assert mine["scope"] == "org" and mine["orgId"] == org.id
    assert sum(mine["byStatus"].values()) == 3
    assert mine["latencySeconds"]["queuedToSent"]["count"] == sum(
        mine["byStatus"].get(s, 0) for s in ("SENT", "DELIVERED", "READ"))
    overall = org.client.get("/api/v1/ops/outbound/metrics?scope=all", headers=org.headers)
    assert overall.status_code == 403
    container.settings = __import__("dataclasses").replace(container.settings, ops_org_id=org.id)
    overall = org.client.get("/api/v1/ops/outbound/metrics?scope=all", headers=org.headers).json
    assert sum(overall["byStatus"].values()) == 5 and len(overall["perOrg"]) == 2
    assert overall["deadLetters"] == 1 and overall["retries"] == 1
    assert {c["code"] for c in overall["topErrorCodes"]} == {"131026", "HTTP_503"}
    assert overall["failureRate"] > 0
    agent = org.client.get("/api/v1/ops/outbound/metrics", headers=org.as_role("AGENT"))
    assert agent.status_code == 403


def test_health_and_prometheus(org, client, send_due, simulator):
    dossier = str(uuid.uuid4())
    org.configure_whatsapp()
    org.template()
    org.grant(dossier)
    org.send(template_message(dossier))
    simulator.control("rules", {"rules": [{"status": 500, "times": 1}]})
    send_due()
    health = client.get("/api/v1/ops/outbound/health", headers=org.headers)
    assert health.status_code == 200
    body = health.json
    assert body["checks"] == {"database": "ok", "broker": "ok"}
    assert body["providers"]["WHATSAPP"] == {"attempts": 1, "errors": 1, "errorRate": 1.0}
    assert body["status"] == "degraded"  # no sender process is running in this test
    metrics = client.get("/metrics").data.decode()
    assert f'atlas_outbound_queue_size{{org="{org.id}",status="QUEUED"}} 1.0' in metrics
    assert "atlas_outbound_sends_total" in metrics and "atlas_outbound_provider_call_seconds" in metrics
