"""B2B demo case schemas: separate load and dump; no org, status or version accepted on writes."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from atlas_crm.entrypoints.http.appointments.schemas import AppointmentSchema
from atlas_crm.entrypoints.http.common import CODE, WarningSchema, instant
from atlas_crm.entrypoints.http.dossiers.schemas import TransitionOptionSchema
from atlas_shared.web.schemas import BodySchema, PageQuery


class QualificationWriteSchema(BodySchema):
    notes = fields.String(validate=validate.Length(max=5000), allow_none=True)
    score = fields.Integer(validate=validate.Range(0, 100), allow_none=True)
    needs = fields.List(fields.String(validate=CODE), validate=validate.Length(max=20), allow_none=True,
                        metadata={"description": "NEED_TYPE codes"})
    desiredPlanKey = fields.String(validate=CODE, allow_none=True, metadata={"description": "PLAN_TYPE code"})


class ContactWriteSchema(BodySchema):
    name = fields.String(required=True, validate=validate.Length(1, 200))
    phone = fields.String(validate=validate.Length(max=64), allow_none=True,
                          metadata={"description": "Any format; stored in E.164 (region MA), raw kept"})
    email = fields.Email(validate=validate.Length(max=254), allow_none=True)
    company = fields.String(validate=validate.Length(max=200), allow_none=True)

    @validates_schema
    def _reachable(self, data, **kwargs):  # type: ignore[no-untyped-def]
        if not data.get("phone") and not data.get("email"):
            raise ValidationError("Give a phone number or an e-mail address.", "phone")


class CaseCreateSchema(BodySchema):
    contact = fields.Nested(ContactWriteSchema, required=True)
    source = fields.String(validate=CODE, metadata={"description": "LEAD_SOURCE code (default "
                                                                  "LEAD_SOURCE_BIZ_DEMO_FORM)"})
    assignedTo = fields.String(validate=validate.Length(1, 100), allow_none=True,
                               metadata={"description": "Default: you if you are an AGENT"})
    qualification = fields.Nested(QualificationWriteSchema)


class AssignSchema(BodySchema):
    assignedTo = fields.String(required=True, validate=validate.Length(1, 100), allow_none=True,
                               metadata={"description": "User id (null: nobody)"})


class TransitionRequestSchema(BodySchema):
    transitionCode = fields.String(required=True, validate=CODE, metadata={"description": "B2B_T_* code"})
    payload = fields.Dict(load_default=dict, metadata={
        "description": "What the transition requires: qualificationNotes; appointment {startsAt, endsAt?, "
                       "location?}; appointmentId + startsAt; lossReason (B2B_LOST_REASON); reason "
                       "(justification); dealValue; comment"})


class CaseAppointmentSchema(BodySchema):
    startsAt = instant(required=True)
    endsAt = instant(allow_none=True, metadata={"description": "After startsAt; default one hour later"})
    type = fields.String(validate=CODE, metadata={"description": "APPOINT_TYPE code (default APPOINT_DEMO)"})
    location = fields.String(validate=validate.Length(max=300), allow_none=True)
    notes = fields.String(attribute="comment", validate=validate.Length(max=5000), allow_none=True)
    assignedTo = fields.String(validate=validate.Length(1, 100),
                               metadata={"description": "Default: the case's assignee, else you"})


class CaseQuery(PageQuery):
    status = fields.String(validate=CODE)
    assignedTo = fields.String(validate=validate.Length(1, 100))
    q = fields.String(validate=validate.Length(max=200),
                      metadata={"description": "Contact name, phone, e-mail or company"})
    createdFrom = instant(metadata={"description": "Created at or after (ISO 8601)"})
    createdTo = instant(metadata={"description": "Created at or before (ISO 8601)"})


class ContactSchema(Schema):
    name = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    phoneRaw = fields.String(allow_none=True)
    email = fields.String(allow_none=True)
    company = fields.String(allow_none=True)


class QualificationSchema(Schema):
    notes = fields.String(allow_none=True)
    score = fields.Integer(allow_none=True)
    needs = fields.List(fields.String())
    desiredPlanKey = fields.String(allow_none=True)


class CaseSummarySchema(Schema):
    id = fields.String()
    caseType = fields.String()
    status = fields.String()
    terminal = fields.Boolean()
    source = fields.String()
    contact = fields.Nested(ContactSchema)
    assignedTo = fields.String(allow_none=True)
    score = fields.Integer(allow_none=True)
    lostReason = fields.String(allow_none=True)
    createdAt = fields.String()
    updatedAt = fields.String()
    lastActivityAt = fields.String()
    closedAt = fields.String(allow_none=True)
    version = fields.Integer()


class TimelineEntrySchema(Schema):
    id = fields.String()
    type = fields.String()
    content = fields.String(allow_none=True)
    actor = fields.String(allow_none=True)
    relatedType = fields.String(allow_none=True)
    relatedId = fields.String(allow_none=True)
    details = fields.Dict()
    createdAt = fields.String()


class CaseSchema(CaseSummarySchema):
    qualification = fields.Nested(QualificationSchema)
    dealValue = fields.Float(allow_none=True)
    appointments = fields.List(fields.Nested(AppointmentSchema))
    timeline = fields.List(fields.Nested(TimelineEntrySchema), metadata={"description": "Latest first"})
    availableTransitions = fields.List(fields.Nested(TransitionOptionSchema))
    workflowVersion = fields.Integer()


class CaseMovedSchema(CaseSchema):
    warnings = fields.List(fields.Nested(WarningSchema))


class CaseTransitionsSchema(Schema):
    caseId = fields.String()
    caseType = fields.String()
    status = fields.String()
    terminal = fields.Boolean()
    workflowVersion = fields.Integer()
    transitions = fields.List(fields.Nested(TransitionOptionSchema))
