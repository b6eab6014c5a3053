"""Document upload (multipart/form-data: type + file) and the document as the API shows it."""

from __future__ import annotations

from flask_smorest.fields import Upload
from marshmallow import Schema, fields, validate

from atlas_coop.domain.codes import DOC_TYPES
from atlas_shared.web.schemas import QuerySchema


class UploadFormSchema(QuerySchema):
    type = fields.String(required=True, validate=validate.OneOf(DOC_TYPES))


class UploadFileSchema(QuerySchema):
    file = Upload(required=True, metadata={"description": "PDF, JPEG or PNG (checked on the bytes)"})


class DocumentSchema(Schema):
    id = fields.UUID()
    type = fields.String()
    fileName = fields.String()
    contentType = fields.String()
    size = fields.Integer()
    sha256 = fields.String()
    url = fields.String(metadata={"description": "Download link (same authorisation as this document)"})
    entityType = fields.String()
    entityId = fields.UUID()
    groupId = fields.UUID()
    uploadedBy = fields.String()
    createdAt = fields.DateTime()
