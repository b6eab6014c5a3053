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
        "totalExact": fields.Boolean(metadata={"description": (
            "False when `total` is an estimate (two significant digits): a list whose matches "
            "exceed what is worth counting. Always true on the last page.")}),
        "items": fields.List(fields.Nested(item_schema)),
    })


def page_body(page: Page[Any]) -> dict[str, Any]:
    return {"page": page.page, "size": page.size, "total": page.total, "totalExact": page.total_exact,
            "items": list(page.items)}


def as_built(body: Any) -> Any:
    """Answer a body the service layer already built in the documented shape, without a second
    serialisation by the route's response schema (which still documents it in the OpenAPI): for the
    hottest lists, where dumping every field of every item again is a sizeable part of a request.
    The route's tests check that the schema would dump the body unchanged."""
    from flask import jsonify

    return jsonify(body)
