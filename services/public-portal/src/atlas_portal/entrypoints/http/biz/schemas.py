"""Biz site demo request schemas (domain.md section 9)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from atlas_portal.entrypoints.http.listings.schemas import HoneypotSchema

_short = validate.Length(max=120)


class DemoRequestSchema(HoneypotSchema):
    fullName = fields.String(required=True, validate=validate.Length(1, 120))
    email = fields.Email(load_default=None, allow_none=True, validate=validate.Length(max=254))
    phone = fields.String(load_default=None, allow_none=True, validate=validate.Length(3, 40))
    company = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))
    actorType = fields.String(load_default=None, allow_none=True, validate=_short)
    city = fields.String(load_default=None, allow_none=True, validate=_short)
    teamSizeBucket = fields.String(load_default=None, allow_none=True, validate=_short)
    listingVolumeBucket = fields.String(load_default=None, allow_none=True, validate=_short)
    needs = fields.List(fields.String(validate=_short), load_default=list, validate=validate.Length(max=20))
    desiredPlanKey = fields.String(load_default=None, allow_none=True, validate=_short)
    message = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=2000))
    consentContact = fields.Boolean(load_default=None, allow_none=True)
    utm = fields.Dict(keys=fields.String(validate=validate.Length(max=40)),
                      values=fields.String(validate=validate.Length(max=200)), load_default=dict,
                      validate=validate.Length(max=10))


class DemoCreatedSchema(Schema):
    caseId = fields.String()
