"""Public listings API: no tenant header, only published listings."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from atlas_shared.web.app import current_platform, request_ctx
from atlas_shared.web.schemas import page_body, page_of

from atlas_portal.entrypoints.http.listings.schemas import (ListingDetailSchema, ListingSummarySchema,
                                                            SearchQuery)
from atlas_portal.service_layer import search

blp = Blueprint("public-listings", __name__, url_prefix="/api/public/v1/listings",
                description="Public search over published listings (no authentication)")
CACHE = {"Cache-Control": "public, max-age=30"}


def _uow():  # type: ignore[no-untyped-def]
    return current_platform().uow(request_ctx(), read_only=True)


@blp.route("")
class PublicListings(MethodView):
    @blp.arguments(SearchQuery, location="query")
    @blp.response(200, page_of(ListingSummarySchema), headers=None)
    def get(self, query):  # type: ignore[no-untyped-def]
        """Search published listings by text, transaction, city, zone, price, rooms and surface."""
        return page_body(search.search_listings(_uow(), query)), 200, CACHE


@blp.route("/<uuid:listing_id>")
class PublicListing(MethodView):
    @blp.response(200, ListingDetailSchema)
    def get(self, listing_id):  # type: ignore[no-untyped-def]
        """A published listing's detail (404 LISTING_NOT_FOUND unless it is published)."""
        return search.get_listing(_uow(), listing_id), 200, CACHE
