"""Per-IP limits, honeypot and body caps on every public POST: a bot flood never becomes leads."""

import pytest

from atlas_portal.adapters.abuse import RateLimiter, client_ip
from atlas_portal.bootstrap import build, create_http_app

LEAD = {"fullName": "Bot Bot", "phone": "0661234567", "consentContact": True}


@pytest.fixture
def strict(container, monkeypatch):
    """The portal with 5 public POSTs per minute and per client."""
    monkeypatch.setenv("ATLAS_PORTAL_WRITE_RATE", "5/minute")
    app_container = build()
    yield create_http_app(app_container).test_client()
    app_container.platform.db.dispose()


def test_a_flood_from_one_address_is_cut_and_never_reaches_the_crm(strict, published, outbox):
    listing_id = published()
    answers = [strict.post(f"/api/public/v1/listings/{listing_id}/leads",
                           json={**LEAD, "message": f"Message numéro {n}"}) for n in range(40)]
    statuses = [r.status_code for r in answers]
    assert statuses[:5] == [201] * 5 and set(statuses[5:]) == {429}
    limited = answers[-1]
    assert limited.json["code"] == "RATE_LIMITED" and int(limited.headers["Retry-After"]) >= 1
    assert len(outbox("portal.lead_submitted")) == 5
    assert strict.post(f"/api/public/v1/listings/{listing_id}/reports",
                       json={"reasonCode": "REPORT_SPAM"}).status_code == 429  # one budget for every POST


def test_honeypot_flood_publishes_nothing(client, published, outbox):
    listing_id = published()
    for n in range(8):
        res = client.post(f"/api/public/v1/listings/{listing_id}/leads",
                          json={**LEAD, "message": f"spam {n}", "website": "http://casino.example"})
        assert res.status_code == 201
    assert outbox("portal.lead_submitted") == []


def test_clients_behind_the_gateway_have_their_own_budget(strict, published, outbox):
    listing_id = published()

    def send(forwarded_for, n):
        return strict.post(f"/api/public/v1/listings/{listing_id}/leads", json={**LEAD, "message": f"m{n}"},
                           headers={"X-Forwarded-For": forwarded_for}).status_code

    assert [send("198.51.100.7", n) for n in range(6)][-1] == 429
    assert send("203.0.113.9", 99) == 201  # another visitor, same trusted proxy (127.0.0.1)
    # A client cannot pick its bucket by prepending addresses: the proxy's hop is the one that counts.
    assert send("10.9.9.9, 198.51.100.7", 100) == 429


def test_forwarded_for_from_an_untrusted_peer_is_ignored():
    trusted = tuple(__import__("ipaddress").ip_network(n) for n in ("127.0.0.1/32", "10.0.0.0/8"))
    assert client_ip("203.0.113.5", "1.2.3.4", trusted) == "203.0.113.5"
    assert client_ip("127.0.0.1", "1.2.3.4, 10.1.1.1", trusted) == "1.2.3.4"
    assert client_ip("127.0.0.1", None, trusted) == "127.0.0.1"


def test_bucket_refills_with_time():
    now = [0.0]
    limiter = RateLimiter(2, 60.0, clock=lambda: now[0])
    assert [limiter.retry_after("ip") for _ in range(3)][:2] == [0.0, 0.0]
    assert limiter.retry_after("ip") > 0
    now[0] += 30.0
    assert limiter.retry_after("ip") == 0.0


def test_oversized_public_body_is_refused(client, published):
    listing_id = published()
    res = client.post(f"/api/public/v1/listings/{listing_id}/leads",
                      json={**LEAD, "message": "x" * 20_000})
    assert res.status_code == 413 and res.json["code"] == "PAYLOAD_TOO_LARGE"


def test_rate_setting_falls_back_to_the_gateways():
    from atlas_portal.adapters.abuse import AbuseSettings
    assert AbuseSettings.from_env({}).write_capacity == 20
    shared = AbuseSettings.from_env({"ATLAS_PUBLIC_RATE_LIMIT_WRITE": "300/hour"})
    assert (shared.write_capacity, shared.write_period) == (300, 3600.0)
    own = AbuseSettings.from_env({"ATLAS_PUBLIC_RATE_LIMIT_WRITE": "300/hour", "ATLAS_PORTAL_WRITE_RATE": "3/second"})
    assert (own.write_capacity, own.write_period) == (3, 1.0)
    assert [str(n) for n in AbuseSettings.from_env({}).trusted_proxies] == ["127.0.0.1/32"]


@pytest.fixture
def hourly(container, monkeypatch):
    """The portal with a generous per-minute rate but 3 submissions per address and hour."""
    monkeypatch.setenv("ATLAS_PORTAL_WRITE_RATE", "100/minute")
    monkeypatch.setenv("ATLAS_PORTAL_SUBMISSIONS_PER_HOUR", "3")
    app_container = build()
    yield create_http_app(app_container).test_client()
    app_container.platform.db.dispose()


def test_the_hourly_budget_is_counted_in_the_database_across_processes(hourly, published, outbox):
    listing_id = published()
    url = f"/api/public/v1/listings/{listing_id}/leads"
    assert [hourly.post(url, json={**LEAD, "message": f"m{n}"}).status_code for n in range(2)] == [201, 201]
    assert hourly.post(f"/api/public/v1/listings/{listing_id}/reports",
                       json={"reasonCode": "REPORT_SPAM"}).status_code == 201
    # A second process (its own in-memory buckets, empty) still sees the three submissions.
    second = build()
    other = create_http_app(second).test_client()
    for res in (other.post(url, json={**LEAD, "message": "m9"}),
                other.post("/api/public/v1/biz/demo-leads", json={
                    "fullName": "Bot", "email": "bot@example.ma", "company": "X", "consentContact": True})):
        assert res.status_code == 429 and res.json["code"] == "RATE_LIMITED", res.json
        assert 1 <= int(res.headers["Retry-After"]) <= 3600
    second.platform.db.dispose()
    assert len(outbox("portal.lead_submitted")) == 2 and outbox("portal.demo_requested") == []
    # The same form sent again still gets its first answer (a resubmission costs nothing).
    again = hourly.post(url, json={**LEAD, "message": "m0"})
    assert again.status_code == 201
    # Another address has its own budget.
    assert hourly.post(url, json={**LEAD, "message": "autre"}, headers={"X-Forwarded-For": "203.0.113.9"}
                       ).status_code == 201
