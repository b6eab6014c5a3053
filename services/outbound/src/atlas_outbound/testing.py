"""Helpers for tests of the outbound service (and of services that talk to it): a clock tests move,
a tenant with its usual set-up steps, outbox reading. Fixtures live in the tests' conftest."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from atlas_outbound.domain.signatures import meta_signature
from atlas_outbound.entrypoints.consumers import subscriptions
from atlas_shared.db.platform import OutboxMessage
from atlas_shared.events import Event
from atlas_shared.messaging.consumer import EventConsumer
from atlas_shared.testing import auth_headers

APP_SECRET = "test-app-secret-0123456789"
PHONE, PHONE_2 = "+212612345678", "+212698765432"


class Clock:
    """The time the service sees; tests move it instead of sleeping."""

    def __init__(self) -> None:
        self.now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


class Org:
    """One tenant as a client sees it, with the helpers the tests share."""

    def __init__(self, client: Any, container: Any, role: str = "ADMIN_ORG") -> None:
        self.id = str(uuid.uuid4())
        self.client, self.container = client, container
        self.headers = auth_headers(self.id, role)
        self.templates: dict[tuple[str, str], Any] = {}
        self.consumers = {s.name: EventConsumer(container.platform.db, container.platform.broker, s)
                          for s in subscriptions(container)}

    def as_role(self, role: str) -> dict[str, str]:
        return auth_headers(self.id, role)

    def configure_whatsapp(self, token: str = "EAAG-test-access-token-9876") -> Any:
        res = self.client.put("/api/v1/admin/outbound/providers/whatsapp", headers=self.headers,
                              json={"phoneNumberId": "1055500001", "accessToken": token})
        assert res.status_code == 200, res.json
        return res.json

    def event(self, consumer: str, event_type: str, payload: dict[str, Any],
              event_id: str | None = None) -> str:
        event = Event(type=event_type, payload=payload, org_id=self.id, id=event_id or str(uuid.uuid4()),
                      actor="crm-user-1")
        return self.consumers[consumer].process(event)

    def ready_dossier(self) -> str:
        """A new dossier this org may message on WhatsApp with its template (account, template, consent)."""
        dossier = str(uuid.uuid4())
        self.configure_whatsapp()
        self.template()
        self.grant(dossier)
        return dossier

    def grant(self, dossier: str, channel: str = "WHATSAPP", *, status: str = "GRANTED", version: int = 1,
              phone: str | None = PHONE, email: str | None = None, expires_at: str | None = None,
              consent_type: str = "CONSENT_CONTACT", subject_type: str = "DOSSIER") -> str:
        return self.event("contact-signals", "consent.changed", {
            "subjectType": subject_type, "subjectId": dossier,
            "dossierId": dossier if subject_type == "DOSSIER" else None, "channel": channel,
            "type": consent_type, "status": status, "phone": phone, "email": email,
            "source": "CONSENT_SRC_FORM",
            "proof": "form #42", "capturedAt": "2026-03-01T10:00:00+00:00", "expiresAt": expires_at,
            "version": version})

    def inbound(self, phone: str = PHONE, at: datetime | None = None) -> str:
        when = at or self.container.clock()
        return self.event("contact-signals", "contact.inbound_received",
                          {"channel": "WHATSAPP", "phone": phone, "dossierId": None,
                           "occurredAt": when.isoformat()})

    def template(self, code: str = "visit_reminder", **extra: Any) -> Any:
        if (code, extra.get("channel", "WHATSAPP")) in self.templates:
            return self.templates[(code, extra.get("channel", "WHATSAPP"))]
        body = {"channel": "WHATSAPP", "code": code, "language": "fr", "category": "UTILITY",
                "variables": [{"name": "name", "required": True}, {"name": "date", "required": True},
                              {"name": "note", "required": False}], **extra}
        res = self.client.post("/api/v1/admin/outbound/templates", headers=self.headers, json=body)
        assert res.status_code == 201, res.json
        self.templates[(code, body["channel"])] = res.json
        return res.json

    def send(self, body: dict[str, Any], key: str | None = None,
             headers: dict[str, str] | None = None) -> Any:
        h = dict(headers or self.headers)
        h["Idempotency-Key"] = key or str(uuid.uuid4())
        return self.client.post("/api/v1/outbound/messages", headers=h, json=body)

    def get(self, message_id: str) -> Any:
        res = self.client.get(f"/api/v1/outbound/messages/{message_id}", headers=self.headers)
        assert res.status_code == 200, res.json
        return res.json


def template_message(dossier: str, **extra: Any) -> dict[str, Any]:
    return {"channel": "WHATSAPP", "to": "06 12 34 56 78", "dossierId": dossier,
            "templateCode": "visit_reminder", "templateLanguage": "fr",
            "variables": {"name": "Salma", "date": "lundi 10h"}, **extra}


def outbox(container: Any, event_type: str) -> list[dict[str, Any]]:
    with container.platform.db.session(tenant_bypass=True) as s:
        rows = s.scalars(select(OutboxMessage).where(OutboxMessage.event_type == event_type)
                         .order_by(OutboxMessage.seq)).all()
        return [r.envelope["payload"] for r in rows]


def meta_status_body(statuses: list[dict[str, Any]], phone_number_id: str = "1055500001") -> bytes:
    """A Meta webhook POST carrying status callbacks ({id, status, ref?, errors?, timestamp?})."""
    changes = []
    for s in statuses:
        entry = {"id": s["id"], "status": s["status"], "timestamp": str(s.get("timestamp", 1772442000)),
                 "recipient_id": "212612345678"}
        if s.get("ref"):
            entry["biz_opaque_callback_data"] = s["ref"]
        if s.get("errors"):
            entry["errors"] = s["errors"]
        changes.append({"field": "messages", "value": {"messaging_product": "whatsapp",
                                                      "metadata": {"phone_number_id": phone_number_id},
                                                      "statuses": [entry]}})
    return json.dumps({"object": "whatsapp_business_account",
                       "entry": [{"id": "WABA-1", "changes": changes}]}).encode()


def signed(body: bytes, secret: str = APP_SECRET) -> dict[str, str]:
    return {"Content-Type": "application/json", "X-Hub-Signature-256": meta_signature(body, secret)}


class SmtpSink:
    """A tiny in-process SMTP server that keeps what it receives (tests of the email provider).

    ``refuse``: recipients answered ``550``; ``busy``: recipients answered ``451`` (try later)."""

    def __init__(self) -> None:
        import socketserver
        import threading
        self.messages: list[dict[str, Any]] = []
        self.refuse: set[str] = set()
        self.busy: set[str] = set()
        sink = self

        class Handler(socketserver.StreamRequestHandler):
            def reply(self, line: str) -> None:
                self.wfile.write((line + "\r\n").encode())

            def handle(self) -> None:
                self.reply("220 sink ESMTP")
                mail: dict[str, Any] = {"rcpt": []}
                while line := self.rfile.readline().decode(errors="replace").rstrip("\r\n"):
                    verb = line.split(" ", 1)[0].upper()
                    if verb in ("EHLO", "HELO"):
                        self.reply("250 sink")
                    elif verb == "MAIL":
                        mail = {"from": line[10:].strip("<> "), "rcpt": []}
                        self.reply("250 OK")
                    elif verb == "RCPT":
                        rcpt = line[8:].strip("<> ")
                        code = "550 no such user" if rcpt in sink.refuse else \
                            ("451 try again later" if rcpt in sink.busy else "250 OK")
                        if code.startswith("250"):
                            mail["rcpt"].append(rcpt)
                        self.reply(code)
                    elif verb == "DATA":
                        self.reply("354 go ahead")
                        data = []
                        while (chunk := self.rfile.readline().decode(errors="replace")) not in (".\r\n", ""):
                            data.append(chunk)
                        mail["data"] = "".join(data)
                        sink.messages.append(mail)
                        self.reply("250 OK queued")
                    elif verb == "QUIT":
                        self.reply("221 bye")
                        return
                    else:
                        self.reply("250 OK")

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> SmtpSink:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
