"""What a client of any Atlas service sees: the standard error body on every failure, auth and org
checks, correlation ids, health, readiness, metrics and the OpenAPI document."""

import json
import time
import uuid

import pytest
from flask.views import MethodView
from marshmallow import Schema, fields, validate
from sqlalchemy import Integer, MetaData, String, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from atlas_shared.db.platform import OutboxMessage
from atlas_shared.db.repository import apply_sort, paginate
from atlas_shared.db.tenancy import TenantScoped
from atlas_shared.db.types import UuidType, new_id
from atlas_shared.errors import RateLimited
from atlas_shared.messaging.broker import Broker
from atlas_shared.platform import Platform
from atlas_shared.security import DEV_INTERNAL_SECRET, Identity, TokenVerifier, issue_dev_token, sign_identity
from atlas_shared.settings import ServiceSettings
from atlas_shared.testing import auth_headers, make_token
from atlas_shared.web.app import create_app, current_platform, request_ctx
from atlas_shared.web.blueprint import Blueprint
from atlas_shared.web.schemas import BodySchema, PageQuery, page_body, page_of

SERVICE = "gadgets"
MAX_BODY = 2048
ORG_A, ORG_B = str(uuid.uuid4()), str(uuid.uuid4())


class Base(DeclarativeBase):
    metadata = MetaData()


class Gadget(TenantScoped, Base):
    __tablename__ = "http_gadgets"

    id: Mapped[uuid.UUID] = mapped_column(UuidType, primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(60), unique=True)
    quantity: Mapped[int] = mapped_column(Integer)


class GadgetCreate(BodySchema):
    name = fields.String(required=True, validate=validate.Length(min=3, max=60))
    quantity = fields.Integer(load_default=1, validate=validate.Range(min=1))


class GadgetOut(Schema):
    id = fields.UUID()
    name = fields.String()
    quantity = fields.Integer()


blp = Blueprint("gadgets", __name__, url_prefix="/api/v1/gadgets", description="Test resource")


@blp.route("")
class Gadgets(MethodView):
    @blp.arguments(PageQuery, location="query")
    @blp.response(200, page_of(GadgetOut))
    def get(self, query):
        """List gadgets."""
        with current_platform().uow(request_ctx(), read_only=True) as uow:
            stmt = apply_sort(select(Gadget), query["sort"], {"name": Gadget.name}, default="name")
            page = paginate(uow.session, stmt, query["page"], query["size"])
            return page_body(page.map(lambda g: {"id": g.id, "name": g.name, "quantity": g.quantity}))

    @blp.arguments(GadgetCreate)
    @blp.response(201, GadgetOut)
    def post(self, data):
        """Create a gadget (names are unique)."""
        with current_platform().uow(request_ctx()) as uow:
            gadget = Gadget(**data)
            uow.session.add(gadget)
            uow.session.flush()
            uow.publish("gadget.created", {"id": gadget.id}, aggregate_type="gadget", aggregate_id=gadget.id)
            uow.commit()
        return gadget


@blp.route("/whoami")
class WhoAmI(MethodView):
    def get(self):
        ctx = request_ctx()
        return {"orgId": ctx.org_id, "userId": ctx.user_id, "roles": sorted(ctx.roles)}


@blp.route("/busy")
class Busy(MethodView):
    def get(self):
        raise RateLimited("Slow down.", headers={"Retry-After": "30"})


@blp.route("/boom")
class Boom(MethodView):
    def get(self):
        raise RuntimeError("database password is hunter2")


@pytest.fixture
def platform(atlas_env, make_db, monkeypatch):
    db = make_db(Base.metadata)
    monkeypatch.setenv("ATLAS_GADGETS_DATABASE_URL", db.url)
    monkeypatch.setenv("ATLAS_MAX_BODY_BYTES", str(MAX_BODY))
    settings = ServiceSettings.from_env(SERVICE, 8099)
    return Platform(settings=settings, db=db, broker=Broker(settings.broker_url, settings.var_dir),
                    verifier=TokenVerifier(settings.security))


@pytest.fixture
def client(platform):
    app = create_app(platform, title="Gadgets", description="Test service", blueprints=[blp])
    return app.test_client()


def as_a(extra=None):
    """Headers with a valid token for org A (made at call time, with the secret atlas_env set)."""
    return {**auth_headers(ORG_A), **(extra or {})}


def assert_error(res, status, code):
    assert res.status_code == status, res.get_data(as_text=True)
    assert res.is_json and set(res.json) == {"code", "message", "details"}, res.json
    assert res.json["code"] == code and res.json["message"]
    assert isinstance(res.json["details"], dict)
    return res.json


# -- validation ------------------------------------------------------------------------------------

def test_body_validation_lists_every_bad_field_including_unknown_ones(client):
    res = client.post("/api/v1/gadgets", json={"name": "ab", "quantity": 0, "orgId": ORG_B}, headers=as_a())
    details = assert_error(res, 400, "VALIDATION_ERROR")["details"]
    assert set(details) == {"name", "quantity", "orgId"}
    assert all(isinstance(messages, list) and messages for messages in details.values())
    assert assert_error(client.post("/api/v1/gadgets", json={}, headers=as_a()), 400,
                        "VALIDATION_ERROR")["details"] == {"name": ["Missing data for required field."]}


