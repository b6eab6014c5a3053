from atlas_gateway.ratelimit import RateLimiter, retry_after_seconds
from atlas_gateway.settings import Rate, parse_networks


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_rate_parsing() -> None:
    assert Rate.parse("120/minute") == Rate(120.0, 2.0)
    assert Rate.parse("5/second") == Rate(5.0, 5.0)
    for bad in ("abc", "0/minute", "10/fortnight", "-1/second"):
        try:
            Rate.parse(bad)
        except ValueError:
            continue
        raise AssertionError(bad)


def test_bucket_refills_over_time() -> None:
    clock = Clock()
    limiter = RateLimiter(clock=clock)
    rate = Rate.parse("2/minute")
    assert limiter.acquire("1.2.3.4", "read", rate) == 0
    assert limiter.acquire("1.2.3.4", "read", rate) == 0
    wait = limiter.acquire("1.2.3.4", "read", rate)
    assert 29 < wait <= 30 and retry_after_seconds(wait) == "30"
    assert limiter.acquire("5.6.7.8", "read", rate) == 0  # another client has its own bucket
    clock.now += 30
    assert limiter.acquire("1.2.3.4", "read", rate) == 0


def test_memory_stays_bounded() -> None:
    clock = Clock()
    limiter = RateLimiter(max_buckets=100, clock=clock)
    rate = Rate.parse("10/second")
    for i in range(1000):
        limiter.acquire(f"10.0.{i // 256}.{i % 256}", "read", rate)
    assert len(limiter) <= 100
    clock.now += 2  # every bucket is full again: the next newcomer clears them all
    limiter.acquire("192.0.2.1", "read", rate)
    assert len(limiter) == 1


def test_public_routes_answer_429_with_retry_after(start_gateway) -> None:
    gateway = start_gateway(public_read_rate=Rate.parse("2/minute"), public_write_rate=Rate.parse("1/minute"))
    assert [gateway.get("/api/public/v1/annonces").status for _ in range(2)] == [200, 200]
    limited = gateway.get("/api/public/v1/annonces")
    assert limited.status == 429
    assert limited.json()["code"] == "RATE_LIMITED"
    assert 1 <= int(limited.headers["Retry-After"]) <= 30
    assert limited.headers["X-Correlation-Id"]
    # Writes have their own, smaller bucket.
    assert gateway.call("POST", "/api/public/v1/annonces/1/reports", body=b"{}").status == 200
    assert gateway.call("POST", "/api/public/v1/annonces/1/reports", body=b"{}").status == 429


def test_forwarded_for_counts_only_behind_a_trusted_proxy(start_gateway) -> None:
    rate = Rate.parse("1/minute")
    untrusted = start_gateway(public_read_rate=rate)
    assert untrusted.get("/robots.txt", {"X-Forwarded-For": "198.51.100.1"}).status == 200
    assert untrusted.get("/robots.txt", {"X-Forwarded-For": "198.51.100.2"}).status == 429

    trusted = start_gateway(public_read_rate=rate, trusted_proxies=parse_networks("127.0.0.0/8"))
    assert trusted.get("/robots.txt", {"X-Forwarded-For": "198.51.100.1"}).status == 200
    assert trusted.get("/robots.txt", {"X-Forwarded-For": "198.51.100.2"}).status == 200
    assert trusted.get("/robots.txt", {"X-Forwarded-For": "198.51.100.1"}).status == 429


def test_webhooks_have_their_own_bucket(start_gateway) -> None:
    gateway = start_gateway(public_write_rate=Rate.parse("1/minute"), webhook_rate=Rate.parse("3/minute"))
    statuses = [gateway.call("POST", "/api/v1/webhooks/sms", body=b"x").status for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_pro_routes_are_not_rate_limited_per_ip(kit, start_gateway) -> None:

    gateway = start_gateway(public_read_rate=Rate.parse("1/minute"))
    assert [gateway.get("/api/v1/dossiers", kit.pro_headers()).status for _ in range(3)] == [200] * 3
