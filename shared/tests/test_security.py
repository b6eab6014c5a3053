"""Token verification: Keycloak-shaped claims, RS256 through a JWKS endpoint, pinned algorithms."""

import base64
import hashlib
import hmac
import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from atlas_shared.errors import Unauthorized
from atlas_shared.security import (
    DEV_SECRET,
    Identity,
    SecuritySettings,
    TokenVerifier,
    identity_from_claims,
    issue_dev_token,
    sign_identity,
    verify_signed_identity,
)

ISSUER = "https://sso.example.test/realms/atlas"
AUDIENCE = "atlas-api"
KID = "atlas-test-key"
ORG = str(uuid.uuid4())


def test_identity_from_keycloak_realm_roles_and_org_claim():
    claims = {"sub": "kc-user-1", "exp": 2_000_000_000, "realm_access": {"roles": ["AGENT", "offline_access"]},
              "org_ids": [ORG]}
    identity = identity_from_claims(claims)
    assert identity == Identity(user_id="kc-user-1", roles=frozenset({"AGENT", "offline_access"}),
                                org_ids=frozenset({ORG}), expires_at=2_000_000_000.0)
    assert identity.may_act_for(ORG) and not identity.may_act_for(str(uuid.uuid4()))


def test_flat_roles_win_and_a_single_org_string_or_custom_claim_name_is_accepted():
    identity = identity_from_claims({"sub": 7, "roles": ["ADMIN_ORG"], "realm_access": {"roles": ["X"]},
                                     "tenants": ORG}, org_claim="tenants")
    assert (identity.user_id, identity.roles, identity.org_ids) == ("7", {"ADMIN_ORG"}, {ORG})
    assert identity_from_claims({"sub": "u"}).org_ids == frozenset()


def test_signed_identity_round_trip_and_tampering():
    identity = Identity("u-1", frozenset({"MANAGER"}))
    header = sign_identity(identity, ORG, "corr", "s3cret", now=1000)
    verified, org = verify_signed_identity(header, "s3cret", now=1100)
    assert (verified.user_id, verified.roles, org) == ("u-1", {"MANAGER"}, ORG)
    payload, _, mac = header.partition(".")
    body = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    body["roles"] = ["ADMIN_ORG"]
    tampered = base64.urlsafe_b64encode(json.dumps(body).encode()).rstrip(b"=").decode()
    for bad, now in [(f"{tampered}.{mac}", 1100), (header, 1000 + 301), (header, 1000 - 301)]:
        with pytest.raises(Unauthorized):
            verify_signed_identity(bad, "s3cret", now=now)


def test_hs256_verifier_rejects_tokens_without_expiry():
    verifier = TokenVerifier(SecuritySettings.from_env({"ATLAS_JWT_SECRET": DEV_SECRET}))
    assert verifier.verify(issue_dev_token(DEV_SECRET, [ORG], ["AGENT"], user_id="u")).user_id == "u"
    no_exp = jwt.encode({"sub": "u", "org_ids": [ORG]}, DEV_SECRET, algorithm="HS256")
    with pytest.raises(Unauthorized):
        verifier.verify(no_exp)


# -- RS256 through a JWKS endpoint ------------------------------------------------------------------

@pytest.fixture(scope="module")
def rsa_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def jwks_url(rsa_key):
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(rsa_key.public_key()))
    body = json.dumps({"keys": [{**jwk, "kid": KID, "use": "sig", "alg": "RS256"}]}).encode()

    class Jwks(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Jwks)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/realms/atlas/protocol/openid-connect/certs"
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture
def verifier(jwks_url, monkeypatch):
    monkeypatch.setenv("ATLAS_JWT_JWKS_URL", jwks_url)
    monkeypatch.setenv("ATLAS_JWT_ISSUER", ISSUER)
    monkeypatch.setenv("ATLAS_JWT_AUDIENCE", AUDIENCE)
    monkeypatch.delenv("ATLAS_JWT_SECRET", raising=False)
    for proxy_bypass in ("no_proxy", "NO_PROXY"):  # the JWKS is fetched from 127.0.0.1 directly
        monkeypatch.setenv(proxy_bypass, "127.0.0.1,localhost")
    return TokenVerifier(SecuritySettings.from_env())


def keycloak_claims(**overrides):
    now = int(time.time())
    claims = {"sub": "kc-42", "iss": ISSUER, "aud": AUDIENCE, "iat": now, "exp": now + 300,
              "realm_access": {"roles": ["MANAGER"]}, "org_ids": [ORG]}
    claims.update(overrides)
    return claims


def rs256(rsa_key, claims, kid=KID):
    return jwt.encode(claims, rsa_key, algorithm="RS256", headers={"kid": kid})


def test_rs256_token_from_the_jwks_is_accepted(verifier, rsa_key):
    identity = verifier.verify(rs256(rsa_key, keycloak_claims()))
    assert (identity.user_id, identity.roles, identity.org_ids) == ("kc-42", {"MANAGER"}, {ORG})


@pytest.mark.parametrize("overrides", [{"aud": "another-client"}, {"iss": "https://evil.test/realms/atlas"},
                                       {"exp": int(time.time()) - 3600}],
                         ids=["wrong-audience", "wrong-issuer", "expired"])
def test_rs256_token_with_wrong_claims_is_refused(verifier, rsa_key, overrides):
    with pytest.raises(Unauthorized):
        verifier.verify(rs256(rsa_key, keycloak_claims(**overrides)))


def test_a_token_signed_by_another_key_is_refused(verifier):
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    with pytest.raises(Unauthorized):
        verifier.verify(rs256(other, keycloak_claims()))


def _hs256_token(secret: bytes, claims: dict, kid: str = KID) -> str:
    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()
    signing_input = (b64(json.dumps({"alg": "HS256", "typ": "JWT", "kid": kid}).encode()) + "."
                     + b64(json.dumps(claims).encode()))
    return signing_input + "." + b64(hmac.new(secret, signing_input.encode(), hashlib.sha256).digest())


def test_algorithm_is_pinned_hs256_and_none_are_refused(verifier, rsa_key):
    # Algorithm confusion: an HS256 token "signed" with the published RSA public key as HMAC secret.
    public_pem = rsa_key.public_key().public_bytes(serialization.Encoding.PEM,
                                                   serialization.PublicFormat.SubjectPublicKeyInfo)
    with pytest.raises(Unauthorized):
        verifier.verify(_hs256_token(public_pem, keycloak_claims()))
    with pytest.raises(Unauthorized):
        verifier.verify(issue_dev_token(DEV_SECRET, [ORG], ["ADMIN_ORG"], issuer=ISSUER, audience=AUDIENCE))
    unsigned = jwt.encode(keycloak_claims(), None, algorithm="none", headers={"kid": KID})
    with pytest.raises(Unauthorized):
        verifier.verify(unsigned)
