"""Parties prenantes: the people around a dossier (roles from STAKEHOLDER_ROLE, phones in E.164).
Their phones count for dossier dedupe and inbound matching."""

from __future__ import annotations

from typing import Any

from atlas_crm.adapters.orm import Stakeholder
from atlas_crm.adapters.repositories import StakeholderRepository
from atlas_crm.service_layer import normalise, satellites, timeline
from atlas_crm.service_layer.access import list_for_dossier, load_dossier, load_satellite, require_crm
from atlas_crm.service_layer.codes import code_problem
from atlas_crm.service_layer.views import stakeholder_view
from atlas_shared.db.repository import Page
from atlas_shared.db.types import utcnow
from atlas_shared.db.uow import UnitOfWork

COLUMNS = {"role": "role", "fullName": "full_name", "firstName": "first_name", "lastName": "last_name",
           "email": "email", "address": "address"}


def _values(uow: UnitOfWork, data: dict[str, Any], current: Stakeholder | None) -> dict[str, Any]:
    errors: normalise.Errors = {}
    values = {column: data[key] for key, column in COLUMNS.items() if key in data}
    if "phone" in data:
        values["phone"], values["phone_raw"] = normalise.phone(data["phone"], "phone", errors)
    if values.get("role") and (problem := code_problem(uow, "STAKEHOLDER_ROLE", values["role"])):
        errors["role"] = [problem]
    renamed = "first_name" in values or "last_name" in values
    if not values.get("full_name") and (renamed or current is None):
        first = values.get("first_name", current.first_name if current else None)
        last = values.get("last_name", current.last_name if current else None)
        if derived := " ".join(part for part in (first, last) if part):
            values["full_name"] = derived
    if not values.get("full_name", current.full_name if current else None):
        errors["fullName"] = ["Give fullName, or firstName and lastName."]
    normalise.raise_if(errors)
    return values


def create_stakeholder(uow: UnitOfWork, data: dict[str, Any]) -> dict[str, Any]:
    require_crm(uow.ctx, "add stakeholders")
    with uow:
        dossier = load_dossier(uow, data["dossierId"], for_update=True)
        values = _values(uow, data, None)
        stakeholder = Stakeholder(dossier_id=dossier.id, created_by=uow.ctx.user_id, **values)
        view = satellites.added(uow, stakeholder, dossier, "STAKEHOLDER", stakeholder_view)
        uow.commit()
        return view


def update_stakeholder(uow: UnitOfWork, stakeholder_id: Any, data: dict[str, Any]) -> dict[str, Any]:
    require_crm(uow.ctx, "change stakeholders")
    with uow:
        stakeholder, dossier = load_satellite(uow, StakeholderRepository, stakeholder_id, for_update=True)
        before = stakeholder_view(stakeholder)
        for column, value in _values(uow, data, stakeholder).items():
            setattr(stakeholder, column, value)
        after = stakeholder_view(stakeholder)
        if after != before:
            stakeholder.updated_at = utcnow()
            after = stakeholder_view(stakeholder)
            uow.audit("UPDATE", "STAKEHOLDER", stakeholder.id, before=before, after=after,
                      parent=("DOSSIER", dossier.id))
            timeline.touch(dossier)
        uow.commit()
        return after


def delete_stakeholder(uow: UnitOfWork, stakeholder_id: Any) -> None:
    require_crm(uow.ctx, "remove stakeholders")
    with uow:
        stakeholder, dossier = load_satellite(uow, StakeholderRepository, stakeholder_id, for_update=True)
        satellites.removed(uow, stakeholder, dossier, "STAKEHOLDER", stakeholder_view)
        uow.commit()


def list_stakeholders(uow: UnitOfWork, query: dict[str, Any]) -> Page[dict[str, Any]]:
    return list_for_dossier(uow, StakeholderRepository, query, stakeholder_view, "read stakeholders",
                            role=query.get("role"))
