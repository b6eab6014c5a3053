"""B2B demo cases (CRM_LEAD_B2B_DEMO), the pro API of domain.md section 4: thin views, one use case each.
The same dossiers, workflow engine and side effects as /dossiers; anything but a demo case is 404
CASE_NOT_FOUND here."""

from __future__ import annotations

from flask.views import MethodView

from atlas_crm.entrypoints.http.appointments.schemas import AppointmentSchema
from atlas_crm.entrypoints.http.cases.schemas import (
    AssignSchema,
    CaseAppointmentSchema,
    CaseCreateSchema,
    CaseMovedSchema,
    CaseQuery,
    CaseSchema,
    CaseSummarySchema,
    CaseTransitionsSchema,
    QualificationWriteSchema,
    TransitionRequestSchema,
)
from atlas_crm.entrypoints.http.common import etag, uow
from atlas_crm.service_layer import cases
from atlas_shared.web.blueprint import Blueprint
from atlas_shared.web.schemas import page_body, page_of

blp = Blueprint("cases", __name__, url_prefix="/api/v1/cases",
                description="B2B demo cases: qualification, demo appointment, pipeline")


@blp.route("")
class Cases(MethodView):
    @blp.arguments(CaseQuery, location="query")
    @blp.response(200, page_of(CaseSummarySchema))
    def get(self, query):  # type: ignore[no-untyped-def]
        """List the B2B demo cases (an agent sees those assigned to them); sort: createdAt, updatedAt,
        lastActivityAt, status, score, contactName ('-' for descending)."""
        return page_body(cases.list_cases(uow(read_only=True), query))

    @blp.arguments(CaseCreateSchema)
    @blp.response(201, CaseSchema)
    @blp.alt_response(200, schema=CaseSchema, description="An open demo request for this phone already "
                      "existed: it is returned and the submission logged on its timeline")
    def post(self, data):  # type: ignore[no-untyped-def]
        """Create a demo case in B2B_NEW (source default LEAD_SOURCE_BIZ_DEMO_FORM), or return the
        open twin."""
        body, created = cases.create_case(uow(), data)
        return body, 201 if created else 200, etag(body)


@blp.route("/<case_id>")
class CaseById(MethodView):
    @blp.response(200, CaseSchema)
    def get(self, case_id):  # type: ignore[no-untyped-def]
        """One case: contact, qualification, appointments, latest timeline and the moves you may make."""
        body = cases.get_case(uow(read_only=True), case_id)
        return body, etag(body)


@blp.route("/<case_id>/assign")
class CaseAssignment(MethodView):
    @blp.arguments(AssignSchema)
    @blp.response(200, CaseSchema)
    def post(self, data, case_id):  # type: ignore[no-untyped-def]
        """Assign the case (MANAGER/ADMIN_ORG; audited DOSSIER_ASSIGNED)."""
        return cases.assign_case(uow(), case_id, data["assignedTo"])


@blp.route("/<case_id>/qualification")
class CaseQualification(MethodView):
    @blp.arguments(QualificationWriteSchema)
    @blp.response(200, CaseSchema)
    def patch(self, data, case_id):  # type: ignore[no-untyped-def]
        """Change the qualification: notes, score (0..100), needs (NEED_TYPE), desiredPlanKey (PLAN_TYPE);
        omitted fields keep their value, null clears one."""
        return cases.update_qualification(uow(), case_id, data)


@blp.route("/<case_id>/transitions")
class CaseTransitions(MethodView):
    @blp.response(200, CaseTransitionsSchema)
    def get(self, case_id):  # type: ignore[no-untyped-def]
        """The moves you may make now, with the fields each one requires."""
        return cases.case_transitions(uow(read_only=True), case_id)

    @blp.arguments(TransitionRequestSchema)
    @blp.response(200, CaseMovedSchema)
    def post(self, data, case_id):  # type: ignore[no-untyped-def]
        """Make a move: 409 TRANSITION_NOT_ALLOWED (or a failed guard), 403 for a manager-only move,
        400 VALIDATION_ERROR per missing or invalid field; nothing changes on refusal."""
        body = cases.apply_transition(uow(), case_id, data)
        return body, etag(body)


@blp.route("/<case_id>/appointments")
class CaseAppointments(MethodView):
    @blp.arguments(CaseAppointmentSchema)
    @blp.response(201, AppointmentSchema)
    def post(self, data, case_id):  # type: ignore[no-untyped-def]
        """Schedule a demo appointment on the case (overlaps: `warnings`, or 409 APPOINTMENT_OVERLAP)."""
        return cases.schedule_demo(uow(), case_id, data)
