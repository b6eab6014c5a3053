"""Dossier use cases: create (with dedupe), read, list, status history. One transaction each."""

from __future__ import annotations

import uuid
from typing import Any

from atlas_crm.adapters.orm import Dossier, StatusHistory
from atlas_crm.adapters.repositories import DossierRepository
from atlas_crm.domain import dossier as rules
from atlas_crm.domain.policies import OWNER_FULL, dedupe_scope
from atlas_crm.domain.workflow_modules import is_coop
from atlas_crm.service_layer import normalise, org_settings, timeline
from atlas_crm.service_layer.access import (
    MANAGERS,
    agent_scope,
    load_dossier,
    may_see,
    owner_scope,
    require_crm,
)
from atlas_crm.service_layer.codes import code_problem
from atlas_crm.service_layer.views import dossier_view, history_view, owner_view
from atlas_crm.service_layer.workflows import active_definition
from atlas_shared.db.repository import Page
from atlas_shared.db.types import new_id, utcnow
from atlas_shared.db.uow import UnitOfWork
from atlas_shared.errors import Conflict, Forbidden
from atlas_shared.events import json_safe

# API field -> column, for what a client may set on create and update (status has its own endpoint).
EDITABLE = {"contactName": "contact_name", "email": "email", "annonceId": "annonce_id",
            "budgetMin": "budget_min", "budgetMax": "budget_max", "assignedTo": "assigned_to",
            "score": "score", "scoreReason": "score_reason", "payload": "payload", "source": "source"}


