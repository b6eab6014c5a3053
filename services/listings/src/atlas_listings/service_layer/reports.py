"""Public reports on listings (from the portal), their review, and the moderation queue."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from atlas_listings.adapters.orm import ListingEventCounter, ListingReport
from atlas_listings.adapters.repositories import AnnonceRepository, ReportRepository
from atlas_listings.domain import annonce as listing_rules
from atlas_listings.domain import reports as rules
from atlas_listings.service_layer import publication
from atlas_listings.service_layer.access import MODERATORS
from atlas_listings.service_layer.snapshots import snapshot
from atlas_shared.db.repository import Page
from atlas_shared.db.types import utcnow
from atlas_shared.db.uow import UnitOfWork
from atlas_shared.errors import TransitionNotAllowed
from atlas_shared.events import Event
from atlas_shared.web.auth import require_role

REPORT_READERS = (*MODERATORS, "AGENT")


def report_view(r: ListingReport) -> dict[str, Any]:
    return {"id": str(r.id), "listingId": str(r.listing_id), "reasonCode": r.reason_code,
            "comment": r.comment, "reporterContact": r.reporter_contact, "status": r.status,
            "resolutionNote": r.resolution_note, "submittedAt": r.submitted_at.isoformat(),
            "updatedAt": r.updated_at.isoformat(), "updatedBy": r.updated_by}


def record_report(uow: UnitOfWork, event: Event) -> None:
    """``portal.report_submitted`` (inside the consumer's unit of work, for the listing's org)."""
    p = event.payload
    report_id = uuid.UUID(p["reportId"])
    if uow.session.get(ListingReport, report_id) is not None:
        return
    submitted = datetime.fromisoformat(p["submittedAt"]) if p.get("submittedAt") else utcnow()
    reason = p.get("reasonCode") if p.get("reasonCode") in rules.REASONS else "REPORT_OTHER"
    uow.session.add(ListingReport(id=report_id, listing_id=uuid.UUID(p["listingId"]), reason_code=reason,
                                  comment=p.get("comment"), reporter_contact=p.get("reporterContact"),
                                  status=rules.OPEN, submitted_at=submitted, updated_at=submitted))


def record_public_event(uow: UnitOfWork, event: Event) -> None:
    """``portal.listing_event_recorded``: one more WHATSAPP_CLICKED (etc.) on the listing."""
    p = event.payload
    key = (uuid.UUID(p["listingId"]), str(p["eventType"])[:40])
    counter = uow.session.get(ListingEventCounter, key, with_for_update=True)
    if counter is None:
        counter = ListingEventCounter(listing_id=key[0], event_type=key[1], count=0)
        uow.session.add(counter)
    counter.count += 1
    counter.last_at = datetime.fromisoformat(p["occurredAt"]) if p.get("occurredAt") else utcnow()


def list_reports(uow: UnitOfWork, listing_id: Any, page: int, size: int) -> Page[dict[str, Any]]:
    require_role(uow.ctx, REPORT_READERS, action="read reports")
    with uow:
        listing = AnnonceRepository(uow.session).get(listing_id)
        return ReportRepository(uow.session).of_listing(listing.id, page, size).map(report_view)


def change_status(uow: UnitOfWork, report_id: Any, data: dict[str, Any]) -> dict[str, Any]:
    """OPEN → IN_REVIEW → CLOSED (or OPEN → CLOSED); optionally suspend the listing in the same
    transaction (its own audit event and ``listing.suspended``)."""
    require_role(uow.ctx, MODERATORS, action="review reports")
    with uow:
        report = ReportRepository(uow.session).get(report_id, for_update=True)
        wanted = data["status"]
        if not rules.may_move(report.status, wanted):
            raise TransitionNotAllowed(f"A report in {report.status} cannot move to {wanted}.",
                                       {"from": report.status, "to": wanted})
        before = report_view(report)
        report.status, report.updated_by, report.updated_at = wanted, uow.ctx.user_id, utcnow()
        if data.get("note"):
            report.resolution_note = data["note"]
        uow.session.flush()
        uow.audit("REPORT_STATUS_CHANGED", "LISTING_REPORT", report.id, before=before,
                  after=report_view(report), parent=("ANNONCE", report.listing_id))
        if data.get("suspendListing"):
            _suspend(uow, report, data.get("suspensionReasonCode"), data.get("note"))
        uow.commit()
        return report_view(report)


def _suspend(uow: UnitOfWork, report: ListingReport, reason: str | None, note: str | None) -> None:
    listing = AnnonceRepository(uow.session).get(report.listing_id, for_update=True)
    if listing.status == listing_rules.SUSPENDED:
        return
    publication.change_status(uow, listing, listing_rules.SUSPENDED, snapshot(uow.session, listing),
                              reason=reason or rules.SUSPEND_REASON_FOR[report.reason_code],
                              comment=note or f"Report {report.id} ({report.reason_code})")


def moderation_queue(uow: UnitOfWork, query: dict[str, Any]) -> Page[dict[str, Any]]:
    require_role(uow.ctx, MODERATORS, action="read the moderation queue")
    statuses = tuple(query.get("status") or (rules.OPEN, rules.IN_REVIEW))
    with uow:
        page = ReportRepository(uow.session).queue(statuses, query.get("page", 1), query.get("size", 20))
        ids = [row.listing_id for row in page.items]
        listings = {a.id: a for a in AnnonceRepository(uow.session).many(ids)}
        counts = ReportRepository(uow.session).counts(ids)
        return page.map(lambda row: _queue_item(row, listings.get(row.listing_id), counts[row.listing_id]))


def _queue_item(row: Any, listing: Any, counts: dict[str, int]) -> dict[str, Any]:
    return {"listingId": str(row.listing_id), "title": listing.title if listing else None,
            "status": listing.status if listing else None, "city": listing.city if listing else None,
            "pendingReports": row.reports, "lastReportedAt": row.last_reported_at.isoformat(),
            "reports": {"open": counts.get(rules.OPEN, 0), "inReview": counts.get(rules.IN_REVIEW, 0),
                        "closed": counts.get(rules.CLOSED, 0), "total": sum(counts.values())}}
