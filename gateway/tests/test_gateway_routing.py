import pytest

from atlas_gateway.routing import PRO, PUBLIC, WEBHOOK, RouteTable

PRO_ROUTES = [
    ("/api/v1/annonces", "listings"),
    ("/api/v1/annonces/42?x=1", "listings"),
    ("/api/v1/listings/42/media/init", "listings"),
    ("/api/v1/moderation/queue", "listings"),
    ("/api/v1/listing-reports", "listings"),
    ("/api/v1/outbound/messages", "outbound"),
    ("/api/v1/ops/outbound/health", "outbound"),
    ("/api/v1/admin/outbound/providers", "outbound"),
    ("/api/v1/admin/org-settings", "crm"),
    ("/api/v1/coop/groups", "coop"),
    ("/api/v1/cooperatives", "crm"),  # a prefix only matches at a segment boundary
    ("/api/v1/dossiers/7/status", "crm"),
    ("/api/v1/reports/b2b-demo", "crm"),
    ("/api/v1/webhooks/other", "crm"),  # not a webhook route: the pro catch-all
]
OPEN_ROUTES = [
    ("/api/v1/webhooks/whatsapp", "crm"),
    ("/api/v1/webhooks/whatsapp/status", "outbound"),
    ("/api/v1/webhooks/sms", "outbound"),
    ("/api/public/v1/annonces?city=Rabat", "portal"),
    ("/", "portal"),
    ("/annonces", "portal"),
    ("/annonce/villa-rabat-42", "portal"),
    ("/sitemap.xml", "portal"),
    ("/robots.txt", "portal"),
    ("/legal", "portal"),
    ("/static/app.css", "portal"),
    ("/media/abc.jpg", "portal"),
]
UNKNOWN = ["/nope", "/api", "/api/v1", "/api/v2/dossiers", "/annoncesx", "/annonce", "/sitemap.xml/x",
           "/api/v1/webhooks/whatsapp/../../dossiers", "/api/public/v1/%2E%2E/x"]


def test_table_longest_prefix_wins() -> None:
    table = RouteTable()
    assert table.match("/api/v1/webhooks/whatsapp/status").service == "outbound"
    assert table.match("/api/v1/webhooks/whatsapp").kind == WEBHOOK
    assert table.match("/api/v1/webhooks/whatsapp/").service == "crm"
    assert table.match("/api/v1/dossiers").kind == PRO
    assert table.match("/").kind == PUBLIC
    assert table.match("/unknown") is None  # "/" is exact: it does not swallow everything


@pytest.mark.parametrize(("path", "service"), PRO_ROUTES)
def test_pro_routes_reach_their_service(kit, gateway, path, service) -> None:
    answer = gateway.get(path, kit.pro_headers())
    assert answer.status == 200, answer.body
    echo = answer.json()
    assert echo["service"] == service
    assert echo["raw_path"] == path
    assert echo["headers"]["x-org-id"] == [kit.ORG]


@pytest.mark.parametrize(("path", "service"), OPEN_ROUTES)
def test_public_and_webhook_routes_need_no_token(gateway, path, service) -> None:
    answer = gateway.get(path)
    assert answer.status == 200, answer.body
    echo = answer.json()
    assert echo["service"] == service
    assert "x-atlas-identity" not in echo["headers"]


@pytest.mark.parametrize("path", UNKNOWN)
def test_unknown_paths_answer_404_in_the_standard_body(kit, gateway, path) -> None:
    answer = gateway.get(path, kit.pro_headers())
    assert answer.status == 404
    assert answer.json()["code"] == "NOT_FOUND"
    assert set(answer.json()) == {"code", "message", "details"}
    assert answer.headers["X-Correlation-Id"]


def test_webhook_post_passes_body_and_signature_untouched(gateway) -> None:
    body = b'{"object":"whatsapp_business_account","entry":[]}'
    answer = gateway.call("POST", "/api/v1/webhooks/whatsapp", {
        "X-Hub-Signature-256": "sha256=abc", "Content-Type": "application/json"}, body)
    echo = answer.json()
    assert answer.status == 200
    assert echo["body"].encode() == body
    assert echo["headers"]["x-hub-signature-256"] == ["sha256=abc"]
    assert echo["headers"]["content-type"] == ["application/json"]
