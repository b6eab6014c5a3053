"""Project and lot schemas."""

from __future__ import annotations

from decimal import Decimal

from marshmallow import Schema, fields, validate

from atlas_coop.domain.codes import LOT_STATUSES, PROJECT_STATUSES
from atlas_coop.entrypoints.http.common import Money, text
from atlas_shared.web.schemas import BodySchema, QuerySchema


class MilestoneSchema(BodySchema):
    label = text(120, required=True)
    date = fields.Date()
    note = text(2000)


class ProjectCreateSchema(BodySchema):
    name = text(160, required=True)
    budgetTotal = Money(allow_none=True)
    milestoneDate = fields.Date(metadata={"description": "Date of the first milestone (default: today)"})


class ProjectUpdateSchema(BodySchema):
    name = text(160)
    budgetTotal = Money(allow_none=True)
    status = fields.String(validate=validate.OneOf(PROJECT_STATUSES), metadata={
        "description": "Through the COOP_PROJECT workflow; DELIVERY and HANDOVER deliver the assigned lots"})
    comment = text(2000)
    milestoneDate = fields.Date(metadata={"description": "When the new status was reached (default: today)"})
    milestone = fields.Nested(MilestoneSchema, metadata={"description": "A dated note for the milestones"})


class ProjectSchema(Schema):
    id = fields.UUID()
    groupId = fields.UUID()
    name = fields.String()
    status = fields.String()
    budgetTotal = fields.Decimal(as_string=True, allow_none=True)
    milestones = fields.List(fields.Dict())
    version = fields.Integer()
    createdAt = fields.DateTime()
    updatedAt = fields.DateTime()


class LotCreateSchema(BodySchema):
    code = fields.String(required=True, validate=validate.Regexp(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,19}$", error=(
        "Letters, digits, '.', '_' or '-', at most 20 characters (e.g. A1, B-12).")))
    type = text(40, required=True, metadata={"example": "T3"})
    surfaceM2 = fields.Decimal(required=True, as_string=True, validate=validate.Range(
        min=Decimal(0), min_inclusive=False, max=Decimal(100000)))
    floor = fields.Integer(allow_none=True, validate=validate.Range(min=-10, max=300))
    priceReference = Money(required=True)


class LotQuery(QuerySchema):
    status = fields.String(validate=validate.OneOf(LOT_STATUSES))


class LotSchema(Schema):
    id = fields.UUID()
    projectId = fields.UUID()
    code = fields.String()
    type = fields.String()
    surfaceM2 = fields.Decimal(as_string=True)
    floor = fields.Integer(allow_none=True)
    priceReference = fields.Decimal(as_string=True)
    status = fields.String()
    createdAt = fields.DateTime()
    updatedAt = fields.DateTime()
