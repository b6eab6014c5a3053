"""Activity (timeline) schemas."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from atlas_crm.entrypoints.http.common import CODE, DossierScopedQuery, instant
from atlas_shared.web.schemas import BodySchema


class ActivityWriteSchema(BodySchema):
    content = fields.String(validate=validate.Length(1, 10000))
    dueAt = instant(allow_none=True, metadata={"description": "Tasks only"})
    assignee = fields.String(validate=validate.Length(1, 100), allow_none=True,
                             metadata={"description": "Tasks only"})
    done = fields.Boolean(metadata={"description": "Tasks only"})


class ActivityCreateSchema(ActivityWriteSchema):
    dossierId = fields.UUID(required=True)
    type = fields.String(required=True, validate=CODE, metadata={"description": "ACT_NOTE or ACT_TASK"})
    content = fields.String(required=True, validate=validate.Length(1, 10000))


class ActivitySchema(Schema):
    id = fields.String()
    dossierId = fields.String()
    type = fields.String()
    content = fields.String(allow_none=True)
    dueAt = fields.String(allow_none=True)
    done = fields.Boolean()
    doneAt = fields.String(allow_none=True)
    assignee = fields.String(allow_none=True)
    actor = fields.String()
    relatedType = fields.String(allow_none=True)
    relatedId = fields.String(allow_none=True)
    details = fields.Dict()
    createdAt = fields.String()
    updatedAt = fields.String()


class ActivityQuery(DossierScopedQuery):
    type = fields.String(validate=CODE, metadata={"description": "ACT_* type"})
    done = fields.Boolean()
