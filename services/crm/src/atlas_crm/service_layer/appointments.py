"""Appointment use cases. Create and update write an audit event and an ACT_APPOINTMENT_LOG; an
overlap with the assignee's other appointments is a warning, or a 409 when the org blocks overlaps."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from atlas_crm.adapters.orm import Appointment, Dossier
from atlas_crm.adapters.repositories import AppointmentRepository
from atlas_crm.domain import appointments as rules
from atlas_crm.domain.policies import BLOCK
from atlas_crm.service_layer import normalise, org_settings, satellites, timeline
from atlas_crm.service_layer.access import list_for_dossier, load_dossier, load_satellite, require_crm
from atlas_crm.service_layer.codes import code_problem
from atlas_crm.service_layer.views import appointment_view, owner_appointment_view
from atlas_shared.db.repository import Page
from atlas_shared.db.types import utcnow
from atlas_shared.db.uow import UnitOfWork
from atlas_shared.errors import Conflict

COLUMNS = {"type": "type", "status": "status", "startsAt": "starts_at", "endsAt": "ends_at",
           "location": "location", "assignedTo": "assigned_to", "annonceId": "annonce_id",
           "comment": "comment"}
REQUIRED = ("type", "status", "startsAt", "endsAt", "assignedTo")  # null there means "not given"
Warnings = list[dict[str, Any]]


def create_appointment(uow: UnitOfWork, data: dict[str, Any]) -> dict[str, Any]:
    require_crm(uow.ctx, "schedule appointments")
    with uow:
        dossier = load_dossier(uow, data["dossierId"], for_update=True)
        appointment, warnings = schedule(uow, dossier, data)
        uow.commit()
        return {**appointment_view(appointment), "warnings": warnings}


def update_appointment(uow: UnitOfWork, appointment_id: Any, data: dict[str, Any]) -> dict[str, Any]:
    require_crm(uow.ctx, "change appointments")
    with uow:
        appointment, dossier = load_satellite(uow, AppointmentRepository, appointment_id, for_update=True)
        warnings = change(uow, dossier, appointment, data)
        uow.commit()
        return {**appointment_view(appointment), "warnings": warnings}


def set_appointment_status(uow: UnitOfWork, appointment_id: Any, status: str,
                           comment: str | None = None) -> dict[str, Any]:
    """Record what became of an appointment (done, no-show, cancelled, or scheduled again); the
    comment goes with the change into the audit event and the timeline, not into the appointment."""
    require_crm(uow.ctx, "change appointments")
    with uow:
        appointment, dossier = load_satellite(uow, AppointmentRepository, appointment_id, for_update=True)
        warnings = change(uow, dossier, appointment, {"status": status}, note=comment)
        uow.commit()
        return {**appointment_view(appointment), "warnings": warnings}


def delete_appointment(uow: UnitOfWork, appointment_id: Any) -> None:
    require_crm(uow.ctx, "delete appointments")
    with uow:
        appointment, dossier = load_satellite(uow, AppointmentRepository, appointment_id, for_update=True)
        before = satellites.removed(uow, appointment, dossier, "APPOINTMENT", appointment_view)
        timeline.log(uow, dossier, "ACT_APPOINTMENT_LOG", "Appointment deleted",
                     related=("APPOINTMENT", appointment.id), details=before)
        uow.commit()


def list_appointments(uow: UnitOfWork, query: dict[str, Any]) -> Page[dict[str, Any]]:
    return list_for_dossier(uow, AppointmentRepository, query, appointment_view, "read appointments",
                            for_owner=owner_appointment_view, status=query.get("status"))


def schedule(uow: UnitOfWork, dossier: Dossier, data: dict[str, Any], *, default_type: str | None = None,
             field: str | None = None) -> tuple[Appointment, Warnings]:
    """Create an appointment on the dossier (no commit); ``field`` prefixes errors of a nested body."""
    base = {"type": default_type, "status": rules.SCHEDULED, "startsAt": None, "endsAt": None,
            "assignedTo": dossier.assigned_to or uow.ctx.user_id}
    values = _resolve(uow, base, data, lambda name: f"{field}.{name}" if field else name)
    warnings = _overlaps(uow, values, None)
    appointment = Appointment(dossier_id=dossier.id, created_by=uow.ctx.user_id,
                              **{COLUMNS[k]: v for k, v in values.items()})
    view = satellites.added(uow, appointment, dossier, "APPOINTMENT", appointment_view)
    timeline.log(uow, dossier, "ACT_APPOINTMENT_LOG", f"{appointment.type} scheduled for {view['startsAt']}",
                 related=("APPOINTMENT", appointment.id), details=view)
    return appointment, warnings


def change(uow: UnitOfWork, dossier: Dossier, appointment: Appointment, data: dict[str, Any], *,
           note: str | None = None) -> Warnings:
    """Update an appointment (no commit). Moving the start without an end keeps the duration;
    ``note`` is a comment on this change (audit context and timeline)."""
    before = appointment_view(appointment)
    base = {key: getattr(appointment, column) for key, column in COLUMNS.items()}
    if data.get("startsAt") is not None and data.get("endsAt") is None:
        base["endsAt"] = None
        data = {**data, "_duration": appointment.ends_at - appointment.starts_at}
    values = _resolve(uow, base, data, lambda name: name)
    warnings = _overlaps(uow, values, appointment.id)
    for key, value in values.items():
        setattr(appointment, COLUMNS[key], value)
    if appointment_view(appointment) == before:
        return []
    appointment.updated_at = utcnow()
    after = appointment_view(appointment)
    uow.audit("UPDATE", "APPOINTMENT", appointment.id, before=before, after=after,
              parent=("DOSSIER", dossier.id), extra={"comment": note} if note else None)
    what = f"{appointment.type} now {appointment.status}" if after["status"] != before["status"] else \
        f"{appointment.type} updated ({after['startsAt']})"
    details = {"before": before, "after": after, **({"comment": note} if note else {})}
    timeline.log(uow, dossier, "ACT_APPOINTMENT_LOG", what, related=("APPOINTMENT", appointment.id),
                 details=details)
    return warnings


def _resolve(uow: UnitOfWork, base: dict[str, Any], data: dict[str, Any],
             path: Callable[[str], str]) -> dict[str, Any]:
    errors: normalise.Errors = {}
    values = dict(base)
    values.update({k: data[k] for k in COLUMNS if k in data and not (data[k] is None and k in REQUIRED)})
    for key in ("startsAt", "endsAt"):
        if values.get(key) is not None:
            values[key] = normalise.instant(values[key], path(key), errors)
    if values["startsAt"] is None:
        errors.setdefault(path("startsAt"), ["Required."])
    elif values["endsAt"] is None:
        values["endsAt"] = values["startsAt"] + data.get("_duration", rules.DEFAULT_DURATION)
    elif problem := rules.range_problem(values["startsAt"], values["endsAt"]):
        errors[path("endsAt")] = [problem]
    if not values.get("type"):
        errors.setdefault(path("type"), ["Required."])
    for key, dict_type in (("type", "APPOINT_TYPE"), ("status", "APPOINT_STATUS")):
        if values.get(key) and (problem := code_problem(uow, dict_type, values[key])):
            errors[path(key)] = [problem]
    if isinstance(values.get("annonceId"), str):
        try:
            values["annonceId"] = uuid.UUID(values["annonceId"])
        except ValueError:
            errors[path("annonceId")] = ["Not a valid UUID."]
    normalise.raise_if(errors)
    return values


def _overlaps(uow: UnitOfWork, values: dict[str, Any], exclude: uuid.UUID | None) -> Warnings:
    if values["status"] in rules.FREE_STATUSES or not values.get("assignedTo"):
        return []
    clashes = AppointmentRepository(uow.session).overlapping(
        values["assignedTo"], values["startsAt"], values["endsAt"], exclude, rules.FREE_STATUSES)
    if not clashes:
        return []
    found = [{"code": "APPOINTMENT_OVERLAP", "appointmentId": str(a.id), "dossierId": str(a.dossier_id),
              "startsAt": a.starts_at.isoformat(), "endsAt": a.ends_at.isoformat(),
              "message": f"{values['assignedTo']} already has an appointment from {a.starts_at.isoformat()} "
                         f"to {a.ends_at.isoformat()}."} for a in clashes]
    if org_settings.effective(uow.session, uow.ctx.org_id)["appointmentOverlapPolicy"] == BLOCK:
        raise Conflict("This appointment overlaps another one of the same assignee.", {"overlaps": found},
                       code="APPOINTMENT_OVERLAP")
    return found
