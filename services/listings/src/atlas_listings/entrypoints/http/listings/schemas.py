"""Pro listing schemas: the annonce fields, plus transitions, trust override and org settings."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from atlas_listings.domain import annonce as rules
from atlas_listings.domain.policy import BOUNDS
from atlas_listings.entrypoints.http.annonces.schemas import AnnonceSchema, AnnonceWriteSchema
from atlas_shared.web.schemas import BodySchema


class ListingPatchSchema(AnnonceWriteSchema):
    """Fields to change; the status moves only through ``/transitions``."""


class ListingSummarySchema(AnnonceSchema):
    reports = fields.Dict(metadata={"description": "Report counters: open, inReview, closed, total"})


class ListingSchema(AnnonceSchema):
    quality = fields.Dict(metadata={"description": "score, threshold, minPhotos, missing[]"})
    trust = fields.Dict(metadata={"description": "Duplicate score, threshold, reasons, override"})
    visibility = fields.Dict(metadata={"description": "public, publicUrl, reason"})
    publication = fields.Dict(metadata={"description": "canPublish and the blockers per field"})
    counters = fields.Dict(metadata={"description": "reports {open,inReview,closed,total}, publicEvents"})


class TransitionSchema(Schema):
    code = fields.String()
    to = fields.String()
    allowed = fields.Boolean()
    blockers = fields.Dict()
    requiresReason = fields.Boolean()
    reasonCodes = fields.List(fields.String())


class TransitionRequestSchema(BodySchema):
    transitionCode = fields.String(required=True, validate=validate.OneOf(tuple(rules.TRANSITION_TARGETS)))
    reasonCode = fields.String(validate=validate.OneOf(rules.SUSPEND_REASONS), metadata={
        "description": "Required for ANN_T_SUSPEND"})
    comment = fields.String(validate=validate.Length(max=1000))


class DuplicateReportSchema(Schema):
    listingId = fields.String()
    score = fields.Integer()
    threshold = fields.Integer()
    blocksPublication = fields.Boolean()
    reasons = fields.List(fields.Dict())
    override = fields.Dict(allow_none=True)


class OverrideSchema(BodySchema):
    justification = fields.String(required=True, validate=validate.Length(min=10, max=1000))


class SettingsSchema(Schema):
    qualityThreshold = fields.Integer()
    duplicateThreshold = fields.Integer()
    minPhotos = fields.Integer()
    customised = fields.Boolean()
    defaults = fields.Dict()


class SettingsUpdateSchema(BodySchema):
    qualityThreshold = fields.Integer(validate=validate.Range(*BOUNDS["qualityThreshold"]))
    duplicateThreshold = fields.Integer(validate=validate.Range(*BOUNDS["duplicateThreshold"]))
    minPhotos = fields.Integer(validate=validate.Range(*BOUNDS["minPhotos"]))
