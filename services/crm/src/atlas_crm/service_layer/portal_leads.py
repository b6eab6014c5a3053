"""Leads from the public portal and the Biz site (events from atlas.public-portal).

Each lead becomes a dossier whose id is the portal's ``caseId`` (or, when it matches an open dossier,
that dossier with ``caseId`` recorded as an alias), an INBOUND web message and a GRANTED contact
consent with its proof. Idempotent twice over: the consumer's inbox absorbs redeliveries, and the
intake key (leadId, or caseId for demos) absorbs a resubmitted lead.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from atlas_crm.adapters.orm import Dossier, DossierAlias, LeadIntake
from atlas_crm.adapters.repositories import DossierRepository
from atlas_crm.domain import consent as consent_rules
from atlas_crm.domain import dossier as rules
from atlas_crm.domain import messaging
from atlas_crm.service_layer import consents, dossiers, messages, normalise
from atlas_shared.db.types import utcnow
from atlas_shared.db.uow import UnitOfWork
from atlas_shared.events import Event
from atlas_shared.phones import InvalidPhone, to_e164

DEMO_FIELDS = ("company", "actorType", "city", "teamSizeBucket", "listingVolumeBucket", "needs",
               "desiredPlanKey", "utm")


def on_lead_submitted(uow: UnitOfWork, event: Event) -> None:
    p = event.payload
    data = {"caseType": rules.DEFAULT_CASE_TYPE, "source": rules.PORTAL_SOURCE,
            "annonceId": _uuid(p.get("listingId")),
            "payload": {"leadId": p.get("leadId"), "listingTitle": p.get("listingTitle"),
                        "contactChannelPreferred": p.get("contactChannelPreferred"),
                        "submittedAt": p.get("submittedAt")}}
    _receive(uow, event, f"portal-lead:{p['leadId']}", data)


def on_demo_requested(uow: UnitOfWork, event: Event) -> None:
    p = event.payload
    data = {"caseType": rules.B2B_DEMO, "source": rules.DEMO_SOURCE,
            "payload": {key: p.get(key) for key in DEMO_FIELDS if p.get(key) is not None}}
    _receive(uow, event, f"portal-demo:{p['caseId']}", data)


def _receive(uow: UnitOfWork, event: Event, key: str, data: dict[str, Any]) -> None:
    p = event.payload
    repo = DossierRepository(uow.session)
    if repo.intake(key) is not None:
        return  # the same lead submitted again
    case_id = uuid.UUID(str(p["caseId"]))
    phone, raw = _phone(p)
    data = {**data, "contactName": p.get("fullName"), "phone": phone, "email": p.get("email")}
    if raw and not phone:
        data["payload"] = {**data["payload"], "phoneRaw": raw}  # kept, even when not a valid number
    dossier, created = repo.find(case_id), False
    if dossier is None:
        dossier, created = dossiers.intake(uow, data, dossier_id=case_id)
        if not created:
            uow.session.add(DossierAlias(alias_id=case_id, dossier_id=dossier.id,
                                         reason="PORTAL_LEAD_MERGED"))
    uow.session.add(LeadIntake(intake_key=key, case_id=case_id, dossier_id=dossier.id, merged=not created))
    if (p.get("message") or "").strip():
        messages.store(uow, dossier, {
            "direction": messaging.INBOUND, "channel": messaging.WEB, "content": p["message"],
            "recipient": None, "template_code": None, "template_language": None, "variables": {},
            "occurred_at": _instant(p.get("submittedAt")) or utcnow()})
    _grant_contact_consent(uow, dossier, key, p)


def _grant_contact_consent(uow: UnitOfWork, dossier: Dossier, key: str, p: dict[str, Any]) -> None:
    consent = p.get("consent")
    if isinstance(consent, bool) or consent is None:
        consent = {"granted": bool(consent), "text": "Consent box ticked on the form."}
    if not consent.get("granted"):
        return
    captured = _instant(consent.get("capturedAt")) or _instant(p.get("submittedAt")) or utcnow()
    proof = {"text": consent.get("text") or "Consent box ticked on the form.",
             "capturedAt": captured.isoformat(), "ip": consent.get("ip"),
             "userAgent": consent.get("userAgent"), "reference": key}
    channels = [messaging.WHATSAPP, messaging.SMS] if dossier.phone else []
    channels += [messaging.EMAIL] if p.get("email") else []
    for channel in channels:
        consents.set_consent(uow, dossier, {"channel": channel, "type": consent_rules.CONTACT,
                                            "status": consent_rules.GRANTED, "source": "CONSENT_SRC_FORM",
                                            "proof": proof, "capturedAt": captured})


def _phone(p: dict[str, Any]) -> tuple[str | None, str | None]:
    """(a valid phone as typed — the dossier keeps it raw and in E.164 —, what was typed)."""
    typed = [str(v) for v in (p.get("phoneRaw"), p.get("phone")) if v]
    for candidate in typed:
        try:
            to_e164(candidate)
            return candidate, candidate
        except InvalidPhone:
            continue
    return None, typed[0] if typed else None


def _instant(value: Any) -> datetime | None:
    return normalise.instant(value, "at", {}) if value else None


def _uuid(value: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value)) if value else None
    except ValueError:
        return None
