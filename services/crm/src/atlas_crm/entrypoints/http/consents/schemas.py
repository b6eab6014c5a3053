"""Consentement schemas."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate

from atlas_crm.domain.consent import STATUSES
from atlas_crm.entrypoints.http.common import CODE, DossierScopedQuery, instant
from atlas_crm.entrypoints.http.messages.schemas import CHANNEL
from atlas_shared.web.schemas import BodySchema


class ProofField(fields.Field):
    """The consent text (a string) or an object with at least `text` or `reference`."""

    def _deserialize(self, value, attr, data, **kwargs):  # type: ignore[no-untyped-def]
        if isinstance(value, str) and value.strip():
            return value.strip()[:5000]
        if isinstance(value, dict) and (value.get("text") or value.get("reference")):
            return value
        raise ValidationError("Give the consent text, or an object with `text` or `reference`.")


class ConsentUpdateSchema(BodySchema):
    status = fields.String(validate=validate.OneOf(STATUSES))
    source = fields.String(validate=CODE,
                           metadata={"description": "CONSENT_SOURCE code (default CONSENT_SRC_UI)"})
    proof = ProofField(allow_none=True, metadata={"description": "Required when GRANTED"})
    capturedAt = instant(metadata={"description": "When the person consented (default now)"})
    expiresAt = instant(allow_none=True, metadata={"description": "After this, the consent no longer counts"})


class ConsentCreateSchema(ConsentUpdateSchema):
    dossierId = fields.UUID(required=True)
    channel = fields.String(required=True, validate=CHANNEL)
    type = fields.String(required=True, validate=CODE,
                         metadata={"description": "CONSENT_CONTACT or CONSENT_MARKETING"})
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))


class ConsentSchema(Schema):
    id = fields.String()
    consentId = fields.String()
    dossierId = fields.String()
    channel = fields.String()
    type = fields.String()
    status = fields.String()
    source = fields.String()
    proof = fields.Dict(allow_none=True)
    capturedAt = fields.String()
    expiresAt = fields.String(allow_none=True)
    version = fields.Integer()
    effective = fields.Boolean(metadata={"description": "GRANTED and not expired"})
    actor = fields.String()
    recordedAt = fields.String()
    createdAt = fields.String()
    updatedAt = fields.String()


ConsentQuery = DossierScopedQuery
