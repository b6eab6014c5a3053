"""Appointments API (rendez-vous)."""

from __future__ import annotations

from flask.views import MethodView

from atlas_crm.entrypoints.http.appointments.schemas import (
    AppointmentCreateSchema,
    AppointmentPatchSchema,
    AppointmentQuery,
    AppointmentSchema,
    AppointmentStatusSchema,
    AppointmentWriteSchema,
)
from atlas_crm.entrypoints.http.common import uow
from atlas_crm.service_layer import appointments
from atlas_shared.web.blueprint import Blueprint
from atlas_shared.web.schemas import page_body, page_of

blp = Blueprint("appointments", __name__, url_prefix="/api/v1/appointments",
                description="Appointments of a dossier")


@blp.route("")
class Appointments(MethodView):
    @blp.arguments(AppointmentQuery, location="query")
    @blp.response(200, page_of(AppointmentSchema))
    def get(self, query):  # type: ignore[no-untyped-def]
        """The appointments of a dossier, by start time."""
        return page_body(appointments.list_appointments(uow(read_only=True), query))

    @blp.arguments(AppointmentCreateSchema)
    @blp.response(201, AppointmentSchema)
    def post(self, data):  # type: ignore[no-untyped-def]
        """Schedule an appointment; an overlap with the assignee's others is listed in `warnings`,
        or refused with 409 APPOINTMENT_OVERLAP when the organisation blocks overlaps."""
        return appointments.create_appointment(uow(), data)


@blp.route("/<appointment_id>")
class AppointmentById(MethodView):
    @blp.arguments(AppointmentWriteSchema)
    @blp.response(200, AppointmentSchema)
    def put(self, data, appointment_id):  # type: ignore[no-untyped-def]
        """Update an appointment (e.g. reschedule, or set APPOINT_DONE); same overlap rule."""
        return appointments.update_appointment(uow(), appointment_id, data)

    @blp.arguments(AppointmentPatchSchema)
    @blp.response(200, AppointmentSchema)
    def patch(self, data, appointment_id):  # type: ignore[no-untyped-def]
        """Change some of startsAt, endsAt, location, notes, assignedTo; same rules as PUT."""
        return appointments.update_appointment(uow(), appointment_id, data)

    @blp.response(204)
    def delete(self, appointment_id):  # type: ignore[no-untyped-def]
        """Delete an appointment (audited with its last state, logged on the timeline)."""
        appointments.delete_appointment(uow(), appointment_id)


@blp.route("/<appointment_id>/status")
class AppointmentStatus(MethodView):
    @blp.arguments(AppointmentStatusSchema)
    @blp.response(200, AppointmentSchema)
    def post(self, data, appointment_id):  # type: ignore[no-untyped-def]
        """Record the outcome: APPOINT_DONE, APPOINT_NO_SHOW, APPOINT_CANCELLED (or APPOINT_SCHEDULED
        again); audited and logged on the case's timeline with the comment."""
        return appointments.set_appointment_status(uow(), appointment_id, data["status"], data.get("comment"))