def test_query_validation_lists_every_bad_parameter(client):
    res = client.get("/api/v1/gadgets?page=0&size=1000", headers=as_a())
    assert set(assert_error(res, 400, "VALIDATION_ERROR")["details"]) == {"page", "size"}


def test_unknown_sort_field_is_a_validation_error(client):
    res = client.get("/api/v1/gadgets?sort=-orgId", headers=as_a())
    assert list(assert_error(res, 400, "VALIDATION_ERROR")["details"]) == ["sort"]


def test_malformed_json_is_a_validation_error(client):
    res = client.post("/api/v1/gadgets", data='{"name": "unterminated', headers=as_a(),
                      content_type="application/json")
    assert_error(res, 400, "VALIDATION_ERROR")


# -- authentication and org selection --------------------------------------------------------------

def _forged_identity():
    return sign_identity(Identity("mallory", frozenset({"ADMIN_ORG"})), ORG_A, "c", "not-the-secret")


def _stale_identity():
    return sign_identity(Identity("u1", frozenset({"ADMIN_ORG"})), ORG_A, "c", DEV_INTERNAL_SECRET,
                         now=time.time() - 3600)


def _bearer(token):
    return {"X-Org-Id": ORG_A, "Authorization": f"Bearer {token}"}


UNAUTHENTICATED = {
    "no-token": lambda: {"X-Org-Id": ORG_A},
    "basic-scheme": lambda: {"X-Org-Id": ORG_A, "Authorization": "Basic dXNlcjpwYXNz"},
    "garbage-jwt": lambda: _bearer("not.a.jwt"),
    "bad-signature": lambda: _bearer(issue_dev_token("another-secret-0123456789abcdef-xyz", [ORG_A],
                                                     ["ADMIN_ORG"])),
    "forged-identity": lambda: {"X-Org-Id": ORG_A, "X-Atlas-Identity": _forged_identity()},
    "stale-identity": lambda: {"X-Org-Id": ORG_A, "X-Atlas-Identity": _stale_identity()},
    "garbage-identity": lambda: {"X-Org-Id": ORG_A, "X-Atlas-Identity": "garbage"},
}


@pytest.mark.parametrize("case", sorted(UNAUTHENTICATED))
def test_unauthenticated_requests_get_401(client, case):
    assert_error(client.get("/api/v1/gadgets/whoami", headers=UNAUTHENTICATED[case]()), 401, "UNAUTHORIZED")


def test_an_expired_token_gets_401_saying_so(client):
    res = client.get("/api/v1/gadgets/whoami", headers=_bearer(make_token(ORG_A, ttl=-120)))
    assert "expired" in assert_error(res, 401, "TOKEN_EXPIRED")["message"]


def test_a_forged_identity_header_does_not_win_over_a_valid_token(client):
    # A client-supplied identity header is checked, never trusted because a bearer token is also there.
    res = client.get("/api/v1/gadgets/whoami", headers=as_a({"X-Atlas-Identity": _forged_identity()}))
    assert_error(res, 401, "UNAUTHORIZED")


@pytest.mark.parametrize("org_header", [None, "   ", "not-a-uuid", "1234"])
def test_org_header_must_be_present_and_a_uuid(client, org_header):
    headers = {"Authorization": f"Bearer {make_token(ORG_A)}"}
    if org_header is not None:
        headers["X-Org-Id"] = org_header
    details = assert_error(client.get("/api/v1/gadgets/whoami", headers=headers), 400,
                           "VALIDATION_ERROR")["details"]
    assert list(details) == ["X-Org-Id"]


def test_token_not_entitled_to_the_org_is_forbidden(client):
    res = client.get("/api/v1/gadgets/whoami", headers=auth_headers(ORG_B, token_orgs=[ORG_A]))
    assert ORG_B in assert_error(res, 403, "FORBIDDEN")["message"]


def test_a_valid_bearer_token_identifies_the_caller(client):
    res = client.get("/api/v1/gadgets/whoami", headers=auth_headers(ORG_A, "MANAGER", user_id="u-9"))
    assert res.status_code == 200
    assert res.json == {"orgId": ORG_A, "userId": "u-9", "roles": ["MANAGER"]}


def test_a_gateway_signed_identity_is_accepted_without_a_jwt(client):
    signed = sign_identity(Identity("u-5", frozenset({"AGENT"})), ORG_B, "corr-1", DEV_INTERNAL_SECRET)
    res = client.get("/api/v1/gadgets/whoami", headers={"X-Atlas-Identity": signed})
    assert res.status_code == 200
    assert res.json == {"orgId": ORG_B, "userId": "u-5", "roles": ["AGENT"]}
    res = client.get("/api/v1/gadgets/whoami", headers={"X-Atlas-Identity": signed, "X-Org-Id": ORG_A})
    assert_error(res, 403, "FORBIDDEN")


# -- other statuses ----------------------------------------------------------------------------------

