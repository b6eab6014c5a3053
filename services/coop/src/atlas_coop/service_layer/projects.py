"""Projects (workflow COOP_PROJECT, milestones) and their lots; delivery and handover hand the lots
over (ASSIGNED → DELIVERED) and tell the members."""

from __future__ import annotations

from typing import Any

from atlas_coop.adapters.ledger_repositories import AllocationRepository, LotRepository, ProjectRepository
from atlas_coop.adapters.orm import Lot, Project
from atlas_coop.adapters.repositories import GroupRepository, MemberRepository
from atlas_coop.domain import notifications as n
from atlas_coop.domain.allocation import code_key
from atlas_coop.domain.codes import (
    ACT_SYSTEM,
    ALLOC_ASSIGNED,
    ALLOC_SIGNED,
    GROUP,
    LOT,
    LOT_ASSIGNED,
    LOT_AVAILABLE,
    LOT_DELIVERED,
    PROJECT,
    PROJECT_DELIVERY,
    PROJECT_HANDOVER,
)
from atlas_coop.service_layer import access, clock, timeline
from atlas_coop.service_layer.guards import project_guards
from atlas_coop.service_layer.notify import Message, notify
from atlas_coop.service_layer.transitions import move
from atlas_coop.service_layer.views import lot_view, project_view
from atlas_coop.service_layer.workflow_store import definition
from atlas_shared.db.types import utcnow
from atlas_shared.db.uow import UnitOfWork
from atlas_shared.errors import Conflict
from atlas_shared.events import json_safe

HANDING_OVER = (PROJECT_DELIVERY, PROJECT_HANDOVER)


def create_project(uow: UnitOfWork, group_id: Any, data: dict[str, Any]) -> dict[str, Any]:
    access.require_manager(uow, "create projects")
    with uow:
        group = GroupRepository(uow.session).get(group_id)
        initial = definition(uow, "COOP_PROJECT").initial.code
        project = Project(group_id=group.id, name=data["name"].strip(), status=initial,
                          budget_total=data.get("budgetTotal"), version=1,
                          milestones=[_milestone(initial, data.get("milestoneDate"), "Projet créé")])
        ProjectRepository(uow.session).add(project)
        uow.audit("CREATE", PROJECT, project.id, after=project_view(project), parent=(GROUP, group.id))
        timeline.record(uow, group.id, (PROJECT, project.id), ACT_SYSTEM, f"Projet « {project.name} » créé",
                        {"status": initial})
        uow.commit()
        return project_view(project)


def _milestone(label: str, on: Any, note: str | None) -> dict[str, Any]:
    return json_safe({"label": label, "date": on or clock.today(), "note": note, "recordedAt": utcnow()})


def update_project(uow: UnitOfWork, project_id: Any, data: dict[str, Any]) -> dict[str, Any]:
    access.require_manager(uow, "change projects")
    with uow:
        project = ProjectRepository(uow.session).get(project_id, for_update=True)
        before = project_view(project)
        for key, column in (("name", "name"), ("budgetTotal", "budget_total")):
            if key in data:
                setattr(project, column, data[key])
        if data.get("milestone"):
            m = data["milestone"]
            project.milestones = [*project.milestones, _milestone(m["label"], m.get("date"), m.get("note"))]
        if data.get("status") and data["status"] != project.status:
            _change_status(uow, project, data)
        status_changed = project.status != before["status"]
        if project_view(project) != before:
            if not status_changed:  # a status change already counted the new version
                project.version, project.updated_at = project.version + 1, utcnow()
            uow.audit("COOP_PROJECT_STATUS_CHANGED" if status_changed else "UPDATE", PROJECT, project.id,
                      before=before, after=project_view(project),
                      extra={"comment": data["comment"]} if data.get("comment") else None)
        uow.commit()
        return project_view(project)


