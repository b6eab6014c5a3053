"""An organisation's listing settings (quality and duplicate thresholds, minimum photos)."""

from __future__ import annotations

from typing import Any

from atlas_listings.adapters.orm import ListingSettings
from atlas_listings.adapters.repositories import settings_of
from atlas_listings.domain.policy import DEFAULT_POLICY, ListingPolicy
from atlas_listings.service_layer.scores import policy_of
from atlas_shared.db.types import utcnow
from atlas_shared.db.uow import UnitOfWork
from atlas_shared.web.auth import require_role

FIELDS = {"qualityThreshold": "quality_threshold", "duplicateThreshold": "duplicate_threshold",
          "minPhotos": "min_photos"}


def _body(policy: ListingPolicy, customised: bool) -> dict[str, Any]:
    return {"qualityThreshold": policy.quality_threshold, "duplicateThreshold": policy.duplicate_threshold,
            "minPhotos": policy.min_photos, "customised": customised,
            "defaults": {"qualityThreshold": DEFAULT_POLICY.quality_threshold,
                         "duplicateThreshold": DEFAULT_POLICY.duplicate_threshold,
                         "minPhotos": DEFAULT_POLICY.min_photos}}


def get_settings(uow: UnitOfWork) -> dict[str, Any]:
    require_role(uow.ctx, ("ADMIN_ORG", "MANAGER"), action="read listing settings")
    with uow:
        return _body(policy_of(uow.session), settings_of(uow.session) is not None)


def update_settings(uow: UnitOfWork, data: dict[str, Any]) -> dict[str, Any]:
    require_role(uow.ctx, "ADMIN_ORG", action="change listing settings")
    with uow:
        before = _body(policy_of(uow.session), True)
        row = settings_of(uow.session)
        if row is None:
            row = ListingSettings(quality_threshold=DEFAULT_POLICY.quality_threshold,
                                  duplicate_threshold=DEFAULT_POLICY.duplicate_threshold,
                                  min_photos=DEFAULT_POLICY.min_photos)
            uow.session.add(row)
        for key, column in FIELDS.items():
            if key in data:
                setattr(row, column, data[key])
        row.updated_by, row.updated_at = uow.ctx.user_id, utcnow()
        uow.session.flush()
        after = _body(policy_of(uow.session), True)
        uow.audit("UPDATE", "LISTING_SETTINGS", uow.ctx.org_id, before=before, after=after)
        uow.commit()
        return after
