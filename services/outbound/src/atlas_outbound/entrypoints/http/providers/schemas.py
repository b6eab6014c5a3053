"""Provider account schemas: secrets go in, only their last characters come out."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from atlas_shared.web.schemas import BodySchema


class WhatsAppConfigSchema(BodySchema):
    phoneNumberId = fields.String(required=True, validate=validate.Regexp(r"^[0-9]{5,30}$"))
    accessToken = fields.String(required=True, validate=validate.Length(10, 1000), load_only=True)


class SmsConfigSchema(BodySchema):
    accountSid = fields.String(required=True, validate=validate.Regexp(r"^AC[0-9a-zA-Z]{8,40}$"))
    authToken = fields.String(required=True, validate=validate.Length(10, 200), load_only=True)
    fromNumber = fields.String(required=True, validate=validate.Regexp(r"^\+[1-9][0-9]{6,14}$", error=
                               "An E.164 number such as +212600000000."))


class EmailConfigSchema(BodySchema):
    fromAddress = fields.Email(required=True)
    fromName = fields.String(validate=validate.Length(1, 100))


class ProviderConfigSchema(Schema):
    channel = fields.String()
    phoneNumberId = fields.String()
    accessTokenHint = fields.String(metadata={"description": "Last four characters only"})
    accountSid = fields.String()
    authTokenHint = fields.String()
    fromNumber = fields.String(allow_none=True)
    fromAddress = fields.String()
    fromName = fields.String(allow_none=True)
    updatedAt = fields.String()
    updatedBy = fields.String()


class LimitsSchema(Schema):
    dailyQuota = fields.Integer()
    perMinute = fields.Integer()
    usedToday = fields.Integer()
    usedThisMinute = fields.Integer()
    resetsAt = fields.String()
    custom = fields.Boolean(metadata={"description": "Set by an operator for this org"})
