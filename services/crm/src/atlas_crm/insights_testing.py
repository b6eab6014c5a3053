"""Helpers for tests of the audit trail, search, reports and the WhatsApp webhook: events delivered
through the CRM's real consumers, and webhook bodies signed in Meta's envelope."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from atlas_crm.adapters.orm import Activity, Appointment, Dossier, Message, StatusHistory
from atlas_crm.bootstrap import SPEC
from atlas_crm.domain.whatsapp import signature
from atlas_shared.db.platform import OutboxMessage
from atlas_shared.events import Event
from atlas_shared.messaging.consumer import EventConsumer

APP_SECRET = "test-whatsapp-app-secret-42"
VERIFY_TOKEN = "test-verify-token-7"


class Consumers:
    """Delivers events to the CRM's consumers as the worker would (inbox, one transaction each)."""

    def __init__(self, container: Any) -> None:
        self.container = container
        self.by_type: dict[str, EventConsumer] = {}
        for sub in SPEC.subscriptions(container):
            for event_type in sub.handlers:
                self.by_type.setdefault(event_type, EventConsumer(container.platform.db,
                                                                  container.platform.broker, sub))
        self.seen: set[str] = set()

    def deliver(self, event: Event) -> str:
        return self.by_type[event.type].process(event)

    def event(self, event_type: str, payload: dict[str, Any], org_id: str | None, **extra: Any) -> str:
        return self.deliver(Event(type=event_type, payload=payload, org_id=org_id, **extra))

    def pump(self, types: Iterable[str] = ("whatsapp.delivery_received", "whatsapp.message_received")) -> int:
        """Relay the CRM's own outbox to its consumers, for the given types, until nothing new is left."""
        handled, wanted = 0, set(types)
        while True:
            fresh = [e for e in self.outbox() if e.type in wanted and e.id not in self.seen]
            if not fresh:
                return handled
            for event in fresh:
                self.seen.add(event.id)
                self.deliver(event)
                handled += 1

    def outbox(self, event_type: str | None = None) -> list[Event]:
        with self.container.platform.db.session(tenant_bypass=True) as s:
            rows = s.scalars(select(OutboxMessage.envelope).order_by(OutboxMessage.seq)).all()
        events = [Event.from_dict(r) for r in rows]
        return [e for e in events if event_type is None or e.type == event_type]


def foreign_audit(org: str, service: str = "listings", **fields: Any) -> Event:
    """An ``audit.recorded`` event as another service's outbox ships it."""
    payload = {"id": str(uuid.uuid4()), "service": service, "actor": "agent-7", "action": "ANNONCE_PUBLISHED",
               "entityType": "ANNONCE", "entityId": str(uuid.uuid4()), "parentType": None, "parentId": None,
               "diff": {"before": {"status": "ANN_DRAFT"}, "after": {"status": "ANN_PUBLISHED"}},
               "correlationId": "corr-1", "createdAt": "2026-11-20T10:00:00+00:00", **fields}
    return Event(type="audit.recorded", payload=payload, org_id=org, actor=payload["actor"])


def listing(org: str, version: int = 1, **fields: Any) -> dict[str, Any]:
    """A listing snapshot as atlas.listings publishes it."""
    return {"id": str(uuid.uuid4()), "orgId": org, "status": "ANN_PUBLISHED", "version": version,
            "title": "Appartement lumineux à Maârif",
            "description": "Trois chambres, terrasse, proche tramway.",
            "transactionType": "TX_SALE", "price": 1250000.0, "currency": "MAD", "city": "Casablanca",
            "zone": "Maarif", "slug": "appartement-lumineux-a-maarif", "media": [],
            "publishedAt": "2026-11-20T10:00:00+00:00", **fields}


# -- WhatsApp -----------------------------------------------------------------------------------

def text_message(wamid: str, sender: str, body: str, timestamp: int = 1772442000) -> dict[str, Any]:
    return {"from": sender, "id": wamid, "timestamp": str(timestamp), "type": "text", "text": {"body": body}}


def status(wamid: str, state: str, recipient: str = "212612345678", **extra: Any) -> dict[str, Any]:
    return {"id": wamid, "status": state, "timestamp": "1772442100", "recipient_id": recipient, **extra}


def change(phone_number_id: str, messages: list[dict[str, Any]] = (), statuses: list[dict[str, Any]] = (),
           names: dict[str, str] | None = None) -> dict[str, Any]:
    value: dict[str, Any] = {"messaging_product": "whatsapp",
                             "metadata": {"display_phone_number": "212522000000",
                                          "phone_number_id": phone_number_id}}
    if messages:
        senders = dict.fromkeys(m["from"] for m in messages)
        value["contacts"] = [{"profile": {"name": (names or {}).get(s, "Contact")}, "wa_id": s}
                             for s in senders]
        value["messages"] = list(messages)
    if statuses:
        value["statuses"] = list(statuses)
    return {"field": "messages", "value": value}


def envelope(*entries: list[dict[str, Any]]) -> bytes:
    """Meta's webhook body: one entry per list of changes."""
    return json.dumps({"object": "whatsapp_business_account",
                       "entry": [{"id": f"WABA-{i}", "changes": changes}
                                 for i, changes in enumerate(entries, 1)]}).encode()


def signed(body: bytes, secret: str = APP_SECRET) -> dict[str, str]:
    return {"Content-Type": "application/json", "X-Hub-Signature-256": signature(body, secret)}


# -- reporting ----------------------------------------------------------------------------------

