"""Dossier request/response schemas: separate load and dump; no org, status or version accepted."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from atlas_crm.entrypoints.http.common import CODE, WarningSchema, instant
from atlas_shared.web.schemas import BodySchema, PageQuery

_money = {"validate": validate.Range(min=0), "allow_none": True, "places": 2}


class DossierWriteSchema(BodySchema):
    contactName = fields.String(validate=validate.Length(1, 200), allow_none=True)
    phone = fields.String(validate=validate.Length(max=64), allow_none=True,
                          metadata={"description": "Any format; stored in E.164 (region MA), raw kept"})
    email = fields.Email(validate=validate.Length(max=254), allow_none=True)
    annonceId = fields.UUID(allow_none=True)
    budgetMin = fields.Decimal(**_money)
    budgetMax = fields.Decimal(**_money)
    assignedTo = fields.String(validate=validate.Length(1, 100), allow_none=True,
                               metadata={"description": "User id; changing it is for MANAGER/ADMIN_ORG"})
    score = fields.Integer(validate=validate.Range(0, 100), allow_none=True)
    scoreReason = fields.String(validate=validate.Length(max=500), allow_none=True)
    payload = fields.Dict(allow_none=True, metadata={"description": "Free JSON: qualification, needs, UTM"})
    source = fields.String(validate=CODE, metadata={"description": "LEAD_SOURCE code"})

    @validates_schema
    def _budget_order(self, data, **kwargs):  # type: ignore[no-untyped-def]
        low, high = data.get("budgetMin"), data.get("budgetMax")
        if low is not None and high is not None and low > high:
            raise ValidationError("Must be greater than or equal to budgetMin.", "budgetMax")


class DossierCreateSchema(DossierWriteSchema):
    caseType = fields.String(validate=CODE, metadata={"description": "CASE_TYPE code (default CRM_LEAD)"})


class DossierUpdateSchema(DossierWriteSchema):
    status = fields.String(metadata={"description": "Refused: use PATCH /dossiers/{id}/status"})


class StatusChangeSchema(BodySchema):
    status = fields.String(validate=CODE, metadata={"description": "Target status"})
    transitionCode = fields.String(validate=CODE, metadata={"description": "Or the transition's code"})
    reason = fields.String(validate=validate.Length(max=2000), allow_none=True,
                           metadata={"description": "Free-text justification (required to reopen)"})
    lossReason = fields.String(validate=CODE, allow_none=True, metadata={"description": "LOSS_REASON code"})
    wonReason = fields.String(validate=CODE, allow_none=True, metadata={"description": "WON_REASON code"})
    comment = fields.String(validate=validate.Length(max=5000), allow_none=True)
    payload = fields.Dict(metadata={"description": "Fields a transition requires, e.g. qualificationNotes, "
                                                   "appointment {startsAt, endsAt, type}, appointmentId"})

    @validates_schema
    def _target(self, data, **kwargs):  # type: ignore[no-untyped-def]
        if not data.get("status") and not data.get("transitionCode"):
            raise ValidationError("Give the target status or a transitionCode.", "status")


class DossierSchema(Schema):
    id = fields.String()
    orgId = fields.String()
    caseType = fields.String()
    status = fields.String()
    source = fields.String()
    contactName = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    phoneRaw = fields.String(allow_none=True)
    email = fields.String(allow_none=True)
    annonceId = fields.String(allow_none=True)
    budgetMin = fields.Float(allow_none=True)
    budgetMax = fields.Float(allow_none=True)
    assignedTo = fields.String(allow_none=True)
    score = fields.Integer(allow_none=True)
    scoreReason = fields.String(allow_none=True)
    lossReason = fields.String(allow_none=True)
    wonReason = fields.String(allow_none=True)
    payload = fields.Dict()
    version = fields.Integer()
    workflowVersion = fields.Integer()
    lastActivityAt = fields.String()
    closedAt = fields.String(allow_none=True)
    createdBy = fields.String()
    createdAt = fields.String()
    updatedAt = fields.String()
    contactMasked = fields.Boolean(metadata={"description": "Present (true) when a property owner reads the "
                                                            "dossier without the lead's contact details"})


class DossierMovedSchema(DossierSchema):
    warnings = fields.List(fields.Nested(WarningSchema))


class StatusHistorySchema(Schema):
    id = fields.String()
    dossierId = fields.String()
    from_ = fields.String(data_key="from", attribute="from", allow_none=True)
    to = fields.String()
    transitionCode = fields.String(allow_none=True)
    override = fields.Boolean()
    actor = fields.String()
    reason = fields.String(allow_none=True)
    lossReason = fields.String(allow_none=True)
    wonReason = fields.String(allow_none=True)
    comment = fields.String(allow_none=True)
    workflowVersion = fields.Integer()
    dossierVersion = fields.Integer()
    occurredAt = fields.String()


class TransitionOptionSchema(Schema):
    code = fields.String(allow_none=True)
    from_ = fields.String(data_key="from", attribute="from")
    to = fields.String()
    requiredFields = fields.List(fields.String())
    reasonType = fields.String(allow_none=True)
    reasonCodes = fields.List(fields.String())
    roles = fields.List(fields.String())
    override = fields.Boolean()


class AvailableTransitionsSchema(Schema):
    dossierId = fields.String()
    caseType = fields.String()
    status = fields.String()
    terminal = fields.Boolean()
    workflowVersion = fields.Integer()
    transitions = fields.List(fields.Nested(TransitionOptionSchema))


class DossierQuery(PageQuery):
    status = fields.String(validate=CODE)
    caseType = fields.String(validate=CODE)
    source = fields.String(validate=CODE)
    assignedTo = fields.String(validate=validate.Length(1, 100))
    annonceId = fields.UUID()
    phone = fields.String(validate=validate.Length(max=64), metadata={"description": "Any format"})
    q = fields.String(validate=validate.Length(max=200), metadata={"description": "Name, phone or e-mail"})
    createdFrom = instant(metadata={"description": "Created at or after (ISO 8601)"})
    createdTo = instant(metadata={"description": "Created at or before (ISO 8601)"})
