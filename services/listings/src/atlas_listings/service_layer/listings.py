"""The pro listing view: the annonce plus what a user needs to act on it (quality, trust,
visibility, public activity). Create/update/list are the annonce use cases (same data, same rules)."""

from __future__ import annotations

from typing import Any

from atlas_listings.adapters.orm import Annonce
from atlas_listings.adapters.repositories import (
    AnnonceRepository,
    MediaRepository,
    ReportRepository,
    counters_of,
)
from atlas_listings.domain import annonce as rules
from atlas_listings.domain import reports as report_rules
from atlas_listings.service_layer.access import READERS, check_owner
from atlas_listings.service_layer.publication import publication_blockers
from atlas_listings.service_layer.scores import policy_of, quality_of
from atlas_listings.service_layer.snapshots import view
from atlas_listings.service_layer.trust import duplicate_report
from atlas_shared.db.repository import Page
from atlas_shared.db.uow import UnitOfWork
from atlas_shared.web.auth import require_role


def _report_counts(counts: dict[str, int]) -> dict[str, int]:
    return {"open": counts.get(report_rules.OPEN, 0), "inReview": counts.get(report_rules.IN_REVIEW, 0),
            "closed": counts.get(report_rules.CLOSED, 0), "total": sum(counts.values())}


def _visibility(a: Annonce) -> dict[str, Any]:
    public = a.status == rules.PUBLISHED
    reasons = {rules.DRAFT: "Draft: not published yet.", rules.SUSPENDED: "Suspended by moderation.",
               rules.ARCHIVED: "Archived."}
    return {"public": public, "publicUrl": f"/annonce/{a.slug}-{a.id}" if public else None,
            "reason": None if public else reasons.get(a.status)}


def detail(uow: UnitOfWork, a: Annonce) -> dict[str, Any]:
    media = MediaRepository(uow.session).of_listing(a.id)
    policy = policy_of(uow.session)
    quality = quality_of(a, media, policy)
    trust = duplicate_report(uow, a)
    blockers = publication_blockers(uow, a) if a.status in (rules.DRAFT, rules.SUSPENDED) else {}
    return {**view(a, media), "qualityScore": quality.score, "duplicateScore": trust["score"],
            "quality": {"score": quality.score, "threshold": policy.quality_threshold,
                        "minPhotos": policy.min_photos,
                        "missing": [{"field": m.field, "points": m.points, "message": m.message}
                                    for m in quality.missing]},
            "trust": trust, "visibility": _visibility(a),
            "publication": {"canPublish": a.status != rules.PUBLISHED and not blockers
                            and a.status != rules.ARCHIVED, "blockers": blockers},
            "counters": {"reports": _report_counts(ReportRepository(uow.session).counts([a.id])[a.id]),
                         "publicEvents": counters_of(uow.session, a.id)}}


def get_listing(uow: UnitOfWork, listing_id: Any) -> dict[str, Any]:
    require_role(uow.ctx, READERS, action="read listings")
    with uow:
        a = AnnonceRepository(uow.session).get(listing_id)
        check_owner(uow.ctx, a)
        return detail(uow, a)


def list_listings(uow: UnitOfWork, filters: dict[str, Any]) -> Page[dict[str, Any]]:
    require_role(uow.ctx, READERS, action="read listings")
    owner = uow.ctx.user_id if uow.ctx.roles == frozenset({"OWNER"}) else None
    with uow:
        page = AnnonceRepository(uow.session).search(filters, filters.get("page", 1), filters.get("size", 20),
                                                     filters.get("sort"), owner_user_id=owner)
        ids = [a.id for a in page.items]
        media = MediaRepository(uow.session).ready_of_listings(ids)
        counts = ReportRepository(uow.session).counts(ids)
        return page.map(lambda a: {**view(a, media[a.id]), "reports": _report_counts(counts[a.id])})
