"""Public search schemas (domain.md section 9)."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate

from atlas_portal.domain import contact
from atlas_portal.domain.public_listing import SORTS
from atlas_shared.web.schemas import BodySchema, PageQuery, page_of


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
    surface_max = fields.Decimal(validate=validate.Range(min=0))


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


class ListingSearchPageSchema(page_of(ListingSummarySchema)):  # type: ignore[misc]
    total = fields.Integer(metadata={"description": "Matching listings: exact when totalExact, else "
                                                    "PostgreSQL's estimate rounded to 2 significant digits"})
    totalExact = fields.Boolean(metadata={"description": "False when total is an estimate (more than "
                                                         "ATLAS_PORTAL_EXACT_TOTAL_UP_TO expected matches)"})


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


class HoneypotSchema(BodySchema):
    website = fields.String(load_default=None, metadata={"description": "Leave empty (anti-spam)"})


class LeadSchema(HoneypotSchema):
    fullName = fields.String(required=True, validate=validate.Length(1, 120))
    phone = fields.String(required=True, validate=validate.Length(3, 40))
    email = fields.Email(load_default=None, allow_none=True, validate=validate.Length(max=254))
    message = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=2000))
    consentContact = fields.Boolean(load_default=None, allow_none=True, metadata={
        "description": "Must be true (400 CONSENT_REQUIRED otherwise)"})
    contactChannelPreferred = fields.String(load_default=None, allow_none=True,
                                            validate=validate.OneOf(contact.CHANNELS))


class LeadCreatedSchema(Schema):
    leadId = fields.String()
    caseId = fields.String()


class ReportSchema(HoneypotSchema):
    reasonCode = fields.String(required=True, validate=validate.OneOf(contact.REPORT_REASONS))
    comment = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=2000))
    reporterContact = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))


class ReportCreatedSchema(Schema):
    reportId = fields.String()


def _small_meta(value: dict) -> None:
    if len(value) > 10 or not all(isinstance(v, (str, int, float, bool)) and len(str(v)) <= 200
                                  for v in value.values()):
        raise ValidationError("Up to 10 keys with short text, number or boolean values.")


class ListingEventSchema(BodySchema):
    eventType = fields.String(required=True, validate=validate.OneOf(contact.EVENT_TYPES))
    meta = fields.Dict(keys=fields.String(validate=validate.Length(max=40)), load_default=dict,
                       validate=_small_meta, metadata={"description": "Up to 10 short scalar values"})
