"""Photo upload schemas (interfaces.md, "Provider and upload settings")."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from atlas_listings.domain.media import CONTENT_TYPES
from atlas_shared.web.schemas import BodySchema


class InitSchema(BodySchema):
    fileName = fields.String(required=True, validate=validate.Length(1, 255))
    contentType = fields.String(required=True, validate=validate.OneOf(CONTENT_TYPES))
    size = fields.Integer(required=True, validate=validate.Range(min=1))


class UploadTargetSchema(Schema):
    mediaId = fields.String()
    uploadUrl = fields.String(metadata={"description": "Atlas URL with a signed, short-lived token"})
    method = fields.String()
    headers = fields.Dict(keys=fields.String(), values=fields.String())
    expiresAt = fields.String()


class UploadedSchema(Schema):
    mediaId = fields.String()
    status = fields.String()
    sha256 = fields.String()
    size = fields.Integer()


class ReorderSchema(BodySchema):
    mediaIds = fields.List(fields.String(), required=True, validate=validate.Length(min=1, max=100))
