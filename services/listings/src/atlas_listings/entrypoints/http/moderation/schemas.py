"""Reports and moderation queue schemas."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from atlas_listings.domain import annonce as listing_rules
from atlas_listings.domain import reports as rules
from atlas_shared.web.schemas import BodySchema, PageQuery


class ReportSchema(Schema):
    id = fields.String()
    listingId = fields.String()
    reasonCode = fields.String()
    comment = fields.String(allow_none=True)
    reporterContact = fields.String(allow_none=True)
    status = fields.String()
    resolutionNote = fields.String(allow_none=True)
    submittedAt = fields.String()
    updatedAt = fields.String()
    updatedBy = fields.String(allow_none=True)


class ReportStatusSchema(BodySchema):
    status = fields.String(required=True, validate=validate.OneOf(rules.STATUSES[1:]))
    note = fields.String(validate=validate.Length(max=2000))
    suspendListing = fields.Boolean(load_default=False, metadata={
        "description": "Also suspend the listing (ANN_T_SUSPEND) in the same action"})
    suspensionReasonCode = fields.String(validate=validate.OneOf(listing_rules.SUSPEND_REASONS))


class QueueQuery(PageQuery):
    status = fields.List(fields.String(validate=validate.OneOf(rules.STATUSES)), metadata={
        "description": "Report statuses to include (default REPORT_OPEN and REPORT_IN_REVIEW)"})


class QueueItemSchema(Schema):
    listingId = fields.String()
    title = fields.String(allow_none=True)
    status = fields.String(allow_none=True)
    city = fields.String(allow_none=True)
    pendingReports = fields.Integer()
    lastReportedAt = fields.String()
    reports = fields.Dict()
