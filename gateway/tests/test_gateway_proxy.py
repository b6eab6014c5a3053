import re
import socket

from atlas_gateway.app import GATEWAY


def test_correlation_id_is_kept_when_sane(gateway) -> None:
    answer = gateway.get("/api/public/v1/annonces", {"X-Correlation-Id": "abc.DEF-123_x"})
    assert answer.headers["X-Correlation-Id"] == "abc.DEF-123_x"
    assert answer.json()["headers"]["x-correlation-id"] == ["abc.DEF-123_x"]


def test_correlation_id_is_generated_when_missing_or_insane(gateway) -> None:
    for headers in ({}, {"X-Correlation-Id": "x" * 129}, {"X-Correlation-Id": "a b;c"}):
        answer = gateway.get("/api/public/v1/annonces", headers)
        generated = answer.headers["X-Correlation-Id"]
        assert re.fullmatch(r"[0-9a-f]{32}", generated)
        assert answer.json()["headers"]["x-correlation-id"] == [generated]


def test_correlation_id_is_echoed_on_errors(gateway) -> None:
    answer = gateway.get("/api/v1/dossiers", {"X-Correlation-Id": "req-42"})
    assert answer.status == 401
    assert answer.headers["X-Correlation-Id"] == "req-42"


def test_forwarded_headers_and_hop_by_hop(kit, gateway) -> None:
    headers = {**kit.pro_headers(), "X-Forwarded-For": "6.6.6.6", "X-Forwarded-Host": "evil.example",
               "Connection": "keep-alive, X-Hop", "X-Hop": "1", "Keep-Alive": "timeout=5",
               "X-Kept": "yes"}
    echo = gateway.get("/api/v1/dossiers", headers).json()["headers"]
    assert echo["x-forwarded-for"] == ["127.0.0.1"]  # the peer is not a trusted proxy
    assert echo["x-forwarded-proto"] == ["http"]
    assert echo["x-forwarded-host"] == [f"127.0.0.1:{gateway.port}"]
    assert "x-hop" not in echo and "keep-alive" not in echo
    assert echo["x-kept"] == ["yes"]


def test_hop_by_hop_answer_headers_are_dropped(gateway) -> None:
    answer = gateway.get("/annonce/hop")
    assert answer.status == 200 and answer.headers["X-Up-Kept"] == "yes"
    assert answer.headers["X-Up-Hop"] is None and answer.headers["Keep-Alive"] is None


def test_trusted_proxy_extends_forwarded_for(start_gateway) -> None:
    gateway = start_gateway(trusted_proxies=_networks("127.0.0.1"))
    echo = gateway.get("/api/public/v1/x", {"X-Forwarded-For": "203.0.113.9",
                                             "X-Forwarded-Proto": "https"}).json()["headers"]
    assert echo["x-forwarded-for"] == ["203.0.113.9, 127.0.0.1"]
    assert echo["x-forwarded-proto"] == ["https"]


def test_body_and_query_pass_through(kit, gateway) -> None:
    body = "{\"title\": \"Appartement à Rabat\"}".encode()
    answer = gateway.call("POST", "/api/v1/annonces?draft=1&a=%2F", {
        **kit.pro_headers(), "Content-Type": "application/json"}, body)
    echo = answer.json()
    assert echo["method"] == "POST" and echo["raw_path"] == "/api/v1/annonces?draft=1&a=%2F"
    assert echo["body"].encode("latin-1") == body


def test_redirects_are_passed_through(gateway) -> None:
    answer = gateway.get("/annonce/redirect")
    assert answer.status == 301
    assert answer.headers["Location"] == "/elsewhere"
    assert answer.headers["X-Correlation-Id"]


def test_large_answers_are_streamed_intact(gateway) -> None:
    answer = gateway.get("/media/big")
    assert answer.status == 200 and len(answer.body) == 3 * 1024 * 1024 + 7
    assert answer.headers["Content-Length"] == str(3 * 1024 * 1024 + 7)
    assert answer.headers["X-Correlation-Id"]


def test_encoded_answers_are_not_decoded(gateway) -> None:
    answer = gateway.get("/static/gzip", {"Accept-Encoding": "gzip"})
    assert answer.headers["Content-Encoding"] == "gzip"
    assert answer.body == b"\x1f\x8bnot-really-gzip"


def test_head_keeps_the_length(gateway) -> None:
    answer = gateway.call("HEAD", "/media/big")
    assert answer.status == 200 and answer.body == b""
    assert answer.headers["Content-Length"] == str(3 * 1024 * 1024 + 7)


