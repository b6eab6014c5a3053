"""Partie prenante schemas."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from atlas_crm.entrypoints.http.common import CODE, DossierScopedQuery
from atlas_shared.web.schemas import BodySchema


class StakeholderWriteSchema(BodySchema):
    role = fields.String(validate=CODE, metadata={"description": "STAKEHOLDER_ROLE code (OWNER, BUYER, ...)"})
    fullName = fields.String(validate=validate.Length(1, 200))
    firstName = fields.String(validate=validate.Length(1, 100), allow_none=True)
    lastName = fields.String(validate=validate.Length(1, 100), allow_none=True)
    phone = fields.String(validate=validate.Length(max=64), allow_none=True)
    email = fields.Email(validate=validate.Length(max=254), allow_none=True)
    address = fields.String(validate=validate.Length(max=300), allow_none=True)


class StakeholderCreateSchema(StakeholderWriteSchema):
    dossierId = fields.UUID(required=True)
    role = fields.String(required=True, validate=CODE, metadata={"description": "STAKEHOLDER_ROLE code"})


class StakeholderSchema(Schema):
    id = fields.String()
    dossierId = fields.String()
    role = fields.String()
    fullName = fields.String()
    firstName = fields.String(allow_none=True)
    lastName = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    phoneRaw = fields.String(allow_none=True)
    email = fields.String(allow_none=True)
    address = fields.String(allow_none=True)
    createdAt = fields.String()
    updatedAt = fields.String()


class StakeholderQuery(DossierScopedQuery):
    role = fields.String(validate=CODE)
