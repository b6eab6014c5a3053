"""Message schemas."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from atlas_crm.domain.messaging import DIRECTIONS
from atlas_crm.entrypoints.http.common import DossierScopedQuery, instant
from atlas_shared.web.schemas import BodySchema

CHANNEL = validate.Regexp(r"^(?i:(CHAN_)?[A-Z][A-Z_]{1,30})$",
                          error="WHATSAPP, SMS, EMAIL, PHONE (or the CHAN_ prefixed code).")


class MessageCreateSchema(BodySchema):
    dossierId = fields.UUID(required=True)
    direction = fields.String(required=True, validate=validate.OneOf(DIRECTIONS))
    channel = fields.String(required=True, validate=CHANNEL)
    content = fields.String(validate=validate.Length(max=10000), allow_none=True)
    to = fields.String(validate=validate.Length(max=254), allow_none=True,
                       metadata={"description": "Outbound recipient; defaults to the dossier's phone/e-mail"})
    templateCode = fields.String(validate=validate.Length(1, 100), allow_none=True)
    templateLanguage = fields.String(validate=validate.Length(2, 10), allow_none=True)
    variables = fields.Dict(allow_none=True)
    occurredAt = instant(allow_none=True, metadata={"description": "Defaults to now"})


class MessageSchema(Schema):
    id = fields.String()
    dossierId = fields.String()
    direction = fields.String()
    channel = fields.String()
    content = fields.String(allow_none=True)
    to = fields.String(allow_none=True)
    templateCode = fields.String(allow_none=True)
    templateLanguage = fields.String(allow_none=True)
    variables = fields.Dict()
    occurredAt = fields.String()
    deliveryStatus = fields.String(allow_none=True)
    deliveryError = fields.String(allow_none=True)
    providerMessageId = fields.String(allow_none=True)
    createdBy = fields.String()
    createdAt = fields.String()
    updatedAt = fields.String()


class MessageQuery(DossierScopedQuery):
    direction = fields.String(validate=validate.OneOf(DIRECTIONS))
    channel = fields.String(validate=CHANNEL)
