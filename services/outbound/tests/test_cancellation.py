"""Stopping what has not gone out: an operator's cancel, and a consent withdrawn while messages wait."""

import uuid

from atlas_outbound.testing import outbox, template_message
from atlas_shared.testing import auth_headers


def cancel(org, message_id, headers=None, **body):
    return org.client.post(f"/api/v1/outbound/messages/{message_id}/cancel", headers=headers or org.headers,
                           json=body)


def test_an_operator_cancels_a_queued_message_and_it_is_never_sent(org, send_due, simulator):
    dossier = org.ready_dossier()
    queued = org.send(template_message(dossier)).json
    agent = auth_headers(org.id, "AGENT")
    refused = cancel(org, queued["id"], agent)
    assert refused.status_code == 403
    res = cancel(org, queued["id"], reason="Mauvais destinataire")
    assert res.status_code == 200, res.json
    assert res.json["status"] == "CANCELLED" and res.json["error"]["code"] == "CANCELLED_BY_USER"
    assert send_due() == 0 and org.get(queued["id"])["status"] == "CANCELLED"
    assert [e["status"] for e in outbox(org.container, "outbound.status_changed")] == ["QUEUED", "CANCELLED"]
    again = cancel(org, queued["id"])
    assert again.status_code == 409 and again.json["code"] == "TRANSITION_NOT_ALLOWED"


def test_a_sent_message_cannot_be_cancelled(org, send_due):
    dossier = org.ready_dossier()
    queued = org.send(template_message(dossier)).json
    assert send_due() == 1 and org.get(queued["id"])["status"] == "SENT"
    res = cancel(org, queued["id"])
    assert res.status_code == 409 and "SENT" in res.json["message"]
    assert cancel(org, str(uuid.uuid4())).status_code == 404


def test_another_orgs_message_is_not_found(org, other_org):
    dossier = org.ready_dossier()
    queued = org.send(template_message(dossier)).json
    assert cancel(other_org, queued["id"]).status_code == 404
    assert org.get(queued["id"])["status"] == "QUEUED"


def test_withdrawing_consent_stops_the_messages_waiting_on_it(org, send_due):
    dossier, other = org.ready_dossier(), str(uuid.uuid4())
    org.grant(other)
    waiting = [org.send(template_message(dossier)).json["id"] for _ in range(2)]
    unrelated = org.send(template_message(other)).json["id"]
    org.grant(dossier, status="REVOKED", version=2)
    for message_id in waiting:
        body = org.get(message_id)
        assert body["status"] == "CANCELLED" and body["error"]["code"] == "CONSENT_WITHDRAWN"
    assert send_due() == 1 and org.get(unrelated)["status"] == "SENT"
    refused = org.send(template_message(dossier))
    assert refused.status_code == 400 and refused.json["code"] == "CONSENT_REQUIRED"