def create_dossier(uow: UnitOfWork, data: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """(dossier, created): an open twin for the same contact is returned instead of a new one."""
    require_crm(uow.ctx, "create dossiers")
    with uow:
        dossier, created = open_or_create(uow, data)
        uow.commit()
        return dossier_view(dossier), created


def open_or_create(uow: UnitOfWork, data: dict[str, Any]) -> tuple[Dossier, bool]:
    """The creation rules of a user's request (inside the caller's ``with uow``): an agent creates for
    themselves; a twin assigned to someone else is refused with 409 DUPLICATE_DOSSIER, the submission
    being kept on its timeline (the one case where this commits)."""
    scope = agent_scope(uow.ctx)
    if scope is not None and data.get("assignedTo") not in (None, scope):
        raise Forbidden("An agent may only create dossiers assigned to themselves.",
                        {"requiredRoles": list(MANAGERS)})
    dossier, created = intake(uow, {**data, "assignedTo": data.get("assignedTo") or scope})
    if not created and not may_see(uow.ctx, dossier):
        uow.commit()  # the submission stays on the twin's timeline
        raise Conflict("An open dossier for this contact already exists and is assigned to someone "
                       "else; your submission was added to its timeline.", {"dossierId": str(dossier.id)},
                       code="DUPLICATE_DOSSIER")
    return dossier, created


def intake(uow: UnitOfWork, data: dict[str, Any],
           dossier_id: uuid.UUID | None = None) -> tuple[Dossier, bool]:
    """Create a dossier, or find its open twin and log the submission there (no permission check,
    no commit: used by the HTTP use case and the lead consumers)."""
    values = _creation_values(uow, data)
    twin = find_twin(uow, values.get("phone"), values.get("annonce_id"), values["case_type"])
    if twin is not None:
        timeline.log(uow, twin, "ACT_SYSTEM", "Duplicate lead merged",
                     details={"submitted": json_safe(data), "matchedPhone": values.get("phone")})
        return twin, False
    return _insert(uow, values, dossier_id), True


def find_twin(uow: UnitOfWork, phone: str | None, annonce_id: uuid.UUID | None,
              case_type: str) -> Dossier | None:
    """The open dossier this contact already has, under the org's dedupe policy."""
    policy = org_settings.effective(uow.session, uow.ctx.org_id)["dedupePolicy"]
    look, listing = dedupe_scope(policy, phone, annonce_id)
    if not (look and phone):
        return None
    return DossierRepository(uow.session).open_for_phone(phone, listing, b2b_demo=case_type == rules.B2B_DEMO)


def _creation_values(uow: UnitOfWork, data: dict[str, Any]) -> dict[str, Any]:
    data = {"caseType": rules.DEFAULT_CASE_TYPE, "source": rules.DEFAULT_SOURCE, **{
        k: v for k, v in data.items() if v is not None}}
    errors: normalise.Errors = {}
    values = edited_values(uow, data, errors)
    if problem := code_problem(uow, "CASE_TYPE", data["caseType"]):
        errors["caseType"] = [problem]
    elif is_coop(data["caseType"]):
        errors["caseType"] = [f"{data['caseType']} is run by the coop module (/api/v1/coop/...), "
                              "not as a dossier."]
    errors.update(rules.budget_problems(values.get("budget_min"), values.get("budget_max")))
    normalise.raise_if(errors)
    return {"case_type": data["caseType"], "payload": {}, **values}


def edited_values(uow: UnitOfWork, data: dict[str, Any], errors: normalise.Errors) -> dict[str, Any]:
    """Column values for the fields a client may set, phone normalised, codes checked."""
    values = {column: data[key] for key, column in EDITABLE.items() if key in data}
    if "phone" in data:
        values["phone"], values["phone_raw"] = normalise.phone(data["phone"], "phone", errors)
    if values.get("source") is not None and (problem := code_problem(uow, "LEAD_SOURCE", values["source"])):
        errors["source"] = [problem]
    if "payload" in values:
        values["payload"] = values["payload"] or {}
    return values


def _insert(uow: UnitOfWork, values: dict[str, Any], dossier_id: uuid.UUID | None) -> Dossier:
    definition = active_definition(uow.session, uow.ctx.org_id, values["case_type"])
    now = utcnow()
    dossier = Dossier(id=dossier_id or new_id(), status=definition.initial.code, version=1,
                      workflow_version=definition.version, created_by=uow.ctx.user_id, created_at=now,
                      updated_at=now, last_activity_at=now, **{"phone": None, "phone_raw": None, **values})
    DossierRepository(uow.session).add(dossier)
    uow.session.add(StatusHistory(dossier_id=dossier.id, case_type=dossier.case_type, from_status=None,
                                  to_status=dossier.status, transition_code="CREATE", actor=uow.ctx.user_id,
                                  workflow_version=definition.version, dossier_version=1, occurred_at=now))
    snapshot = dossier_view(dossier)
    uow.audit("CREATE", "DOSSIER", dossier.id, after=snapshot)
    uow.publish("dossier.created", snapshot, aggregate_type="dossier", aggregate_id=dossier.id, version=1)
    return dossier


def get_dossier(uow: UnitOfWork, dossier_id: Any) -> dict[str, Any]:
    with uow:
        owner, access = owner_scope(uow, "read dossiers")
        return owner_view(dossier_view(load_dossier(uow, dossier_id, owner=owner)), access)


def list_dossiers(uow: UnitOfWork, filters: dict[str, Any]) -> Page[dict[str, Any]]:
    errors: normalise.Errors = {}
    if filters.get("phone"):
        filters = {**filters, "phone": normalise.phone(filters["phone"], "phone", errors)[0]}
    normalise.raise_if(errors)
    with uow:
        owner, access = owner_scope(uow, "read dossiers")
        if owner is not None and access != OWNER_FULL and filters.get("phone"):
            raise Forbidden("Searching by the lead's phone needs access to contact details.")
        agent = agent_scope(uow.ctx) if owner is None else None
        page = DossierRepository(uow.session).search(filters, filters.get("page", 1), filters.get("size", 20),
                                                     filters.get("sort"), assigned_to=agent, owner=owner)
        return page.map(lambda d: owner_view(dossier_view(d), access))


def status_history(uow: UnitOfWork, dossier_id: Any) -> list[dict[str, Any]]:
    with uow:
        owner, _ = owner_scope(uow, "read dossiers")
        dossier = load_dossier(uow, dossier_id, owner=owner)
        return [history_view(h) for h in DossierRepository(uow.session).history(dossier.id)]

