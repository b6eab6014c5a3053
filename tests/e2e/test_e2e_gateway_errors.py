"""The gateway's own refusals, in the standard error body (interfaces.md), before any service."""

from __future__ import annotations

import uuid

import pytest

from atlas_shared.testing import make_token

pytestmark = pytest.mark.slow

PRO_PATH = "/api/v1/annonces"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_no_token_is_401(api):
    org = str(uuid.uuid4())
    api.assert_error(api.get(PRO_PATH, headers={"X-Org-Id": org}), 401)


def test_expired_token_is_401(api):
    org = str(uuid.uuid4())
    expired = make_token([org], "ADMIN_ORG", ttl=-3600)
    api.assert_error(api.get(PRO_PATH, headers={**bearer(expired), "X-Org-Id": org}), 401)


def test_garbage_token_is_401(api):
    api.assert_error(api.get(PRO_PATH, headers={**bearer("not-a-jwt"), "X-Org-Id": str(uuid.uuid4())}),
                     401)


def test_missing_org_header_is_400(api):
    org = str(uuid.uuid4())
    api.assert_error(api.get(PRO_PATH, headers=bearer(make_token([org]))), 400, "VALIDATION_ERROR")


def test_token_for_another_org_is_403(api):
    mine, theirs = str(uuid.uuid4()), str(uuid.uuid4())
    res = api.get(PRO_PATH, headers={**bearer(make_token([mine])), "X-Org-Id": theirs})
    api.assert_error(res, 403, "FORBIDDEN")


def test_unknown_route_is_404(api):
    api.assert_error(api.get(f"/no-such-route-{uuid.uuid4().hex[:6]}"), 404, "NOT_FOUND")


def test_correlation_id_is_echoed_through_the_gateway(api):
    api.require("listings")
    org = str(uuid.uuid4())
    res = api.get(PRO_PATH, org=org, headers={"X-Correlation-Id": "e2e-corr-0001"})
    assert res.status_code == 200, res.text[:500]
    assert res.headers.get("X-Correlation-Id") == "e2e-corr-0001"
