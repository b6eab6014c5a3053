"""Appointment schemas."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from atlas_crm.entrypoints.http.common import CODE, DossierScopedQuery, WarningSchema, instant
from atlas_shared.web.schemas import BodySchema


class AppointmentWriteSchema(BodySchema):
    type = fields.String(validate=CODE, metadata={"description": "APPOINT_TYPE code"})
    status = fields.String(validate=CODE, metadata={"description": "APPOINT_STATUS code"})
    startsAt = instant()
    endsAt = instant(metadata={"description": "After startsAt; default one hour later"})
    location = fields.String(validate=validate.Length(max=300), allow_none=True)
    assignedTo = fields.String(validate=validate.Length(1, 100),
                               metadata={"description": "Default: the dossier's assignee, else you"})
    annonceId = fields.UUID(allow_none=True)
    comment = fields.String(validate=validate.Length(max=5000), allow_none=True)


class AppointmentPatchSchema(BodySchema):
    startsAt = instant()
    endsAt = instant(metadata={"description": "After startsAt; moving startsAt alone keeps the duration"})
    location = fields.String(validate=validate.Length(max=300), allow_none=True)
    notes = fields.String(attribute="comment", validate=validate.Length(max=5000), allow_none=True)
    assignedTo = fields.String(validate=validate.Length(1, 100))


class AppointmentStatusSchema(BodySchema):
    status = fields.String(required=True, validate=validate.OneOf(
        ("APPOINT_DONE", "APPOINT_NO_SHOW", "APPOINT_CANCELLED", "APPOINT_SCHEDULED")))
    comment = fields.String(validate=validate.Length(max=5000), allow_none=True,
                            metadata={"description": "Kept with the change (audit, timeline)"})


class AppointmentCreateSchema(AppointmentWriteSchema):
    dossierId = fields.UUID(required=True)
    type = fields.String(required=True, validate=CODE, metadata={"description": "APPOINT_TYPE code"})
    startsAt = instant(required=True)


class AppointmentSchema(Schema):
    id = fields.String()
    dossierId = fields.String()
    type = fields.String()
    status = fields.String()
    startsAt = fields.String()
    endsAt = fields.String()
    location = fields.String(allow_none=True)
    assignedTo = fields.String(allow_none=True)
    annonceId = fields.String(allow_none=True)
    comment = fields.String(allow_none=True)
    createdBy = fields.String()
    createdAt = fields.String()
    updatedAt = fields.String()
    warnings = fields.List(fields.Nested(WarningSchema), metadata={"description": "Overlaps (policy WARN)"})


class AppointmentQuery(DossierScopedQuery):
    status = fields.String(validate=CODE)