def test_cookies_are_not_shared_between_clients(gateway) -> None:
    first = gateway.get("/annonce/cookie")
    assert "session=secret-of-client-a" in first.headers["Set-Cookie"]
    echo = gateway.get("/annonce/whoami").json()
    assert "cookie" not in echo["headers"]


def test_body_over_the_limit_is_413(kit, start_gateway) -> None:
    gateway = start_gateway(max_body_bytes=100)
    ok = gateway.call("POST", "/api/v1/annonces", kit.pro_headers(), b"x" * 100)
    assert ok.status == 200 and len(ok.json()["body"]) == 100
    declared = gateway.call("POST", "/api/v1/annonces", kit.pro_headers(), b"x" * 101)
    assert declared.status == 413 and declared.json()["code"] == "PAYLOAD_TOO_LARGE"
    assert declared.headers["X-Correlation-Id"]
    streamed = gateway.call("POST", "/api/v1/annonces", kit.pro_headers(), b"x" * 500, chunked=True)
    assert streamed.status == 413 and streamed.json()["code"] == "PAYLOAD_TOO_LARGE"
    small_chunked = gateway.call("POST", "/api/v1/annonces", kit.pro_headers(), b"y" * 50, chunked=True)
    assert small_chunked.status == 200 and small_chunked.json()["body"] == "y" * 50


def test_expect_continue(start_gateway) -> None:
    gateway = start_gateway(max_body_bytes=100)
    with socket.create_connection(("127.0.0.1", gateway.port), timeout=5) as sock:
        sock.sendall(b"POST /api/public/v1/x HTTP/1.1\r\nHost: t\r\nContent-Length: 5000\r\n"
                     b"Expect: 100-continue\r\n\r\n")
        refused = sock.recv(4096)
    assert refused.startswith(b"HTTP/1.1 413") and b"PAYLOAD_TOO_LARGE" in refused
    with socket.create_connection(("127.0.0.1", gateway.port), timeout=5) as sock:
        sock.sendall(b"POST /api/public/v1/x HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n"
                     b"Connection: close\r\nExpect: 100-continue\r\n\r\n")
        assert sock.recv(4096).startswith(b"HTTP/1.1 100 Continue")
        sock.sendall(b"hello")
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 200") and b'"body": "hello"' in answer


def test_service_down_is_503(kit, start_gateway) -> None:
    gateway = start_gateway(upstreams={"coop": f"http://127.0.0.1:{kit.free_port()}"})
    answer = gateway.get("/api/v1/coop/groups", kit.pro_headers())
    assert answer.status == 503
    body = answer.json()
    assert body["code"] == "SERVICE_UNAVAILABLE" and body["details"] == {"service": "coop"}


def test_slow_service_is_504(kit, start_gateway) -> None:
    gateway = start_gateway(upstream_timeout=0.2)
    answer = gateway.get("/api/v1/dossiers/slow", kit.pro_headers())
    assert answer.status == 504
    assert answer.json()["code"] == "UPSTREAM_TIMEOUT"


def test_service_hanging_up_is_502_and_idempotent_requests_are_tried_twice(kit, gateway, upstreams) -> None:
    answer = gateway.get("/api/v1/dossiers/1/hang-up", kit.pro_headers())
    assert answer.status == 502 and answer.json()["code"] == "BAD_GATEWAY"
    assert upstreams["crm"].hits["/api/v1/dossiers/1/hang-up"] == 2
    answer = gateway.call("POST", "/api/v1/dossiers/2/hang-up", kit.pro_headers(), b"{}")
    assert answer.status == 502
    assert upstreams["crm"].hits["/api/v1/dossiers/2/hang-up"] == 1  # never resend a POST


def test_unhandled_error_is_500_without_trace(kit, gateway) -> None:
    class Broken:
        def match(self, path):
            raise RuntimeError("secret internals")

    gateway.app[GATEWAY].table = Broken()
    answer = gateway.get("/api/v1/dossiers", kit.pro_headers())
    assert answer.status == 500
    assert answer.json() == {"code": "INTERNAL_ERROR", "message": "Internal error.", "details": {}}
    assert b"secret" not in answer.body and b"Traceback" not in answer.body


def _networks(text: str):
    from atlas_gateway.settings import parse_networks

    return parse_networks(text)


def test_org_header_reaches_service_for_pro_only(kit, gateway) -> None:
    echo = gateway.get("/api/v1/dossiers", kit.pro_headers()).json()
    assert echo["headers"]["x-org-id"] == [kit.ORG]
