"""Search schemas."""

from __future__ import annotations

from marshmallow import Schema, fields, validate
from webargs.fields import DelimitedList

from atlas_crm.adapters.search_index import KINDS
from atlas_shared.db.repository import MAX_PAGE_SIZE
from atlas_shared.web.schemas import QuerySchema


class SearchQuery(QuerySchema):
    q = fields.String(required=True, validate=validate.Length(1, 200),
                      metadata={"description": "Words (accents and case ignored, each a word prefix) or a "
                                               "phone number in any format"})
    types = DelimitedList(fields.String(validate=validate.OneOf(KINDS)),
                          metadata={"description": f"Comma-separated, among {', '.join(KINDS)}"})
    page = fields.Integer(load_default=1, validate=validate.Range(min=1))
    size = fields.Integer(load_default=20, validate=validate.Range(min=1, max=MAX_PAGE_SIZE))


class SearchHitSchema(Schema):
    type = fields.String(metadata={"description": ", ".join(KINDS)})
    id = fields.String(metadata={"description": "Id of the dossier, stakeholder, activity, message or "
                                                "listing"})
    dossierId = fields.String(allow_none=True)
    label = fields.String()
    snippet = fields.String(allow_none=True)
    score = fields.Float(metadata={"description": "Relevance: matches in names, phones, e-mails and listing "
                                                  "titles weigh more than matches in notes, messages and "
                                                  "descriptions"})
    occurredAt = fields.String()
