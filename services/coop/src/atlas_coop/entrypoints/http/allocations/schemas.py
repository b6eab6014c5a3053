"""Allocation schemas: a proposal run, its proposals and skipped members, and decisions."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from atlas_coop.domain.codes import ALLOC_STATUSES
from atlas_coop.entrypoints.http.common import text
from atlas_shared.web.schemas import BodySchema, PageQuery


class ProposeSchema(BodySchema):
    projectId = fields.UUID(required=True)
    cutoffDate = fields.Date(metadata={"description": "Instalments due on or before it must be settled "
                                                      "(default: the plan's cut-off, else today)"})


class ActionSchema(BodySchema):
    action = fields.String(required=True, validate=validate.OneOf(["VALIDATE", "ASSIGN", "SIGN", "REJECT"]))
    reason = text(2000, metadata={"description": "Required to REJECT"})


class AllocationQuery(PageQuery):
    projectId = fields.UUID()
    memberId = fields.UUID()
    status = fields.String(validate=validate.OneOf(ALLOC_STATUSES))


class AllocationSchema(Schema):
    id = fields.UUID()
    groupId = fields.UUID()
    projectId = fields.UUID()
    lotId = fields.UUID()
    lotCode = fields.String()
    memberId = fields.UUID()
    fifoRank = fields.Integer()
    status = fields.String()
    cutoffDate = fields.Date()
    explanation = fields.Dict()
    decisionDocumentId = fields.UUID(allow_none=True)
    reason = fields.String(allow_none=True)
    version = fields.Integer()
    createdAt = fields.DateTime()
    updatedAt = fields.DateTime()


class SkippedSchema(Schema):
    memberId = fields.String()
    fifoRank = fields.Integer()
    reasons = fields.List(fields.Dict(keys=fields.String(), values=fields.String()))


class ProposalRunSchema(Schema):
    proposals = fields.List(fields.Nested(AllocationSchema))
    skipped = fields.List(fields.Nested(SkippedSchema))
    cutoffDate = fields.Date()
    order = fields.String()
    superseded = fields.Integer(metadata={"description": "Earlier unvalidated proposals this run replaced"})
