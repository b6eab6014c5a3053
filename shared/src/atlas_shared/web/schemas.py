"""Schema bases: bodies refuse unknown fields (no mass assignment), queries ignore them."""

from __future__ import annotations

from functools import cache
from typing import Any

from marshmallow import EXCLUDE, RAISE, Schema, fields, validate

from atlas_shared.db.repository import MAX_PAGE_SIZE, Page


class BodySchema(Schema):
    class Meta:
        unknown = RAISE


class QuerySchema(Schema):
    class Meta:
        unknown = EXCLUDE


class PageQuery(QuerySchema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1),
                          metadata={"description": "Page number, from 1"})
    size = fields.Integer(load_default=20, validate=validate.Range(min=1, max=MAX_PAGE_SIZE),
                          metadata={"description": f"Items per page (1..{MAX_PAGE_SIZE})"})
    sort = fields.String(load_default=None, metadata={
        "description": "Comma-separated fields, '-' prefix for descending, e.g. -createdAt,price"})


@cache
def page_of(item_schema: type[Schema]) -> type[Schema]:
    """``{page,size,total,items}`` around an item schema (one class per item schema)."""
    name = item_schema.__name__.removesuffix("Schema") + "PageSchema"
    return type(name, (Schema,), {
        "page": fields.Integer(), "size": fields.Integer(), "total": fields.Integer(),
        "items": fields.List(fields.Nested(item_schema)),
    })


def page_body(page: Page[Any]) -> dict[str, Any]:
    return {"page": page.page, "size": page.size, "total": page.total, "items": list(page.items)}