def at(day: int, hour: int = 9, minute: int = 0, month: int = 10) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


class Story:
    """Writes a CRM history with chosen timestamps (what happened over a past month), in one org."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def dossier(self, created: datetime, source: str, agent: str | None = None, listing: Any = None,
                path: tuple[tuple[str, datetime], ...] = (), case_type: str = "CRM_LEAD",
                last_activity: datetime | None = None) -> Dossier:
        final = path[-1][0] if path else "CRM_NEW"
        closing = path[-1][1] if final in ("CRM_CLOSED_WON", "CRM_CLOSED_LOST") else None
        d = Dossier(id=uuid.uuid4(), case_type=case_type, status=final, source=source, assigned_to=agent,
                    contact_name=f"Lead {created:%d/%m %H:%M}", annonce_id=listing, payload={},
                    workflow_version=1, version=1 + len(path), created_by="seed", created_at=created,
                    updated_at=created, last_activity_at=last_activity or created, closed_at=closing)
        self.session.add(d)
        self.session.flush()
        previous, entered = None, None
        for version, (status, when) in enumerate((("CRM_NEW", created), *path), 1):
            self.session.add(StatusHistory(dossier_id=d.id, case_type=case_type, from_status=previous,
                                           to_status=status, actor=agent or "seed", workflow_version=1,
                                           dossier_version=version, occurred_at=when,
                                           from_entered_at=entered))
            previous, entered = status, when
        return d

    def message(self, d: Dossier, direction: str, channel: str, when: datetime,
                deleted: bool = False) -> None:
        self.session.add(Message(dossier_id=d.id, direction=direction, channel=channel, content="…",
                                 occurred_at=when, created_by="seed", variables={},
                                 deleted_at=when if deleted else None))

    def appointment(self, d: Dossier, status: str, starts: datetime, listing: Any = None) -> None:
        self.session.add(Appointment(dossier_id=d.id, type="APPOINT_VISIT", status=status, starts_at=starts,
                                     ends_at=starts + timedelta(hours=1), assigned_to=d.assigned_to,
                                     annonce_id=listing, created_by="seed"))

    def task(self, d: Dossier, due: datetime, done: bool = False) -> None:
        self.session.add(Activity(dossier_id=d.id, type="ACT_TASK", content="Relancer", due_at=due, done=done,
                                  actor="seed", details={}))


L1, L2 = uuid.UUID("11111111-1111-4111-8111-111111111111"), uuid.UUID("22222222-2222-4222-8222-222222222222")


def october(container: Any, org: str, other_org: str) -> dict[str, Dossier]:
    """The month the report tests compute by hand (see tests/test_reports.py for the arithmetic)."""
    with container.platform.db.session(org) as s:
        story = Story(s)
        d1 = story.dossier(at(1), "LEAD_SOURCE_PORTAL", "agent-1", L1, (
            ("CRM_CONTACTED", at(1, 10)), ("CRM_QUALIFIED", at(2)), ("CRM_VISIT_PLANNED", at(3)),
            ("CRM_CLOSED_WON", at(5))))
        d2 = story.dossier(at(2), "LEAD_SOURCE_PORTAL", "agent-1", L1, (
            ("CRM_CONTACTED", at(2, 11)), ("CRM_CLOSED_LOST", at(3))))
        d3 = story.dossier(at(8), "LEAD_SOURCE_WHATSAPP", "agent-2", L2, (("CRM_QUALIFIED", at(9)),),
                           last_activity=at(10))
        d4 = story.dossier(at(15), "LEAD_SOURCE_WHATSAPP", "agent-2")
        d5 = story.dossier(at(20, month=9), "LEAD_SOURCE_PORTAL", None, None, (
            ("CRM_CONTACTED", at(1, 12)), ("CRM_CLOSED_WON", at(10))))
        d7 = story.dossier(at(20), "LEAD_SOURCE_REFERRAL", "agent-1", case_type="CRM_OWNER_LEAD")
        for d, direction, channel, when, deleted in (
                (d1, "OUTBOUND", "WHATSAPP", at(1, 9, 30), False),
                (d1, "INBOUND", "WHATSAPP", at(1, 9, 45), False),
                (d2, "OUTBOUND", "PHONE", at(2, 10), False), (d3, "INBOUND", "WHATSAPP", at(8), False),
                (d3, "OUTBOUND", "WHATSAPP", at(8, 11), False), (d4, "OUTBOUND", "SMS", at(15, 10), True),
                (d5, "INBOUND", "EMAIL", at(20, month=9), False), (d5, "OUTBOUND", "EMAIL", at(3), False),
                (d7, "OUTBOUND", "PHONE", at(20, 9, 10), False)):
            story.message(d, direction, channel, when, deleted)
        story.appointment(d1, "APPOINT_DONE", at(4, 10), L1)
        story.appointment(d2, "APPOINT_NO_SHOW", at(6, 10))
        story.appointment(d3, "APPOINT_CANCELLED", at(10, 10), L2)
        story.appointment(d7, "APPOINT_SCHEDULED", at(22, 10))
        story.task(d7, at(21))
        story.task(d3, at(21), done=True)
        s.commit()
    with container.platform.db.session(other_org) as s:
        Story(s).dossier(at(3), "LEAD_SOURCE_PORTAL", "agent-1", L1, (("CRM_CLOSED_WON", at(4)),))
        s.commit()
    return {"d1": d1, "d2": d2, "d3": d3, "d4": d4, "d5": d5, "d7": d7}
