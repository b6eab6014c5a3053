"""What the B2B demo pipeline does beyond the engine: its guard and its effects on appointments.

Definitions name them (``guards``/``effects`` of a transition); the engine runs the guards during
``check`` and the status change runs the effects, in the same transaction, before the move.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from atlas_crm.adapters.orm import Appointment, Dossier
from atlas_crm.adapters.repositories import AppointmentRepository
from atlas_crm.domain import appointments as rules
from atlas_crm.service_layer import appointments
from atlas_shared.db.uow import UnitOfWork
from atlas_shared.errors import ValidationFailed
from atlas_shared.workflow import Transition
from atlas_shared.workflow.engine import Guard

Warnings = list[dict[str, Any]]
Effect = Callable[[UnitOfWork, Dossier, dict[str, Any]], Warnings]


def guards(uow: UnitOfWork, dossier: Dossier) -> dict[str, Guard]:
    def appointment_done(transition: Transition, payload: dict[str, Any]) -> str | None:
        demo = _demo_appointment(uow, dossier, payload.get("appointmentId"))
        if demo is None:
            return "This dossier has no demo appointment to mark as done."
        if demo.status != rules.DONE:
            return f"The demo appointment {demo.id} is {demo.status}; set it to {rules.DONE} first."
        return None
    return {"APPOINTMENT_DONE": appointment_done}


def run_effects(uow: UnitOfWork, dossier: Dossier, transition: Transition,
                payload: dict[str, Any]) -> Warnings:
    warnings: Warnings = []
    for name in transition.effects:
        warnings += EFFECTS[name](uow, dossier, payload)
    return warnings


def _demo_appointment(uow: UnitOfWork, dossier: Dossier, appointment_id: Any) -> Appointment | None:
    repo = AppointmentRepository(uow.session)
    if appointment_id:
        found = repo.find(appointment_id)
        return found if found is not None and found.dossier_id == dossier.id else None
    return repo.latest_for_dossier(dossier.id, (rules.SCHEDULED, rules.DONE, rules.NO_SHOW))


def _record_qualification(uow: UnitOfWork, dossier: Dossier, payload: dict[str, Any]) -> Warnings:
    dossier.payload = {**(dossier.payload or {}), "qualificationNotes": payload["qualificationNotes"]}
    return []


def _record_deal(uow: UnitOfWork, dossier: Dossier, payload: dict[str, Any]) -> Warnings:
    value = payload.get("dealValue")
    if value is None:
        return []
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        amount = Decimal(-1)
    if not amount.is_finite() or amount < 0:
        raise ValidationFailed(details={"dealValue": ["Must be an amount greater than or equal to 0."]})
    dossier.payload = {**(dossier.payload or {}), "dealValue": str(amount)}
    return []


def _create_appointment(uow: UnitOfWork, dossier: Dossier, payload: dict[str, Any]) -> Warnings:
    data = payload["appointment"]
    if not isinstance(data, dict):
        raise ValidationFailed(details={"appointment": ["Must be an object {startsAt, endsAt?, type?}."]})
    _, warnings = appointments.schedule(uow, dossier, data, default_type=rules.DEMO_TYPE, field="appointment")
    return warnings


def _reschedule(uow: UnitOfWork, dossier: Dossier, payload: dict[str, Any]) -> Warnings:
    demo = _demo_appointment(uow, dossier, payload["appointmentId"])
    if demo is None or demo.status != rules.SCHEDULED:
        raise ValidationFailed(details={"appointmentId": ["Not a scheduled appointment of this dossier."]})
    changes = {"startsAt": payload["startsAt"], "endsAt": payload.get("endsAt")}
    return appointments.change(uow, dossier, demo, changes)


def _cancel_appointments(uow: UnitOfWork, dossier: Dossier, payload: dict[str, Any]) -> Warnings:
    for scheduled in AppointmentRepository(uow.session).with_status(dossier.id, rules.SCHEDULED):
        appointments.change(uow, dossier, scheduled, {"status": rules.CANCELLED})
    return []


EFFECTS: dict[str, Effect] = {
    "RECORD_QUALIFICATION": _record_qualification, "RECORD_DEAL": _record_deal,
    "CREATE_APPOINTMENT": _create_appointment, "RESCHEDULE_APPOINTMENT": _reschedule,
    "CANCEL_APPOINTMENT": _cancel_appointments,
}
