"""Template registry schemas."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from atlas_outbound.domain import templates as rules
from atlas_outbound.entrypoints.http.messages.schemas import CHANNEL_HELP, ChannelField
from atlas_shared.web.schemas import BodySchema, PageQuery


class VariableSchema(BodySchema):
    name = fields.String(required=True, validate=validate.Regexp(rules.NAME.pattern, error=
                         "Lower-case letters, digits and _, starting with a letter (max 60)."))
    required = fields.Boolean(load_default=True)


class TemplateUpdateSchema(BodySchema):
    category = fields.String(validate=validate.OneOf(rules.CATEGORIES))
    variables = fields.List(fields.Nested(VariableSchema), validate=validate.Length(max=30),
                            metadata={"description": "In the template's order ({{1}}, {{2}}… on WhatsApp)"})
    body = fields.String(validate=validate.Length(1, 4096), allow_none=True,
                         metadata={"description": "SMS/email text with {{name}} placeholders"})
    subject = fields.String(validate=validate.Length(1, 200), allow_none=True)
    active = fields.Boolean()


class TemplateCreateSchema(TemplateUpdateSchema):
    channel = ChannelField(required=True, metadata={"description": CHANNEL_HELP})
    code = fields.String(required=True, validate=validate.Regexp(r"^[a-z0-9_]{1,60}$", error=
                         "Lower-case letters, digits and _ (WhatsApp template names)."))
    language = fields.String(required=True, validate=validate.Regexp(r"^[a-z]{2}(_[A-Z]{2})?$", error=
                             "A language code such as fr, ar or en_US."))
    category = fields.String(required=True, validate=validate.OneOf(rules.CATEGORIES))


class TemplateSchema(Schema):
    id = fields.String()
    channel = fields.String()
    code = fields.String()
    language = fields.String()
    category = fields.String()
    variables = fields.List(fields.Dict())
    body = fields.String(allow_none=True)
    subject = fields.String(allow_none=True)
    active = fields.Boolean()
    version = fields.Integer()
    createdAt = fields.String()
    updatedAt = fields.String()


class TemplateQuery(PageQuery):
    channel = ChannelField()
    code = fields.String()
    active = fields.Boolean()
