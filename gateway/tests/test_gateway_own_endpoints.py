from atlas_gateway.openapi import merge
from atlas_gateway.routing import RouteTable


def test_healthz(gateway) -> None:
    answer = gateway.get("/healthz")
    assert answer.status == 200 and answer.json() == {"status": "ok"}
    assert answer.headers["X-Correlation-Id"]


def test_own_endpoints_refuse_other_methods(gateway) -> None:
    answer = gateway.call("POST", "/healthz", body=b"")
    assert answer.status == 405 and answer.json()["code"] == "METHOD_NOT_ALLOWED"


def test_readyz_lists_the_services_that_are_down(kit, start_gateway) -> None:
    assert start_gateway().get("/readyz").status == 200
    gateway = start_gateway(upstreams={"coop": f"http://127.0.0.1:{kit.free_port()}"})
    answer = gateway.get("/readyz")
    assert answer.status == 503
    body = answer.json()
    assert body["code"] == "SERVICE_UNAVAILABLE"
    assert body["details"]["down"] == ["coop"]
    assert body["details"]["services"]["crm"] == "ok"


def test_metrics_count_requests_by_route_prefix(kit, gateway) -> None:
    gateway.get("/api/v1/annonces/123", kit.pro_headers())
    gateway.get("/api/v1/annonces/456", kit.pro_headers())
    text = gateway.get("/metrics").body.decode()
    assert 'route="/api/v1/annonces"' in text
    assert "/api/v1/annonces/123" not in text
    assert "atlas_http_request_duration_seconds_bucket" in text


def test_merged_openapi(kit, start_gateway) -> None:
    gateway = start_gateway(upstreams={"coop": f"http://127.0.0.1:{kit.free_port()}"})
    answer = gateway.get("/openapi.json")
    assert answer.status == 200 and answer.headers["Content-Type"].startswith("application/json")
    spec = answer.json()
    paths = spec["paths"]
    assert {"/api/v1/dossiers", "/api/v1/annonces", "/api/v1/annonces/{id}", "/api/v1/outbound/messages",
            "/api/v1/webhooks/sms", "/api/v1/webhooks/whatsapp", "/api/public/v1/annonces"} == set(paths)
    # Each service's Error differs: each is renamed and its references follow; Page is shared as is.
    schemas = spec["components"]["schemas"]
    assert {"CrmError", "ListingsError", "OutboundError", "PortalError", "Page"} == set(schemas)
    listing_get = paths["/api/v1/annonces"]["get"]
    assert listing_get["responses"]["400"]["content"]["application/json"]["schema"]["$ref"] \
        == "#/components/schemas/ListingsError"
    assert schemas["ListingsError"]["properties"]["listings"] == {"type": "string"}
    # The gateway's authentication is described; open routes say they need none.
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    assert spec["components"]["securitySchemes"]["orgHeader"]["name"] == "X-Org-Id"
    assert listing_get["security"] == [{"bearerAuth": [], "orgHeader": []}]
    assert paths["/api/public/v1/annonces"]["get"]["security"] == [{"serviceAuth": []}]
    assert spec["info"]["x-services"]["coop"] == "unavailable"
    assert "coop" in spec["info"]["description"]


def test_merge_keeps_open_routes_open_when_unspecified() -> None:
    spec = {"paths": {"/api/public/v1/x": {"get": {"responses": {}}}}}
    merged = merge({"portal": spec}, [], RouteTable())
    assert merged["paths"]["/api/public/v1/x"]["get"]["security"] == []


def test_docs_page_points_at_the_merged_document(gateway) -> None:
    answer = gateway.get("/docs")
    assert answer.status == 200 and answer.headers["Content-Type"].startswith("text/html")
    assert b"/openapi.json" in answer.body and b"swagger-ui" in answer.body


def test_access_log_lines_are_json_and_batched() -> None:
    import json
    import os
    import re

    from atlas_gateway.accesslog import AccessLog

    read_end, write_end = os.pipe()
    log = AccessLog(fd=write_end, max_buffer=10**6)
    log.write("cid-1", "org-1", "user-1", method="GET", path="/api/v1/dossiers", status=200)
    log.write("cid-2", None, None, method="GET", path="/healthz", status=200)
    log.flush()
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        lines = [json.loads(line) for line in pipe.read().splitlines()]
    assert [line["correlation_id"] for line in lines] == ["cid-1", "cid-2"]
    assert lines[0]["org_id"] == "org-1" and lines[0]["status"] == 200 and lines[0]["service"] == "gateway"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00", lines[0]["ts"])
