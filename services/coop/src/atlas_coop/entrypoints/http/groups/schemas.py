"""Group request/response schemas (interfaces.md, "Coop Habitat field names")."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from atlas_coop.domain.codes import ACTIVITY_TYPES, GROUP_STATUSES
from atlas_coop.domain.notifications import TEMPLATES
from atlas_coop.entrypoints.http.common import text
from atlas_shared.web.schemas import BodySchema, PageQuery


class GroupCreateSchema(BodySchema):
    name = text(160, required=True)
    city = text(120, required=True)
    rules = fields.Dict(metadata={"description": "The group's own rules as adopted (FIFO, cut-off, notes…)"})


class GroupUpdateSchema(BodySchema):
    name = text(160)
    city = text(120)
    rules = fields.Dict()
    status = fields.String(validate=validate.OneOf(GROUP_STATUSES), metadata={
        "description": "Through the COOP_GROUP workflow; FUNDING_OPEN needs a validated plan and a PV, "
                       "FUNDING_CLOSED a PV, ALLOCATION_RUNNING a project with lots"})
    documentId = fields.UUID(metadata={"description": "The minutes (DOC_PV) of the decision"})
    comment = text(2000)
    reason = text(2000, metadata={"description": "Required by an administrator's reopen of a final status"})


class GroupSchema(Schema):
    id = fields.UUID()
    name = fields.String()
    city = fields.String()
    status = fields.String()
    rules = fields.Dict()
    version = fields.Integer()
    currentPlan = fields.Dict(allow_none=True)
    availableTransitions = fields.List(fields.Dict())
    createdAt = fields.DateTime()
    updatedAt = fields.DateTime()


class GroupQuery(PageQuery):
    status = fields.String(validate=validate.OneOf(GROUP_STATUSES))
    city = fields.String(validate=validate.Length(max=120))


class TimelineQuery(PageQuery):
    type = fields.String(validate=validate.OneOf(ACTIVITY_TYPES))
    entityType = fields.String(validate=validate.Length(max=40))
    entityId = fields.UUID()


class ActivitySchema(Schema):
    id = fields.UUID()
    groupId = fields.UUID()
    entityType = fields.String()
    entityId = fields.UUID()
    type = fields.String()
    content = fields.String()
    data = fields.Dict()
    actor = fields.String()
    createdAt = fields.DateTime()


class NotificationQuery(PageQuery):
    templateCode = fields.String(validate=validate.OneOf(TEMPLATES))
    status = fields.String(validate=validate.Length(max=30))
    memberId = fields.UUID()
    entityId = fields.String(validate=validate.Length(max=64))


class DeliverySchema(Schema):
    status = fields.String()
    error = fields.String(allow_none=True)
    at = fields.DateTime(allow_none=True)


class NotificationSchema(Schema):
    id = fields.UUID()
    notificationKey = fields.String()
    memberId = fields.UUID()
    templateCode = fields.String()
    entityType = fields.String()
    entityId = fields.String()
    logicalEvent = fields.String()
    status = fields.String()
    variables = fields.Dict()
    delivery = fields.Nested(DeliverySchema, allow_none=True,
                             metadata={"description": "What the outbound service last reported"})
    createdAt = fields.DateTime()
