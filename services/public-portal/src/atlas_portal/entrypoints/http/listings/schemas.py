"""Public search schemas (domain.md section 9)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from atlas_shared.web.schemas import PageQuery

from atlas_portal.domain.public_listing import SORTS


class SearchQuery(PageQuery):
    sort = fields.String(load_default="recent", validate=validate.OneOf(SORTS))
    q = fields.String(validate=validate.Length(max=200), metadata={"description": "Free text"})
    tx = fields.String(validate=validate.OneOf(("SALE", "RENT")))
    city = fields.String(validate=validate.Length(max=120))
    zone = fields.String(validate=validate.Length(max=120))
    price_min = fields.Decimal(validate=validate.Range(min=0))
    price_max = fields.Decimal(validate=validate.Range(min=0))
    rooms_min = fields.Integer(validate=validate.Range(min=0))
    surface_min = fields.Decimal(validate=validate.Range(min=0))


class ListingSummarySchema(Schema):
    listingId = fields.String()
    slug = fields.String()
    tx = fields.String(allow_none=True)
    title = fields.String()
    price = fields.Float(allow_none=True)
    currency = fields.String()
    city = fields.String(allow_none=True)
    zone = fields.String(allow_none=True)
    surfaceM2 = fields.Float(allow_none=True)
    rooms = fields.Integer(allow_none=True)
    thumbnailUrl = fields.String(allow_none=True)
    url = fields.String(metadata={"description": "Canonical page path /annonce/{slug}-{id}"})


class GeoSchema(Schema):
    lat = fields.Float(allow_none=True)
    lng = fields.Float(allow_none=True)


class ListingDetailSchema(ListingSummarySchema):
    description = fields.String(allow_none=True)
    bathrooms = fields.Integer(allow_none=True)
    geo = fields.Nested(GeoSchema, allow_none=True)
    amenities = fields.List(fields.String())
    media = fields.List(fields.Dict())
    publishedAt = fields.String(allow_none=True)