def test_unknown_routes_are_404(client):
    assert assert_error(client.get("/no/such/page"), 404, "NOT_FOUND")["message"] == "No such resource."
    assert_error(client.get("/api/v1/no-such-resource", headers=as_a()), 404, "NOT_FOUND")


def test_wrong_method_is_405_with_allow_header(client):
    res = client.delete("/api/v1/gadgets", headers=as_a())
    assert_error(res, 405, "METHOD_NOT_ALLOWED")
    assert {"GET", "POST"} <= {m.strip() for m in res.headers["Allow"].split(",")}


def test_a_database_integrity_error_is_409_and_changes_nothing(client, platform):
    assert client.post("/api/v1/gadgets", json={"name": "drill"}, headers=as_a()).status_code == 201
    assert_error(client.post("/api/v1/gadgets", json={"name": "drill", "quantity": 3}, headers=as_a()),
                 409, "CONFLICT")
    assert client.get("/api/v1/gadgets", headers=as_a()).json["total"] == 1


def test_body_over_the_limit_is_413(client):
    res = client.post("/api/v1/gadgets", json={"name": "x" * (MAX_BODY + 10)}, headers=as_a())
    assert_error(res, 413, "PAYLOAD_TOO_LARGE")


def test_wrong_content_type_is_415(client):
    res = client.post("/api/v1/gadgets", data="name=drill", content_type="text/plain", headers=as_a())
    assert assert_error(res, 415, "UNSUPPORTED_MEDIA_TYPE")["details"] == {"contentType": "text/plain"}


def test_rate_limited_is_429_with_retry_after(client):
    res = client.get("/api/v1/gadgets/busy", headers=as_a())
    assert assert_error(res, 429, "RATE_LIMITED")["message"] == "Slow down."
    assert res.headers["Retry-After"] == "30"


def test_an_unhandled_exception_is_500_without_internals(client):
    res = client.get("/api/v1/gadgets/boom", headers=as_a())
    assert_error(res, 500, "INTERNAL_ERROR")
    text = res.get_data(as_text=True)
    assert "hunter2" not in text and "Traceback" not in text and "RuntimeError" not in text


# -- correlation ids -----------------------------------------------------------------------------------

def test_correlation_id_is_echoed_or_generated_on_success_and_on_errors(client):
    res = client.get("/api/v1/gadgets/whoami", headers=as_a({"X-Correlation-Id": "req-123.abc"}))
    assert res.headers["X-Correlation-Id"] == "req-123.abc"
    generated = client.get("/api/v1/gadgets/whoami", headers=as_a()).headers["X-Correlation-Id"]
    assert len(generated) == 32 and generated != "req-123.abc"
    unsafe = client.get("/healthz", headers={"X-Correlation-Id": "evil\" id; drop"})
    assert unsafe.headers["X-Correlation-Id"] not in ("", "evil\" id; drop")
    assert client.get("/api/v1/gadgets/whoami",
                      headers={"X-Correlation-Id": "c-401"}).headers["X-Correlation-Id"] == "c-401"


def test_events_carry_the_requests_correlation_id(client, platform):
    res = client.post("/api/v1/gadgets", json={"name": "saw"}, headers=as_a({"X-Correlation-Id": "c-77"}))
    assert res.status_code == 201
    with platform.db.session(tenant_bypass=True) as s:
        envelope = s.scalars(select(OutboxMessage.envelope)).one()
    assert envelope["correlation_id"] == "c-77" and envelope["org_id"] == ORG_A


# -- operational routes ---------------------------------------------------------------------------------

def test_health_and_readiness(client):
    health = client.get("/healthz")
    assert health.status_code == 200 and health.json["status"] == "ok"
    ready = client.get("/readyz")
    assert ready.status_code == 200, ready.json
    assert ready.json["checks"] == {"database": "ok", "broker": "ok"}


def test_metrics_expose_request_counts_and_outbox_backlog(client):
    assert client.post("/api/v1/gadgets", json={"name": "hammer"}, headers=as_a()).status_code == 201
    body = client.get("/metrics").get_data(as_text=True)
    assert any(line.startswith("atlas_http_requests_total{") and f'service="{SERVICE}"' in line
               and 'route="/api/v1/gadgets"' in line and 'status="201"' in line for line in body.splitlines())
    assert f'atlas_outbox_backlog{{service="{SERVICE}"}} 1.0' in body


def test_openapi_document_describes_the_api(client):
    res = client.get("/openapi.json")
    assert res.status_code == 200
    spec = json.loads(res.get_data(as_text=True))
    assert spec["openapi"] == "3.0.3" and spec["info"]["title"] == "Gadgets"
    assert {"get", "post"} <= set(spec["paths"]["/api/v1/gadgets"])
    post = spec["paths"]["/api/v1/gadgets"]["post"]
    assert "201" in post["responses"] and "requestBody" in post
    assert "bearerAuth" in spec["components"]["securitySchemes"]
    assert "orgHeader" in spec["components"]["securitySchemes"]
    for path in spec["paths"].values():
        for operation in path.values():
            assert operation["responses"], operation
