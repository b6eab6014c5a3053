"""Group use cases: create, read, list, edit, change status (workflow COOP_GROUP), timeline."""

from __future__ import annotations

from typing import Any

from atlas_coop.adapters.ledger_repositories import PlanRepository
from atlas_coop.adapters.orm import CoopGroup
from atlas_coop.adapters.repositories import (
    ActivityRepository,
    GroupRepository,
    MemberRepository,
    NotificationRepository,
)
from atlas_coop.domain.codes import ACT_SYSTEM, GROUP
from atlas_coop.service_layer import access, timeline, workflow_store
from atlas_coop.service_layer.group_status import change_group_status
from atlas_coop.service_layer.transitions import available
from atlas_coop.service_layer.views import activity_view, group_view, notification_view
from atlas_shared.db.repository import Page
from atlas_shared.db.types import utcnow
from atlas_shared.db.uow import UnitOfWork

EDITABLE = {"name": "name", "city": "city", "rules": "rules"}


def create_group(uow: UnitOfWork, data: dict[str, Any]) -> dict[str, Any]:
    access.require_manager(uow, "create co-operative groups")
    with uow:
        initial = workflow_store.definition(uow, "COOP_GROUP").initial.code
        group = CoopGroup(name=data["name"].strip(), city=data["city"].strip(), status=initial,
                          rules=data.get("rules") or {}, created_by=uow.ctx.user_id, version=1)
        GroupRepository(uow.session).add(group)
        after = group_view(group)
        uow.audit("CREATE", GROUP, group.id, after=after)
        timeline.record(uow, group.id, (GROUP, group.id), ACT_SYSTEM, f"Groupement « {group.name} » créé",
                        {"status": initial})
        uow.commit()
        return detail(uow, group)


def detail(uow: UnitOfWork, group: CoopGroup) -> dict[str, Any]:
    """The group with what a client needs next: current plan and the moves the caller may make."""
    view = group_view(group)
    plan = PlanRepository(uow.session).current(group.id)
    view["currentPlan"] = {"id": plan.id, "version": plan.version} if plan else None
    view["availableTransitions"] = available(workflow_store.definition(uow, "COOP_GROUP"), group.status,
                                             uow.ctx.roles) if access.is_manager(uow) else []
    return view


def get_group(uow: UnitOfWork, group_id: Any) -> dict[str, Any]:
    access.require_reader(uow, "read co-operative groups")
    with uow:
        group = GroupRepository(uow.session).get(group_id)
        access.ensure_group_access(uow, group)
        return detail(uow, group)


def list_groups(uow: UnitOfWork, filters: dict[str, Any]) -> Page[dict[str, Any]]:
    access.require_reader(uow, "read co-operative groups")
    with uow:
        own = None
        if access.member_only(uow):
            own = list({m.group_id for m in MemberRepository(uow.session).of_user(uow.ctx.user_id)})
        return GroupRepository(uow.session).search(filters, own).map(group_view)


def update_group(uow: UnitOfWork, group_id: Any, data: dict[str, Any]) -> dict[str, Any]:
    access.require_manager(uow, "change co-operative groups")
    with uow:
        group = GroupRepository(uow.session).get(group_id, for_update=True)
        before = group_view(group)
        for key, column in EDITABLE.items():
            if key in data:
                setattr(group, column, data[key].strip() if isinstance(data[key], str) else data[key])
        if data.get("status") and data["status"] != group.status:
            change_group_status(uow, group, data, before)
        elif group_view(group) != before:
            group.version += 1
            group.updated_at = utcnow()
            uow.audit("UPDATE", GROUP, group.id, before=before, after=group_view(group))
        uow.commit()
        return detail(uow, group)


def group_timeline(uow: UnitOfWork, group_id: Any, filters: dict[str, Any]) -> Page[dict[str, Any]]:
    access.require_staff(uow, "read the group's timeline")
    with uow:
        group = GroupRepository(uow.session).get(group_id)
        return ActivityRepository(uow.session).timeline(group.id, filters).map(activity_view)


def group_notifications(uow: UnitOfWork, group_id: Any, filters: dict[str, Any]) -> Page[dict[str, Any]]:
    access.require_staff(uow, "read the group's notifications")
    with uow:
        group = GroupRepository(uow.session).get(group_id)
        return NotificationRepository(uow.session).of_group(group.id, filters).map(notification_view)
