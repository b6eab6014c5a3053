"""Nothing is queued without consent, inside WhatsApp's rules, to a valid number, within quota."""

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select

from atlas_outbound.testing import PHONE, PHONE_2, template_message
from atlas_shared.db.platform import AuditEvent


@pytest.fixture
def dossier(org):
    org.configure_whatsapp()
    org.template()
    return str(uuid.uuid4())


def refused(res, code, status=None):
    assert res.status_code == (status or res.status_code) and res.json["code"] == code, res.json
    return res.json


def blocked_audits(org):
    with org.container.platform.db.session(org.id) as s:
        return [a.diff["after"]["code"] for a in s.scalars(select(AuditEvent).where(
            AuditEvent.action == "BLOCKED_BY_POLICY").order_by(AuditEvent.created_at))]


def test_consent_is_denied_by_default_and_follows_consent_events(org, dossier):
    refused(org.send(template_message(dossier)), "CONSENT_REQUIRED", 400)
    org.grant(dossier, version=1)
    assert org.send(template_message(dossier)).status_code == 201
    org.grant(dossier, status="REVOKED", version=3)
    refused(org.send(template_message(dossier)), "CONSENT_REQUIRED")
    org.grant(dossier, status="GRANTED", version=2)  # stale: arrives after the revocation
    refused(org.send(template_message(dossier)), "CONSENT_REQUIRED")
    assert blocked_audits(org) == ["CONSENT_REQUIRED"] * 3


def test_consent_is_per_channel_address_expiry_and_type(org, dossier, container):
    org.grant(dossier, channel="SMS")
    refused(org.send(template_message(dossier)), "CONSENT_REQUIRED")  # SMS consent, WhatsApp message
    org.grant(dossier, phone=PHONE_2, version=1)
    res = refused(org.send(template_message(dossier)), "CONSENT_REQUIRED")
    assert "to" in res["details"]
    org.grant(dossier, version=2, expires_at=(container.clock() - timedelta(days=1)).isoformat())
    assert refused(org.send(template_message(dossier)), "CONSENT_REQUIRED")["details"]["consent"] == ["EXPIRED"]
    org.grant(dossier, version=3, expires_at=(container.clock() + timedelta(days=30)).isoformat())
    assert org.send(template_message(dossier)).status_code == 201
    org.template("summer_offer", category="MARKETING")
    offer = template_message(dossier, templateCode="summer_offer")
    refused(org.send(offer), "CONSENT_REQUIRED")  # contact consent does not cover marketing
    org.grant(dossier, consent_type="CONSENT_MARKETING")
    assert org.send(offer).status_code == 201


def test_coop_member_consent(org, dossier):
    member = str(uuid.uuid4())
    body = {**template_message(dossier), "coopMemberId": member}
    del body["dossierId"]
    refused(org.send(body), "CONSENT_REQUIRED")
    org.grant(member, subject_type="COOP_MEMBER")
    res = org.send(body)
    assert res.status_code == 201 and res.json["subjectType"] == "COOP_MEMBER" and res.json["subjectId"] == member


def test_whatsapp_free_text_only_inside_the_24_hour_window(org, dossier, container):
    org.grant(dossier)
    text = {"channel": "WHATSAPP", "to": PHONE, "dossierId": dossier, "text": "Bonjour, la visite tient ?"}
    closed = refused(org.send(text), "WHATSAPP_WINDOW_CLOSED", 422)
    assert closed["details"]["lastInboundAt"] is None
    org.inbound(at=container.clock() - timedelta(hours=23))
    assert org.send(text).status_code == 201
    container.clock.advance(2 * 3600)
    refused(org.send(text), "WHATSAPP_WINDOW_CLOSED", 422)
    assert org.send(template_message(dossier)).status_code == 201  # a template is always fine


def test_templates_must_exist_be_active_and_get_valid_variables(org, dossier):
    org.grant(dossier)
    refused(org.send(template_message(dossier, templateCode="nope")), "TEMPLATE_NOT_FOUND", 422)
    refused(org.send(template_message(dossier, templateLanguage="ar")), "TEMPLATE_NOT_FOUND", 422)
    bad = refused(org.send(template_message(dossier, variables={"name": "", "date": "a\nb", "extra": "x"})),
                  "TEMPLATE_VARIABLES_INVALID", 400)
    assert set(bad["details"]) == {"name", "date", "extra"}
    template = org.template()
    res = org.client.put(f"/api/v1/admin/outbound/templates/{template['id']}", headers=org.headers,
                         json={"active": False})
    assert res.status_code == 200 and res.json["version"] == 2
    refused(org.send(template_message(dossier)), "TEMPLATE_NOT_FOUND", 422)


def test_recipient_must_be_a_valid_number_or_address(org, dossier):
    org.grant(dossier)
    refused(org.send(template_message(dossier, to="12")), "INVALID_RECIPIENT", 400)
    email = {"channel": "EMAIL", "to": "not-an-address", "dossierId": dossier, "text": "x", "subject": "s"}
    refused(org.send(email), "INVALID_RECIPIENT", 400)


def test_channel_without_provider_is_refused(org):
    dossier = str(uuid.uuid4())
    org.grant(dossier, channel="SMS")
    sms = {"channel": "SMS", "to": PHONE, "dossierId": dossier, "text": "Rappel : visite demain 10h"}
    refused(org.send(sms), "PROVIDER_NOT_CONFIGURED", 422)


def test_daily_quota_and_per_minute_rate(org, dossier, container):
    from atlas_outbound.service_layer.limits import set_limits
    from atlas_shared.context import RequestContext
    org.grant(dossier)
    set_limits(container.platform.uow(RequestContext.system(org_id=org.id)), daily_quota=3, per_minute=2)
    assert [org.send(template_message(dossier)).status_code for _ in range(2)] == [201, 201]
    limited = org.send(template_message(dossier))
    refused(limited, "RATE_LIMITED", 429)
    assert int(limited.headers["Retry-After"]) >= 1
    container.clock.advance(60)
    assert org.send(template_message(dossier)).status_code == 201
    container.clock.advance(60)
    quota = refused(org.send(template_message(dossier)), "QUOTA_EXCEEDED", 429)
    assert quota["details"]["dailyQuota"] == 3
    usage = org.client.get("/api/v1/admin/outbound/limits", headers=org.headers).json
    assert usage["usedToday"] == 3 and usage["dailyQuota"] == 3 and usage["custom"] is True
    assert blocked_audits(org) == ["RATE_LIMITED", "QUOTA_EXCEEDED"]
    container.clock.advance(24 * 3600)
    assert org.send(template_message(dossier)).status_code == 201


def test_a_template_is_refused_without_this_orgs_provider_account(org, other_org):
    """The template and the provider account are read by one statement: another org's account
    does not count."""
    other_org.configure_whatsapp()
    other_org.template()
    org.template()
    dossier = str(uuid.uuid4())
    org.grant(dossier)
    refused(org.send(template_message(dossier)), "PROVIDER_NOT_CONFIGURED", 422)
    org.configure_whatsapp()
    assert org.send(template_message(dossier)).status_code == 201
