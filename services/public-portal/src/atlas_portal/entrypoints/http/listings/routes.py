"""Public listings API: no tenant header, only published listings."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify
from flask.views import MethodView

from atlas_portal.entrypoints.http.guard import current_origin, protect
from atlas_portal.entrypoints.http.listings.schemas import (
    LeadCreatedSchema,
    LeadSchema,
    ListingDetailSchema,
    ListingEventSchema,
    ListingSearchPageSchema,
    ReportCreatedSchema,
    ReportSchema,
    SearchQuery,
)
from atlas_portal.service_layer import contact, search
from atlas_shared.web.app import current_platform, request_ctx
from atlas_shared.web.blueprint import Blueprint
from atlas_shared.web.schemas import page_body

blp = Blueprint("public-listings", __name__, url_prefix="/api/public/v1/listings",
                description="Public search over published listings (no authentication)")
CACHE = {"Cache-Control": "public, max-age=30"}
blp.before_request(protect)


def _uow(read_only: bool = True):  # type: ignore[no-untyped-def]
    # The read model holds no tenant rows (public data): reads skip the tenant guard's statement walk.
    return current_platform().uow(request_ctx(), read_only=read_only, tenant_bypass=read_only)


def _json(body: Any) -> Response:
    """The service layer already builds the documented public shape: answering it as is spares the
    hottest public route a second serialisation (the schemas stay for the OpenAPI description)."""
    response = jsonify(body)
    response.headers.update(CACHE)
    return response


@blp.route("")
class PublicListings(MethodView):
    @blp.arguments(SearchQuery, location="query")
    @blp.response(200, ListingSearchPageSchema, headers=None)
    def get(self, query):  # type: ignore[no-untyped-def]
        """Search published listings by text, transaction, city, zone, price, rooms and surface.

        `total` is exact when `totalExact` is true: always when the results end on the page asked
        for, and whenever PostgreSQL expects at most `ATLAS_PORTAL_EXACT_TOTAL_UP_TO` (200) matches.
        Beyond that it is the database's estimate rounded to two significant digits (e.g. 1,400),
        `totalExact` false: counting would read every match. A page past the end answers no items
        and the exact total."""
        extras = current_platform().extras
        found = search.search_listings(_uow(), query, extras.get("search_totals"),
                                       extras.get("exact_total_up_to"))
        return _json(page_body(found))


@blp.route("/<uuid:listing_id>")
class PublicListing(MethodView):
    @blp.response(200, ListingDetailSchema)
    def get(self, listing_id):  # type: ignore[no-untyped-def]
        """A published listing's detail (404 LISTING_NOT_FOUND unless it is published)."""
        return _json(search.get_listing(_uow(), listing_id))


@blp.route("/<uuid:listing_id>/leads")
class Leads(MethodView):
    @blp.arguments(LeadSchema)
    @blp.response(201, LeadCreatedSchema)
    def post(self, data, listing_id):  # type: ignore[no-untyped-def]
        """Contact the agency about a listing (consentContact must be true: 400 CONSENT_REQUIRED).
        The same form sent again within 10 minutes, or with the same Idempotency-Key, gets the same
        leadId and caseId; the CRM creates the dossier from the `portal.lead_submitted` event."""
        return contact.submit_lead(_uow(read_only=False), listing_id, data, current_origin())


@blp.route("/<uuid:listing_id>/reports")
class Reports(MethodView):
    @blp.arguments(ReportSchema)
    @blp.response(201, ReportCreatedSchema)
    def post(self, data, listing_id):  # type: ignore[no-untyped-def]
        """Report a listing (REPORT_FRAUD, REPORT_DUPLICATE, REPORT_WRONG_INFO, REPORT_SPAM,
        REPORT_OTHER); moderators see it on the pro side."""
        return contact.submit_report(_uow(read_only=False), listing_id, data, current_origin())


@blp.route("/<uuid:listing_id>/events")
class ListingEvents(MethodView):
    @blp.arguments(ListingEventSchema)
    @blp.response(204)
    def post(self, data, listing_id):  # type: ignore[no-untyped-def]
        """Record a visitor action on the listing (e.g. WHATSAPP_CLICKED), counted on the pro side."""
        contact.record_event(_uow(read_only=False), listing_id, data)
