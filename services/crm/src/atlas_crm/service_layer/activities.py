"""The timeline as users write it: notes and tasks. System entries (status changes, message and
appointment logs, documents, system notices) are written by the CRM and are read-only (409)."""

from __future__ import annotations

from typing import Any

from atlas_crm.adapters.orm import Activity, Dossier
from atlas_crm.adapters.repositories import ActivityRepository
from atlas_crm.domain.catalogue_contacts import SYSTEM_ACTIVITIES
from atlas_crm.service_layer import satellites, timeline
from atlas_crm.service_layer.access import (
    MANAGERS,
    list_for_dossier,
    load_dossier,
    load_satellite,
    require_crm,
)
from atlas_crm.service_layer.codes import require_code
from atlas_crm.service_layer.views import activity_view
from atlas_shared.db.repository import Page
from atlas_shared.db.types import utcnow
from atlas_shared.db.uow import UnitOfWork
from atlas_shared.errors import Conflict, Forbidden, ValidationFailed

NOTE, TASK = "ACT_NOTE", "ACT_TASK"
COLUMNS = {"content": "content", "dueAt": "due_at", "assignee": "assignee", "done": "done"}
TASK_ONLY = ("dueAt", "assignee", "done")


def create_activity(uow: UnitOfWork, data: dict[str, Any]) -> dict[str, Any]:
    require_crm(uow.ctx, "write on the timeline")
    if data["type"] in SYSTEM_ACTIVITIES:
        raise ValidationFailed(details={"type": [f"{data['type']} entries are written by the system; "
                                                 f"users add {NOTE} or {TASK}."]})
    _check_task_fields(data["type"], data)
    with uow:
        require_code(uow, "ACTIVITY_TYPE", data["type"], "type")
        dossier = load_dossier(uow, data["dossierId"], for_update=True)
        activity = Activity(dossier_id=dossier.id, type=data["type"], actor=uow.ctx.user_id, details={},
                            **{column: data[key] for key, column in COLUMNS.items() if key in data})
        activity.done = bool(activity.done)
        activity.done_at = utcnow() if activity.done else None
        view = satellites.added(uow, activity, dossier, "ACTIVITY", activity_view)
        uow.commit()
        return view


def update_activity(uow: UnitOfWork, activity_id: Any, data: dict[str, Any]) -> dict[str, Any]:
    require_crm(uow.ctx, "change the timeline")
    with uow:
        activity, dossier = _load_editable(uow, activity_id)
        _check_task_fields(activity.type, data)
        before = activity_view(activity)
        for key, column in COLUMNS.items():
            if key in data:
                setattr(activity, column, data[key])
        if "done" in data:
            activity.done_at = (activity.done_at or utcnow()) if activity.done else None
        if activity_view(activity) != before:
            activity.updated_at = utcnow()
            uow.audit("UPDATE", "ACTIVITY", activity.id, before=before, after=activity_view(activity),
                      parent=("DOSSIER", dossier.id))
            timeline.touch(dossier)
        uow.commit()
        return activity_view(activity)


def delete_activity(uow: UnitOfWork, activity_id: Any) -> None:
    require_crm(uow.ctx, "change the timeline")
    with uow:
        activity, dossier = _load_editable(uow, activity_id)
        satellites.removed(uow, activity, dossier, "ACTIVITY", activity_view)
        uow.commit()


def list_activities(uow: UnitOfWork, query: dict[str, Any]) -> Page[dict[str, Any]]:
    return list_for_dossier(uow, ActivityRepository, query, activity_view, "read the timeline",
                            type=query.get("type"), done=query.get("done"))


def _load_editable(uow: UnitOfWork, activity_id: Any) -> tuple[Activity, Dossier]:
    """A user's note or task; system entries are part of the record and never change."""
    activity, dossier = load_satellite(uow, ActivityRepository, activity_id, for_update=True)
    if activity.type in SYSTEM_ACTIVITIES:
        raise Conflict(f"{activity.type} entries are written by the system and cannot be changed.",
                       {"type": activity.type}, code="SYSTEM_ACTIVITY_READ_ONLY")
    mine = uow.ctx.user_id in (activity.actor, activity.assignee)
    if not (mine or uow.ctx.has_any_role(*MANAGERS)):
        raise Forbidden("Only its author, its assignee or a manager may change this entry.",
                        {"requiredRoles": list(MANAGERS)})
    return activity, dossier


def _check_task_fields(activity_type: str, data: dict[str, Any]) -> None:
    misplaced = [key for key in TASK_ONLY if key in data and activity_type != TASK]
    if misplaced:
        raise ValidationFailed(details={key: [f"Only {TASK} entries have {key}."] for key in misplaced})