def _change_status(uow: UnitOfWork, project: Project, data: dict[str, Any]) -> None:
    payload = {"comment": data["comment"]} if data.get("comment") else {}
    move(uow, project, definition(uow, "COOP_PROJECT"), data["status"], payload, project_guards(project),
         label=f"Projet {project.name}", entity_ref=(PROJECT, project.id), group_id=project.group_id)
    milestone = _milestone(project.status, data.get("milestoneDate"), data.get("comment"))
    project.milestones = [*project.milestones, milestone]
    holders = _hand_over(uow, project) if project.status in HANDING_OVER else {}
    group = GroupRepository(uow.session).get(project.group_id)
    notify(uow, group, MemberRepository(uow.session).current(group.id),
           Message(n.PROJECT_MILESTONE, PROJECT, project.id, f"status:{project.version}",
                   {"project_name": project.name, "milestone": project.status}),
           per_member={member_id: {"lot_code": code} for member_id, code in holders.items()})


def _hand_over(uow: UnitOfWork, project: Project) -> dict[Any, str]:
    """Assigned lots become DELIVERED; returns member id → lot code of every lot holder."""
    lots = {lot.id: lot for lot in LotRepository(uow.session).of_project(project.id)}
    holders = {}
    held = AllocationRepository(uow.session).of_project(project.id, [ALLOC_ASSIGNED, ALLOC_SIGNED])
    for allocation in held:
        lot = lots[allocation.lot_id]
        if lot.status == LOT_ASSIGNED:
            lot.status, lot.updated_at = LOT_DELIVERED, utcnow()
            timeline.record(uow, project.group_id, (LOT, lot.id), ACT_SYSTEM, f"Lot {lot.code} livré",
                            {"projectStatus": project.status, "memberId": allocation.member_id})
        holders[allocation.member_id] = lot.code
    return holders


def get_project(uow: UnitOfWork, project_id: Any) -> dict[str, Any]:
    access.require_reader(uow, "read projects")
    with uow:
        project = ProjectRepository(uow.session).get(project_id)
        access.ensure_group_access(uow, GroupRepository(uow.session).get(project.group_id))
        return project_view(project)


def list_projects(uow: UnitOfWork, group_id: Any) -> list[dict[str, Any]]:
    access.require_reader(uow, "read projects")
    with uow:
        group = GroupRepository(uow.session).get(group_id)
        access.ensure_group_access(uow, group)
        return [project_view(p) for p in ProjectRepository(uow.session).of_group(group.id)]


def create_lot(uow: UnitOfWork, project_id: Any, data: dict[str, Any]) -> dict[str, Any]:
    access.require_manager(uow, "create lots")
    with uow:
        project = ProjectRepository(uow.session).get(project_id, for_update=True)
        if definition(uow, "COOP_PROJECT").is_terminal(project.status):
            raise Conflict(f"The project is {project.status}: it takes no new lots.",
                           {"status": project.status})
        code = data["code"].strip()
        if LotRepository(uow.session).code_taken(project.id, code):
            raise Conflict(f"Lot code {code} already exists in this project.", {"code": [code]},
                           code="LOT_CODE_TAKEN")
        lot = Lot(project_id=project.id, group_id=project.group_id, code=code, type=data["type"],
                  surface_m2=data["surfaceM2"], floor=data.get("floor"), status=LOT_AVAILABLE,
                  price_reference=data["priceReference"])
        LotRepository(uow.session).add(lot)
        uow.audit("CREATE", LOT, lot.id, after=lot_view(lot), parent=(PROJECT, project.id))
        uow.commit()
        return lot_view(lot)


def list_lots(uow: UnitOfWork, project_id: Any, filters: dict[str, Any]) -> list[dict[str, Any]]:
    access.require_reader(uow, "read lots")
    with uow:
        project = ProjectRepository(uow.session).get(project_id)
        access.ensure_group_access(uow, GroupRepository(uow.session).get(project.group_id))
        lots = LotRepository(uow.session).of_project(project.id, filters.get("status"))
        return [lot_view(lot) for lot in sorted(lots, key=lambda lot: (code_key(lot.code), str(lot.id)))]
