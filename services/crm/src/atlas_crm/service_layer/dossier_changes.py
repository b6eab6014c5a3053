"""Changing a dossier's fields and its assignee (the status has its own use case, status_changes)."""

from __future__ import annotations

from typing import Any

from atlas_crm.adapters.orm import Dossier
from atlas_crm.domain import dossier as rules
from atlas_crm.service_layer import normalise, timeline
from atlas_crm.service_layer.access import MANAGERS, check_version, load_dossier, require_crm
from atlas_crm.service_layer.dossiers import edited_values
from atlas_crm.service_layer.views import dossier_view
from atlas_shared.db.types import utcnow
from atlas_shared.db.uow import UnitOfWork
from atlas_shared.errors import ValidationFailed
from atlas_shared.web.auth import require_role


def update_dossier(uow: UnitOfWork, dossier_id: Any, data: dict[str, Any],
                   expected_version: int | None = None) -> dict[str, Any]:
    """Change fields (omitted ones keep their value); reassigning is for managers and audited."""
    require_crm(uow.ctx, "change dossiers")
    if "status" in data:
        raise ValidationFailed("The status changes through its own endpoint.",
                               {"status": ["Use PATCH /api/v1/dossiers/{id}/status."]})
    with uow:
        dossier = load_dossier(uow, dossier_id, for_update=True)
        check_version(dossier, expected_version)
        errors: normalise.Errors = {}
        values = edited_values(uow, data, errors)
        merged = {"budget_min": dossier.budget_min, "budget_max": dossier.budget_max, **values}
        errors.update(rules.budget_problems(merged["budget_min"], merged["budget_max"]))
        normalise.raise_if(errors)
        apply_changes(uow, dossier, values)
        uow.commit()
        return dossier_view(dossier)


def apply_changes(uow: UnitOfWork, dossier: Dossier, values: dict[str, Any]) -> bool:
    """Set checked column values on a locked dossier (no commit): a change bumps the version and is
    audited and announced; a new assignee (MANAGER/ADMIN_ORG only) too. False when nothing changed."""
    previous = dossier.assigned_to
    if values.get("assigned_to", previous) != previous:
        require_role(uow.ctx, MANAGERS, action="assign dossiers")
    before = dossier_view(dossier)
    for column, value in values.items():
        setattr(dossier, column, value)
    if dossier_view(dossier) == before:
        return False
    dossier.version, dossier.updated_at = dossier.version + 1, utcnow()
    _record_update(uow, dossier, before, previous)
    return True


def _record_update(uow: UnitOfWork, dossier: Dossier, before: dict[str, Any], previous: str | None) -> None:
    after = dossier_view(dossier)
    fields_changed = {k for k in after if after[k] != before[k]} - {"assignedTo", "version", "updatedAt"}
    if fields_changed:
        uow.audit("UPDATE", "DOSSIER", dossier.id, before=before, after=after)
        uow.publish("dossier.updated", after, aggregate_type="dossier", aggregate_id=dossier.id,
                    version=dossier.version)
    if dossier.assigned_to != previous:
        uow.audit("DOSSIER_ASSIGNED", "DOSSIER", dossier.id, before={"assignedTo": previous},
                  after={"assignedTo": dossier.assigned_to})
        uow.publish("dossier.assigned", {**after, "previousAssignedTo": previous}, aggregate_type="dossier",
                    aggregate_id=dossier.id, version=dossier.version)
        timeline.log(uow, dossier, "ACT_SYSTEM", f"Assigned to {dossier.assigned_to or 'nobody'}",
                     details={"from": previous, "to": dossier.assigned_to})
