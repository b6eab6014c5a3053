import time

from atlas_gateway.auth import TokenCache
from atlas_shared.security import CLIENT_IDENTITY_HEADERS, Identity, verify_signed_identity


def _error(answer, status: int, code: str) -> dict:
    assert answer.status == status, answer.body
    body = answer.json()
    assert body["code"] == code
    assert set(body) == {"code", "message", "details"}
    assert answer.headers["X-Correlation-Id"]
    return body


def test_missing_token_is_401(kit, gateway) -> None:
    _error(gateway.get("/api/v1/dossiers", {"X-Org-Id": kit.ORG}), 401, "UNAUTHORIZED")


def test_other_scheme_is_401(kit, gateway) -> None:
    _error(gateway.get("/api/v1/dossiers", {"X-Org-Id": kit.ORG, "Authorization": "Basic dXNlcjpwdw=="}),
           401, "UNAUTHORIZED")


def test_bad_signature_is_401(kit, gateway) -> None:
    headers = kit.pro_headers(secret="another-secret-0123456789abcdef0123456789")
    _error(gateway.get("/api/v1/dossiers", headers), 401, "UNAUTHORIZED")


def test_garbage_token_is_401(kit, gateway) -> None:
    _error(gateway.get("/api/v1/dossiers", {"X-Org-Id": kit.ORG, "Authorization": "Bearer not.a.jwt"}),
           401, "UNAUTHORIZED")


def test_expired_token_is_401(kit, gateway) -> None:
    # atlas_shared names this case TOKEN_EXPIRED so a client knows to refresh; services say the same.
    _error(gateway.get("/api/v1/dossiers", kit.pro_headers(ttl=-60)), 401, "TOKEN_EXPIRED")


def test_missing_or_blank_org_is_400(kit, gateway) -> None:
    token = {"Authorization": f"Bearer {kit.make_token()}"}
    for headers in (token, {**token, "X-Org-Id": "   "}):
        body = _error(gateway.get("/api/v1/dossiers", headers), 400, "VALIDATION_ERROR")
        assert body["details"] == {"X-Org-Id": ["Missing or blank."]}


def test_org_not_in_token_is_403(kit, gateway) -> None:
    _error(gateway.get("/api/v1/dossiers", kit.pro_headers(org=kit.OTHER_ORG)), 403, "FORBIDDEN")


def test_token_for_several_orgs_may_pick_either(kit, gateway) -> None:
    headers = kit.pro_headers(org=kit.OTHER_ORG, orgs=[kit.ORG, kit.OTHER_ORG])
    answer = gateway.get("/api/v1/dossiers", headers)
    assert answer.status == 200


def test_forged_identity_headers_are_replaced_by_a_signed_identity(kit, gateway) -> None:
    forged = {name: "admin" for name in CLIENT_IDENTITY_HEADERS}
    headers = {**kit.pro_headers(roles=["AGENT", "MANAGER"], sub="user-7"), **forged,
               "X-Correlation-Id": "cid-1"}
    echo = gateway.get("/api/v1/dossiers", headers).json()
    for name in CLIENT_IDENTITY_HEADERS:
        if name.lower() != "x-atlas-identity":
            assert name.lower() not in echo["headers"]
    [signed] = echo["headers"]["x-atlas-identity"]
    identity, org = verify_signed_identity(signed, kit.INTERNAL_SECRET)
    assert (identity.user_id, identity.roles, org) == ("user-7", frozenset({"AGENT", "MANAGER"}), kit.ORG)
    assert echo["headers"]["authorization"] == [headers["Authorization"]]


def test_identity_headers_are_stripped_on_public_routes(gateway) -> None:
    forged = {name: "admin" for name in CLIENT_IDENTITY_HEADERS}
    echo = gateway.get("/api/public/v1/annonces", forged).json()
    assert not {name.lower() for name in CLIENT_IDENTITY_HEADERS} & set(echo["headers"])


def test_org_header_is_forwarded_trimmed(kit, gateway) -> None:
    headers = {**kit.pro_headers(), "X-Org-Id": f"  {kit.ORG} "}
    assert gateway.get("/api/v1/dossiers", headers).json()["headers"]["x-org-id"] == [kit.ORG]


def test_token_cache_honours_expiry_and_size() -> None:
    cache = TokenCache(max_size=2)
    now = time.time()
    cache.put("a", Identity("a", expires_at=now + 10), now)
    cache.put("b", Identity("b", expires_at=now + 10), now)
    assert cache.get("a", now).user_id == "a"  # "a" is now the most recently used
    cache.put("c", Identity("c", expires_at=now + 10), now)
    assert cache.get("b", now) is None and len(cache) == 2
    assert cache.get("a", now + 11) is None  # expired entries are never served
    cache.put("d", Identity("d"), now)  # no exp: cached for a while only
    assert cache.get("d", now + 1) is not None and cache.get("d", now + 3600) is None
