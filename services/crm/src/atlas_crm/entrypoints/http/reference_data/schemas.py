"""Reference data (dictionaries) schemas."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from atlas_shared.web.schemas import BodySchema, PageQuery

_label = validate.Length(min=1, max=200)


class LabelsSchema(BodySchema):
    fr = fields.String(validate=_label, metadata={"description": "French label (required on create)"})
    ar = fields.String(validate=_label, allow_none=True)
    en = fields.String(validate=_label, allow_none=True)


class NewLabelsSchema(LabelsSchema):
    fr = fields.String(required=True, validate=_label)


class EntryCreateSchema(BodySchema):
    code = fields.String(required=True, validate=validate.Length(min=1, max=60),
                         metadata={"description": "UPPER_SNAKE with the dictionary's prefix, e.g. "
                                                  "LEAD_SOURCE_SALON_IMMO"})
    labels = fields.Nested(NewLabelsSchema, required=True)
    sortOrder = fields.Integer(validate=validate.Range(min=0, max=100000))
    isActive = fields.Boolean()
    metadata = fields.Dict(keys=fields.String())



class EntryUpdateSchema(BodySchema):
    labels = fields.Nested(LabelsSchema)
    sortOrder = fields.Integer(validate=validate.Range(min=0, max=100000))
    isActive = fields.Boolean()
    metadata = fields.Dict(keys=fields.String())


class EntryQuery(PageQuery):
    size = fields.Integer(load_default=200, validate=validate.Range(min=1, max=500))
    active = fields.Boolean(metadata={"description": "Only active (true) or disabled (false) codes"})
    origin = fields.String(validate=validate.OneOf(("GLOBAL", "OVERRIDE", "TENANT")))
    q = fields.String(metadata={"description": "Text in the code or a label"})


class EntrySchema(Schema):
    dictType = fields.String()
    code = fields.String()
    labels = fields.Dict()
    sortOrder = fields.Integer()
    isActive = fields.Boolean()
    metadata = fields.Dict()
    origin = fields.String(metadata={"description": "GLOBAL default, tenant OVERRIDE of one, or TENANT "
                                                    "addition"})
    locked = fields.Boolean(metadata={"description": "Implemented by a rule: can be relabelled, not "
                                                     "disabled"})
    updatedAt = fields.String()
    usage = fields.Dict(allow_none=True, metadata={"description": "Records using the code (detail only; "
                                                                  "null when other services hold them)"})


class RemovalSchema(Schema):
    dictType = fields.String()
    code = fields.String()
    action = fields.String(metadata={"description": "DELETED or DISABLED"})
    message = fields.String()
    usage = fields.Dict(allow_none=True)
    entry = fields.Nested(EntrySchema)


class DictionarySchema(Schema):
    dictType = fields.String()
    closed = fields.Boolean()
    prefixes = fields.List(fields.String())
    total = fields.Integer()
    active = fields.Integer()
