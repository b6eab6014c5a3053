"""What the public sends about a listing: contact requests (leads), reports and click events.

Each one is answered at once and leaves through the portal's outbox (never lost); a resubmitted form
gets the first answer back instead of a second event; a bot that fills the honeypot gets a fake
success and nothing is stored or published.
"""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from atlas_portal.adapters.orm import Lead, PublicListing, PublicReport
from atlas_portal.adapters.repositories import (
    PublicListingRepository,
    lead_by_key,
    recent_lead,
    recent_report,
    submissions_from,
)
from atlas_portal.domain import contact as rules
from atlas_shared.db.types import utcnow
from atlas_shared.db.uow import UnitOfWork
from atlas_shared.errors import ConsentRequired, NotFound, RateLimited, ValidationFailed
from atlas_shared.phones import InvalidPhone, to_e164


@dataclass(frozen=True)
class Origin:
    """Where a submission comes from (consent proof, abuse checks)."""

    ip: str
    user_agent: str | None = None
    idempotency_key: str | None = None
    per_hour: int = 0  # submissions this address may make per hour (0: no durable quota)


def within_quota(uow: UnitOfWork, origin: Origin, now: datetime) -> None:
    """The durable per-address budget (all processes, across restarts): a flood from one network stops
    here, before anything reaches the CRM. A resubmission answered with its first answer costs nothing."""
    if origin.per_hour <= 0:
        return
    count, oldest = submissions_from(uow.session, origin.ip, now - rules.QUOTA_WINDOW)
    if count >= origin.per_hour:
        wait = max(1, math.ceil(((oldest or now) + rules.QUOTA_WINDOW - now).total_seconds()))
        raise RateLimited(f"Too many requests from your network in the last hour (at most "
                          f"{origin.per_hour}): try again later.", {"retryAfterSeconds": wait},
                          headers={"Retry-After": str(wait)})


def _listing(uow: UnitOfWork, listing_id: Any) -> PublicListing:
    # Locked: two copies of one form sent at the same instant queue here and the second finds the first.
    row = PublicListingRepository(uow.session).visible(listing_id, for_update=True)
    if row is None:
        raise NotFound(f"Listing {listing_id} not found.", code="LISTING_NOT_FOUND")
    return row


def phone_e164(raw: str | None, field: str = "phone") -> str:
    try:
        return to_e164(raw or "")
    except InvalidPhone as exc:
        raise ValidationFailed("The phone number is not valid.", {field: [str(exc)]}) from None


def _lead_answer(lead: Lead) -> dict[str, str]:
    return {"leadId": str(lead.lead_id), "caseId": str(lead.case_id)}


def submit_lead(uow: UnitOfWork, listing_id: Any, data: dict[str, Any], origin: Origin) -> dict[str, str]:
    if rules.is_bot(data):
        return {"leadId": str(uuid.uuid4()), "caseId": str(uuid.uuid4())}
    if data.get("consentContact") is not True:
        raise ConsentRequired("Contact consent is required to send your request.",
                              {"consentContact": ["Tick the box to let the agency contact you."]})
    phone = phone_e164(data.get("phone"))
    now = utcnow()
    with uow:
        listing = _listing(uow, listing_id)
        if origin.idempotency_key and (same := lead_by_key(uow.session, origin.idempotency_key)):
            return _lead_answer(same)
        fingerprint = rules.fingerprint(phone, data.get("message"))
        again = recent_lead(uow.session, listing.listing_id, fingerprint, now - rules.RESUBMISSION_WINDOW)
        if again is not None:
            return _lead_answer(again)
        within_quota(uow, origin, now)
        lead = Lead(lead_id=uuid.uuid4(), case_id=uuid.uuid4(), listing_id=listing.listing_id,
                    org_id=listing.org_id, fingerprint=fingerprint, idempotency_key=origin.idempotency_key,
                    full_name=data["fullName"].strip(), phone=phone, email=data.get("email"),
                    message=data.get("message"), channel=data.get("contactChannelPreferred"),
                    ip=origin.ip, submitted_at=now)
        uow.session.add(lead)
        uow.publish("portal.lead_submitted", _lead_event(lead, listing, data, origin),
                    aggregate_type="lead", aggregate_id=lead.lead_id, org_id=listing.org_id)
        uow.commit()
        return _lead_answer(lead)


def _lead_event(lead: Lead, listing: PublicListing, data: dict[str, Any], origin: Origin) -> dict[str, Any]:
    return {"leadId": lead.lead_id, "caseId": lead.case_id, "listingId": listing.listing_id,
            "listingTitle": listing.title, "fullName": lead.full_name, "phone": lead.phone,
            "phoneRaw": data.get("phone"), "email": lead.email, "message": lead.message,
            "contactChannelPreferred": lead.channel,
            "consent": {"granted": True, "text": rules.CONSENT_TEXT, "capturedAt": lead.submitted_at,
                        "ip": origin.ip, "userAgent": origin.user_agent},
            "submittedAt": lead.submitted_at}


def submit_report(uow: UnitOfWork, listing_id: Any, data: dict[str, Any], origin: Origin) -> dict[str, str]:
    if rules.is_bot(data):
        return {"reportId": str(uuid.uuid4())}
    now = utcnow()
    with uow:
        listing = _listing(uow, listing_id)
        fingerprint = rules.fingerprint(origin.ip, data["reasonCode"], data.get("comment"))
        again = recent_report(uow.session, listing.listing_id, fingerprint, now - rules.RESUBMISSION_WINDOW)
        if again is not None:
            return {"reportId": str(again.report_id)}
        within_quota(uow, origin, now)
        report = PublicReport(report_id=uuid.uuid4(), listing_id=listing.listing_id, org_id=listing.org_id,
                              reason_code=data["reasonCode"], fingerprint=fingerprint, ip=origin.ip,
                              submitted_at=now)
        uow.session.add(report)
        uow.publish("portal.report_submitted", {
            "reportId": report.report_id, "listingId": listing.listing_id, "reasonCode": report.reason_code,
            "comment": data.get("comment"), "reporterContact": data.get("reporterContact"),
            "submittedAt": now}, aggregate_type="listing_report", aggregate_id=report.report_id,
            org_id=listing.org_id)
        uow.commit()
        return {"reportId": str(report.report_id)}


def record_event(uow: UnitOfWork, listing_id: Any, data: dict[str, Any]) -> None:
    with uow:
        listing = PublicListingRepository(uow.session).visible(listing_id)
        if listing is None:
            raise NotFound(f"Listing {listing_id} not found.", code="LISTING_NOT_FOUND")
        uow.publish("portal.listing_event_recorded", {
            "listingId": listing.listing_id, "eventType": data["eventType"], "meta": data.get("meta") or {},
            "occurredAt": utcnow()}, aggregate_type="listing", aggregate_id=listing.listing_id,
            org_id=listing.org_id)
        uow.commit()
