"""SMS (Twilio-style) and email (SMTP): sent, classified, and their callbacks verified."""

import time
import uuid
from dataclasses import replace
from urllib.parse import urlencode

import pytest

from atlas_outbound.bootstrap import build, create_http_app
from atlas_outbound.domain.signatures import twilio_signature
from atlas_outbound.settings import OutboundSettings
from atlas_outbound.testing import PHONE, Org, SmtpSink

SID, TOKEN = "AC0123456789abcdef0123456789abcdef", "twilio-auth-token-42"


@pytest.fixture
def smtp():
    with SmtpSink() as sink:
        yield sink


@pytest.fixture
def mail_org(env, clock, smtp, monkeypatch):
    monkeypatch.setenv("ATLAS_OUTBOUND_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("ATLAS_OUTBOUND_SMTP_PORT", str(smtp.port))
    c = build(OutboundSettings.from_env(), clock=clock)
    yield Org(create_http_app(c).test_client(), c)
    c.platform.db.dispose()


def test_email_goes_over_smtp_with_our_message_id(mail_org, smtp, send_due):
    org = mail_org
    dossier = str(uuid.uuid4())
    org.grant(dossier, channel="EMAIL", phone=None, email="salma@example.ma")
    assert org.client.put("/api/v1/admin/outbound/providers/email", headers=org.headers,
                          json={"fromAddress": "agence@example.ma", "fromName": "Agence Atlas"}).status_code == 200
    org.template("visit_mail", channel="EMAIL", body="Bonjour {{name}}, visite le {{date}}.",
                 subject="Votre visite du {{date}}")
    mid = org.send({"channel": "EMAIL", "to": "Salma@Example.ma", "dossierId": dossier,
                    "templateCode": "visit_mail", "variables": {"name": "Salma", "date": "lundi"}}).json["id"]
    from atlas_outbound.entrypoints.sender import Sender
    from atlas_outbound.service_layer import sending
    for claimed in sending.claim(org.container.platform.db, "w", org.container.clock(), 120, 10):
        Sender(org.container).send_one(claimed, "w")
    m = org.get(mid)
    assert m["status"] == "SENT" and m["providerMessageId"] == f"{mid}@atlas-outbound"
    [mail] = smtp.messages
    assert mail["rcpt"] == ["salma@example.ma"] and "Agence Atlas <agence@example.ma>" in mail["data"]
    assert "Subject: Votre visite du lundi" in mail["data"] and "Bonjour Salma, visite le lundi." in mail["data"]


def test_email_refusals_are_final_and_busy_servers_retried(mail_org, smtp):
    org = mail_org
    from atlas_outbound.entrypoints.sender import Sender
    from atlas_outbound.service_layer import sending
    smtp.refuse.add("ghost@example.ma")
    smtp.busy.add("later@example.ma")
    ids = {}
    for address in ("ghost@example.ma", "later@example.ma"):
        dossier = str(uuid.uuid4())
        org.grant(dossier, channel="EMAIL", phone=None, email=address)
        ids[address] = org.send({"channel": "EMAIL", "to": address, "dossierId": dossier, "text": "Bonjour",
                                 "subject": "Visite"}).json["id"]
    for claimed in sending.claim(org.container.platform.db, "w", org.container.clock(), 120, 10):
        Sender(org.container).send_one(claimed, "w")
    ghost, later = org.get(ids["ghost@example.ma"]), org.get(ids["later@example.ma"])
    assert ghost["status"] == "FAILED" and ghost["error"]["code"] == "550"
    assert later["status"] == "QUEUED" and later["error"]["code"] == "451"


def test_email_is_refused_when_no_smtp_server_is_configured(org):
    dossier = str(uuid.uuid4())
    org.grant(dossier, channel="EMAIL", phone=None, email="a@example.ma")
    res = org.send({"channel": "EMAIL", "to": "a@example.ma", "dossierId": dossier, "text": "x", "subject": "s"})
    assert res.status_code == 422 and res.json["code"] == "PROVIDER_NOT_CONFIGURED"


def sms_org(org):
    res = org.client.put("/api/v1/admin/outbound/providers/sms", headers=org.headers,
                         json={"accountSid": SID, "authToken": TOKEN, "fromNumber": "+212522000000"})
    assert res.status_code == 200 and res.json["authTokenHint"] == "…n-42" and "authToken" not in res.json
    dossier = str(uuid.uuid4())
    org.grant(dossier, channel="SMS")
    return dossier


def test_sms_is_sent_and_its_signed_callbacks_applied(org, client, simulator, send_due, container):
    dossier = sms_org(org)
    mid = org.send({"channel": "SMS", "to": PHONE, "dossierId": dossier, "text": "Visite demain 10h"}).json["id"]
    send_due()
    m = org.get(mid)
    assert m["status"] == "SENT" and m["providerMessageId"].startswith("SM")
    path = f"/api/v1/webhooks/sms/status?messageId={mid}"
    params = {"MessageSid": m["providerMessageId"], "MessageStatus": "delivered", "AccountSid": SID}
    url = container.settings.public_url + path
    body = urlencode(params)
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    bad = client.post(path, data=body, headers={**form, "X-Twilio-Signature": "bm9wZQ=="})
    assert bad.status_code == 403
    assert client.post(path, data=body, headers=form).status_code == 401
    good = client.post(path, data=body, headers={**form, "X-Twilio-Signature": twilio_signature(url, params, TOKEN)})
    assert good.status_code == 200 and good.json["outcomes"] == {"applied": 1}
    assert org.get(mid)["status"] == "DELIVERED"


def test_sms_callbacks_from_the_simulator(org, simulator, live_url, container, send_due):
    # Twilio signs the public URL it calls: here, the live test server.
    container.settings = replace(container.settings, public_url=live_url)
    container.providers["SMS"].public_url = live_url
    dossier = sms_org(org)
    mid = org.send({"channel": "SMS", "to": PHONE, "dossierId": dossier, "text": "Bonjour"}).json["id"]
    send_due()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and org.get(mid)["status"] != "DELIVERED":
        time.sleep(0.05)
    assert org.get(mid)["status"] == "DELIVERED"
    assert simulator.calls()["callbackErrors"] == 0
