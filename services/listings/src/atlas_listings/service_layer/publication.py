"""The publication workflow: ANN_T_PUBLISH / ANN_T_SUSPEND / ANN_T_ARCHIVE, with every publish check.

``PUT /annonces/{id}`` with a status and ``POST /listings/{id}/transitions`` both end in
``change_status``: one set of rules, one audit action and one event per status.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from atlas_listings.adapters.orm import Annonce
from atlas_listings.adapters.repositories import AnnonceRepository, MediaRepository
from atlas_listings.domain import annonce as rules
from atlas_listings.domain import duplicates
from atlas_listings.service_layer.access import MODERATORS, READERS, WRITERS, check_owner, load_for_write
from atlas_listings.service_layer.scores import duplicates_of, policy_of, quality_of
from atlas_listings.service_layer.snapshots import record_change, snapshot
from atlas_shared.db.types import utcnow
from atlas_shared.db.uow import UnitOfWork
from atlas_shared.errors import TransitionNotAllowed, ValidationFailed
from atlas_shared.web.auth import require_role


def _dec(value: Any) -> Decimal | None:
    return Decimal(str(value)) if value is not None else None


def _facts(a: Annonce) -> rules.ListingFacts:
    return rules.ListingFacts(title=a.title, description=a.description,
                              transaction_type=a.transaction_type, price=_dec(a.price),
                              surface_m2=_dec(a.surface_m2), city=a.city)


def publication_blockers(uow: UnitOfWork, a: Annonce) -> dict[str, list[str]]:
    """Everything that stops the listing from being published now, per field (empty: it may)."""
    reasons = rules.publication_blockers(_facts(a))
    policy = policy_of(uow.session)
    media = MediaRepository(uow.session).of_listing(a.id)
    if len(media) < policy.min_photos:
        reasons.setdefault("photos", []).append(
            f"At least {policy.min_photos} photos are required ({len(media)} uploaded).")
    elif not any(m.is_primary for m in media):
        reasons.setdefault("photos", []).append("Choose a primary photo.")
    quality = quality_of(a, media, policy)
    if quality.score < policy.quality_threshold:
        reasons["qualityScore"] = [f"Quality {quality.score} is below the organisation's threshold "
                                   f"{policy.quality_threshold}.", *(m.message for m in quality.missing)]
    trust = duplicates_of(uow.session, a, media)
    if duplicates.blocks_publication(trust.score, policy.duplicate_threshold, a.duplicate_override_score):
        reasons["duplicateScore"] = [
            f"Duplicate score {trust.score} is at or above the threshold {policy.duplicate_threshold}: "
            "a manager must review the duplicate signals and override them before publication."]
    return reasons


def _check_role(uow: UnitOfWork, a: Annonce, wanted: str) -> None:
    if wanted == rules.SUSPENDED or (wanted == rules.PUBLISHED and a.status == rules.SUSPENDED):
        require_role(uow.ctx, MODERATORS, action="suspend listings or lift a suspension")
    else:
        require_role(uow.ctx, WRITERS, action="publish or archive listings")


def change_status(uow: UnitOfWork, a: Annonce, wanted: str, before: dict[str, Any],
                  reason: str | None = None, comment: str | None = None) -> dict[str, Any]:
    """Move the listing along the workflow (409 outside it, 400 with every reason when it may not
    be published yet); audited and announced with the matching ``listing.*`` event."""
    _check_role(uow, a, wanted)
    try:
        rules.check_transition(a.status, wanted)
    except rules.TransitionRefused as exc:
        raise TransitionNotAllowed(str(exc), {"from": exc.current, "to": exc.wanted}) from None
    if wanted == rules.PUBLISHED:
        blockers = publication_blockers(uow, a)
        if blockers:
            raise ValidationFailed("The listing cannot be published yet.", blockers)
    a.status = wanted
    a.suspension_reason = (reason or rules.DEFAULT_SUSPEND_REASON) if wanted == rules.SUSPENDED else None
    if wanted == rules.PUBLISHED and a.published_at is None:
        a.published_at = utcnow()
    action, event_type = rules.STATUS_ACTIONS[wanted]
    extra = {k: v for k, v in (("reasonCode", a.suspension_reason), ("comment", comment)) if v}
    return record_change(uow, a, before, action, event_type, extra or None)


def available_transitions(uow: UnitOfWork, listing_id: Any) -> list[dict[str, Any]]:
    require_role(uow.ctx, READERS, action="read listings")
    with uow:
        a = AnnonceRepository(uow.session).get(listing_id)
        check_owner(uow.ctx, a)
        found = []
        for code, target in rules.TRANSITION_TARGETS.items():
            if target not in rules.TRANSITIONS.get(a.status, frozenset()):
                continue
            blockers = publication_blockers(uow, a) if target == rules.PUBLISHED else {}
            found.append({"code": code, "to": target, "allowed": not blockers, "blockers": blockers,
                          "requiresReason": code == rules.T_SUSPEND,
                          "reasonCodes": list(rules.SUSPEND_REASONS) if code == rules.T_SUSPEND else []})
        return found


def apply_transition(uow: UnitOfWork, listing_id: Any, data: dict[str, Any]) -> dict[str, Any]:
    code = data["transitionCode"]
    if code == rules.T_SUSPEND and not data.get("reasonCode"):
        raise ValidationFailed("Suspending a listing needs a reason.",
                               {"reasonCode": [f"Required: one of {', '.join(rules.SUSPEND_REASONS)}."]})
    with uow:
        a = load_for_write(uow, listing_id)
        after = change_status(uow, a, rules.TRANSITION_TARGETS[code], snapshot(uow.session, a),
                              reason=data.get("reasonCode"), comment=data.get("comment"))
        uow.commit()
        return after
