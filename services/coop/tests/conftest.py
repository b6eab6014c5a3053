"""In-process coop service on a migrated database, and a client that speaks the coop API."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

import pytest

from atlas_coop.bootstrap import build, create_http_app
from atlas_coop.service_layer import clock
from atlas_shared.testing import auth_headers

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
TODAY = date(2026, 3, 10)


@pytest.fixture
def container(atlas_env, database_url, monkeypatch):
    monkeypatch.setenv("ATLAS_COOP_DATABASE_URL", database_url("atlas_coop:migrations"))
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    c = build()
    yield c
    c.platform.db.dispose()


@pytest.fixture
def client(container):
    return create_http_app(container).test_client()


class Coop:
    """The coop API as a manager (by default) of one organisation, with the steps tests repeat."""

    def __init__(self, client: Any, org: str | None = None) -> None:
        self.client, self.org = client, org or str(uuid.uuid4())

    def headers(self, roles: str | list[str] = "COOP_MANAGER", user: str | None = None,
                org: str | None = None) -> dict[str, str]:
        return auth_headers(org or self.org, roles, user_id=user)

    def call(self, method: str, path: str, json: Any = None, roles: str | list[str] = "COOP_MANAGER",
             user: str | None = None, org: str | None = None, **kwargs: Any) -> Any:
        return self.client.open(f"/api/v1/coop{path}", method=method, json=json,
                                headers=self.headers(roles, user, org), **kwargs)

    def ok(self, method: str, path: str, json: Any = None, status: int = 200, **kwargs: Any) -> Any:
        res = self.call(method, path, json, **kwargs)
        assert res.status_code == status, (res.status_code, res.json)
        return res.json

    def upload(self, path: str, doc_type: str, data: bytes = PDF, name: str = "pv.pdf",
               mimetype: str = "application/pdf", **kwargs: Any) -> Any:
        from io import BytesIO
        return self.client.post(f"/api/v1/coop{path}", data={"type": doc_type, "file": (BytesIO(data), name, mimetype)},
                                content_type="multipart/form-data",
                                headers=self.headers(kwargs.get("roles", "COOP_MANAGER"), kwargs.get("user"),
                                                     kwargs.get("org")))

    def group(self, name: str = "Les Jardins de Salé", city: str = "Salé") -> dict[str, Any]:
        return self.ok("POST", "/groups", {"name": name, "city": city}, status=201)

    def pv(self, group_id: str) -> str:
        res = self.upload(f"/groups/{group_id}/documents", "DOC_PV")
        assert res.status_code == 201, res.json
        return res.json["id"]

    def member(self, group_id: str, name: str, consent: bool = True, **extra: Any) -> dict[str, Any]:
        body = {"displayName": name, "phone": "0612345678", **extra}
        if consent:
            body["whatsappConsent"] = {"status": "GRANTED", "proof": "Formulaire d'adhésion signé"}
        return self.ok("POST", f"/groups/{group_id}/members", body, status=201)

    def activate(self, member_id: str) -> dict[str, Any]:
        assert self.upload(f"/members/{member_id}/documents", "DOC_IDENTITY", PNG, "cin.png", "image/png"
                           ).status_code == 201
        return self.ok("PATCH", f"/members/{member_id}", {"status": "COOP_MEMBER_ACTIVE"})

    def plan(self, group_id: str, **overrides: Any) -> dict[str, Any]:
        body = {"effectiveFrom": "2026-01-01", "graceDays": 10, "cutoffDate": "2026-06-30",
                "instalments": [{"dueDate": "2026-02-01", "amount": "1000.00"},
                                {"dueDate": "2026-06-01", "amount": "1000.00"},
                                {"dueDate": "2027-02-01", "amount": "1000.00"}],
                "indexation": {"type": "PERCENT_PER_YEAR", "rate": "3.5"},
                "penalty": {"type": "PERCENT_PER_MONTH", "value": "1.5"},
                "decisionDocumentId": self.pv(group_id), **overrides}
        return self.ok("POST", f"/groups/{group_id}/contribution-plans", body, status=201)

    def status(self, group_id: str, status: str, **extra: Any) -> Any:
        return self.call("PATCH", f"/groups/{group_id}", {"status": status, **extra})

    def open_funding(self, group_id: str) -> dict[str, Any]:
        for step in ("COOP_GROUP_KYC_READY", "COOP_GROUP_FUNDING_OPEN"):
            extra = {"documentId": self.pv(group_id)} if step.endswith("FUNDING_OPEN") else {}
            res = self.status(group_id, step, **extra)
            assert res.status_code == 200, res.json
        return res.json

    def ledger(self, group_id: str, **query: Any) -> list[dict[str, Any]]:
        query.setdefault("size", 100)
        return self.ok("GET", f"/groups/{group_id}/contributions", query_string=query)["items"]

    def funded_group(self, members: int = 2) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        group = self.group()
        people = [self.member(group["id"], f"Membre {i + 1}", userId=f"user-{i + 1}") for i in range(members)]
        for person in people:
            self.activate(person["id"])
        self.plan(group["id"])
        self.open_funding(group["id"])
        return group, people


@pytest.fixture
def coop(client):
    return Coop(client)


@pytest.fixture
def days():
    return lambda n: (TODAY + timedelta(days=n)).isoformat()


@pytest.fixture
def outbox(container):
    """Payloads of the events this service queued, by type (oldest first)."""
    from atlas_shared.db.platform import OutboxMessage

    def read(event_type: str) -> list[dict[str, Any]]:
        with container.platform.db.session(tenant_bypass=True, read_only=True) as session:
            rows = session.query(OutboxMessage).filter_by(event_type=event_type).order_by(OutboxMessage.seq).all()
            return [row.envelope["payload"] for row in rows]
    return read


@pytest.fixture
def audit(container):
    """Audit actions recorded for an entity id (oldest first)."""
    from atlas_shared.db.platform import AuditEvent

    def read(entity_id: str) -> list[Any]:
        with container.platform.db.session(tenant_bypass=True, read_only=True) as session:
            return session.query(AuditEvent).filter_by(entity_id=str(entity_id)).order_by(
                AuditEvent.created_at).all()
    return read
