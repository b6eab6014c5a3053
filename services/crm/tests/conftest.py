import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from atlas_crm.adapters.orm import Activity, StatusHistory
from atlas_crm.bootstrap import build, create_http_app
from atlas_shared.db.platform import AuditEvent, OutboxMessage
from atlas_shared.testing import auth_headers


@pytest.fixture
def container(atlas_env, database_url, monkeypatch):
    monkeypatch.setenv("ATLAS_CRM_DATABASE_URL", database_url("atlas_crm:migrations"))
    c = build()
    yield c
    c.platform.db.dispose()


@pytest.fixture
def client(container):
    return create_http_app(container).test_client()


class Api:
    """The CRM API as a client uses it, for one organisation (plus helpers to look inside)."""

    def __init__(self, client, container, org=None):
        self.client, self.container = client, container
        self.org = org or str(uuid.uuid4())
        self.admin = auth_headers(self.org, "ADMIN_ORG", user_id="admin-1")
        self.manager = auth_headers(self.org, "MANAGER", user_id="manager-1")

    def as_(self, role, user_id=None):
        return auth_headers(self.org, role, user_id=user_id or f"{role.lower()}-1")

    def call(self, method, url, headers=None, **kwargs):
        return self.client.open(url, method=method, headers=headers or self.admin, **kwargs)

    def dossier(self, headers=None, **body):
        res = self.call("POST", "/api/v1/dossiers", headers, json={"contactName": "Samir Alaoui", **body})
        assert res.status_code in (200, 201), res.json
        return res.json

    def move(self, dossier_id, status=None, headers=None, **body):
        if status:
            body["status"] = status
        return self.call("PATCH", f"/api/v1/dossiers/{dossier_id}/status", headers, json=body)

    def audit(self, entity_id=None, action=None):
        with self.container.platform.db.session(tenant_bypass=True) as s:
            rows = s.scalars(select(AuditEvent).order_by(AuditEvent.created_at)).all()
        return [r for r in rows if (entity_id is None or r.entity_id == str(entity_id))
                and (action is None or r.action == action)]

    def events(self, event_type=None):
        with self.container.platform.db.session(tenant_bypass=True) as s:
            rows = s.scalars(select(OutboxMessage).order_by(OutboxMessage.seq)).all()
        return [r.envelope for r in rows if event_type is None or r.event_type == event_type]

    def activities(self, dossier_id, activity_type=None):
        with self.container.platform.db.session(tenant_bypass=True) as s:
            rows = s.scalars(select(Activity).where(Activity.dossier_id == uuid.UUID(dossier_id))
                             .order_by(Activity.created_at)).all()
        return [a for a in rows if activity_type is None or a.type == activity_type]

    def history(self, dossier_id):
        with self.container.platform.db.session(tenant_bypass=True) as s:
            return s.scalars(select(StatusHistory).where(StatusHistory.dossier_id == uuid.UUID(dossier_id))
                             .order_by(StatusHistory.dossier_version)).all()


@pytest.fixture
def api(client, container):
    return Api(client, container)


@pytest.fixture
def other_org(client, container):
    return Api(client, container)


def at(hours=0, minutes=0):
    """An ISO timestamp tomorrow at 10:00 UTC, shifted."""
    base = datetime.now(UTC).replace(hour=10, minute=0, second=0, microsecond=0) + timedelta(days=1)
    return (base + timedelta(hours=hours, minutes=minutes)).isoformat()


@pytest.fixture
def when():
    return at
