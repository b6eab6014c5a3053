"""Duplicate signals of a listing and the manager's override that lets a flagged listing through."""

from __future__ import annotations

from typing import Any

from atlas_listings.adapters.orm import Annonce
from atlas_listings.adapters.repositories import AnnonceRepository, MediaRepository
from atlas_listings.domain import duplicates
from atlas_listings.service_layer.access import OVERRIDERS, READERS, check_owner, load_for_write
from atlas_listings.service_layer.scores import duplicates_of, policy_of
from atlas_listings.service_layer.snapshots import record_change, snapshot
from atlas_shared.db.types import utcnow
from atlas_shared.db.uow import UnitOfWork
from atlas_shared.web.auth import require_role


def _signal(signal: duplicates.Signal, own_org: str) -> dict[str, Any]:
    same_org = signal.other_org_id == own_org
    # Another agency's listing is evidence, not something to browse: its id stays hidden.
    return {"code": signal.code, "points": signal.points, "detail": signal.detail,
            "listingId": signal.other_id if same_org else None, "sameOrganisation": same_org}


def duplicate_report(uow: UnitOfWork, a: Annonce) -> dict[str, Any]:
    assessed = duplicates_of(uow.session, a, MediaRepository(uow.session).of_listing(a.id))
    threshold = policy_of(uow.session).duplicate_threshold
    override = None
    if a.duplicate_override_score is not None:
        override = {"score": a.duplicate_override_score, "by": a.duplicate_override_by,
                    "at": a.duplicate_override_at.isoformat() if a.duplicate_override_at else None,
                    "justification": a.duplicate_override_reason}
    return {"listingId": str(a.id), "score": assessed.score, "threshold": threshold,
            "blocksPublication": duplicates.blocks_publication(assessed.score, threshold,
                                                               a.duplicate_override_score),
            "reasons": [_signal(s, str(a.org_id)) for s in assessed.signals], "override": override}


def get_duplicate_report(uow: UnitOfWork, listing_id: Any) -> dict[str, Any]:
    require_role(uow.ctx, READERS, action="read listings")
    with uow:
        a = AnnonceRepository(uow.session).get(listing_id)
        check_owner(uow.ctx, a)
        return duplicate_report(uow, a)


def override_duplicate(uow: UnitOfWork, listing_id: Any, justification: str) -> dict[str, Any]:
    """A manager vouches for the listing at its current duplicate score (audited); a stronger
    signal appearing later blocks publication again."""
    require_role(uow.ctx, OVERRIDERS, action="override duplicate signals")
    with uow:
        a = load_for_write(uow, listing_id)
        before = snapshot(uow.session, a)
        report = duplicate_report(uow, a)
        a.duplicate_override_score = report["score"]
        a.duplicate_override_by, a.duplicate_override_at = uow.ctx.user_id, utcnow()
        a.duplicate_override_reason = justification.strip()
        a.duplicate_score = report["score"]
        record_change(uow, a, before, "DUPLICATE_OVERRIDDEN", "listing.updated",
                      {"score": report["score"], "justification": a.duplicate_override_reason,
                       "signals": [r["code"] for r in report["reasons"]]})
        result = duplicate_report(uow, a)
        uow.commit()
        return result
