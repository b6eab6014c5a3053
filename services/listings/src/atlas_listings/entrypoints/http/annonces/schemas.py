"""Annonce request/response schemas: separate load and dump, no org/owner fields accepted."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from atlas_listings.domain import annonce as rules
from atlas_shared.web.schemas import BodySchema, PageQuery

_title = validate.Length(*rules.TITLE_LEN)
_description = validate.Length(*rules.DESCRIPTION_LEN)


class AnnonceWriteSchema(BodySchema):
    transactionType = fields.String(validate=validate.OneOf(rules.TRANSACTION_TYPES))
    title = fields.String(validate=_title)
    description = fields.String(validate=_description, allow_none=True)
    price = fields.Decimal(validate=validate.Range(min=0), allow_none=True, places=2)
    currency = fields.String(validate=validate.Regexp(r"^[A-Za-z]{3}$"), allow_none=True)
    surfaceM2 = fields.Decimal(validate=validate.Range(min=0, min_inclusive=False), allow_none=True)
    rooms = fields.Integer(validate=validate.Range(min=0, max=500), allow_none=True)
    bathrooms = fields.Integer(validate=validate.Range(min=0, max=500), allow_none=True)
    amenities = fields.List(fields.String(validate=validate.Regexp(r"^[A-Za-z][A-Za-z0-9_]{1,39}$")),
                            validate=validate.Length(max=60))
    city = fields.String(validate=validate.Length(1, 120), allow_none=True)
    zone = fields.String(validate=validate.Length(1, 120), allow_none=True)
    addressText = fields.String(validate=validate.Length(max=300), allow_none=True)
    lat = fields.Float(validate=validate.Range(-90, 90), allow_none=True)
    lng = fields.Float(validate=validate.Range(-180, 180), allow_none=True)
    contactName = fields.String(validate=validate.Length(max=120), allow_none=True)
    contactPhone = fields.String(validate=validate.Length(max=64), allow_none=True)
    meta = fields.Dict(allow_none=True)


class AnnonceCreateSchema(AnnonceWriteSchema):
    transactionType = fields.String(required=True, validate=validate.OneOf(rules.TRANSACTION_TYPES))
    title = fields.String(required=True, validate=_title)


class AnnonceUpdateSchema(AnnonceWriteSchema):
    status = fields.String(validate=validate.OneOf(rules.STATUSES), metadata={
        "description": "Move along ANN_DRAFT→ANN_PUBLISHED→ANN_SUSPENDED→ANN_PUBLISHED, any→ANN_ARCHIVED"})


class MediaSchema(Schema):
    id = fields.String()
    url = fields.String(allow_none=True)
    thumbnailUrl = fields.String(allow_none=True)
    contentType = fields.String()
    size = fields.Integer(allow_none=True)
    sha256 = fields.String(allow_none=True)
    width = fields.Integer(allow_none=True)
    height = fields.Integer(allow_none=True)
    fileName = fields.String()
    sortOrder = fields.Integer()
    primary = fields.Boolean()


class AnnonceSchema(Schema):
    id = fields.String()
    status = fields.String()
    transactionType = fields.String()
    title = fields.String()
    description = fields.String(allow_none=True)
    price = fields.Float(allow_none=True)
    currency = fields.String()
    surfaceM2 = fields.Float(allow_none=True)
    rooms = fields.Integer(allow_none=True)
    bathrooms = fields.Integer(allow_none=True)
    amenities = fields.List(fields.String())
    city = fields.String(allow_none=True)
    zone = fields.String(allow_none=True)
    addressText = fields.String(allow_none=True)
    lat = fields.Float(allow_none=True)
    lng = fields.Float(allow_none=True)
    contactName = fields.String(allow_none=True)
    contactPhone = fields.String(allow_none=True)
    meta = fields.Dict()
    slug = fields.String()
    qualityScore = fields.Integer()
    duplicateScore = fields.Integer()
    suspensionReason = fields.String(allow_none=True)
    media = fields.List(fields.Nested(MediaSchema))
    version = fields.Integer()
    publishedAt = fields.String(allow_none=True)
    createdAt = fields.String()
    updatedAt = fields.String()


class AnnonceQuery(PageQuery):
    status = fields.String(validate=validate.OneOf(rules.STATUSES))
    city = fields.String()
    zone = fields.String()
    transactionType = fields.String(validate=validate.OneOf(rules.TRANSACTION_TYPES))
    priceMin = fields.Decimal(validate=validate.Range(min=0))
    priceMax = fields.Decimal(validate=validate.Range(min=0))
    q = fields.String(validate=validate.Length(max=200), metadata={"description": "Free text"})
