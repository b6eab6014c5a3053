"""Audit trail schemas: filters, the export format, one event."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from atlas_crm.entrypoints.http.period import RangeQuery
from atlas_shared.web.schemas import PageQuery


class AuditFilters(RangeQuery):
    entityType = fields.String(validate=validate.Length(1, 60),
                               metadata={"description": "e.g. DOSSIER, MESSAGE, ANNONCE, OUTBOUND_MESSAGE"})
    entityId = fields.String(validate=validate.Length(1, 64))
    dossierId = fields.UUID(metadata={
        "description": "The dossier and everything hanging off it (stakeholders, messages, appointments, "
                       "activities, consents)"})
    actor = fields.String(validate=validate.Length(1, 100), metadata={"description": "User id (token `sub`)"})
    action = fields.String(validate=validate.Length(1, 60), metadata={"description": "e.g. CREATE, "
                                                                                     "DOSSIER_STATUS_CHANGED"})
    service = fields.String(validate=validate.Length(1, 40), metadata={"description": "Recording service"})


class AuditQuery(PageQuery, AuditFilters):
    pass


class AuditExportQuery(AuditFilters):
    format = fields.String(load_default="json", validate=validate.OneOf(("csv", "json")))


class AuditEventSchema(Schema):
    id = fields.String()
    service = fields.String()
    entityType = fields.String()
    entityId = fields.String()
    parentType = fields.String(allow_none=True)
    parentId = fields.String(allow_none=True)
    action = fields.String()
    actor = fields.String()
    diff = fields.Dict(metadata={"description": "{before, after} of what changed, plus context"})
    correlationId = fields.String(allow_none=True)
    createdAt = fields.String()
