"""Pro listings API: the same listings as /annonces, with publication, trust and org settings."""

from __future__ import annotations

from flask.views import MethodView

from atlas_listings.entrypoints.http.annonces.schemas import AnnonceCreateSchema, AnnonceQuery, AnnonceSchema
from atlas_listings.entrypoints.http.listings.schemas import (
    DuplicateReportSchema,
    ListingPatchSchema,
    ListingSchema,
    ListingSummarySchema,
    OverrideSchema,
    SettingsSchema,
    SettingsUpdateSchema,
    TransitionRequestSchema,
    TransitionSchema,
)
from atlas_listings.service_layer import annonces, listings, publication, settings, trust
from atlas_shared.web.app import current_platform, request_ctx
from atlas_shared.web.blueprint import Blueprint
from atlas_shared.web.schemas import page_body, page_of

blp = Blueprint("listings", __name__, url_prefix="/api/v1/listings",
                description="Listings of the caller's organisation: quality, trust, publication")


def _uow(read_only: bool = False):  # type: ignore[no-untyped-def]
    return current_platform().uow(request_ctx(), read_only=read_only)


@blp.route("")
class Listings(MethodView):
    @blp.arguments(AnnonceQuery, location="query")
    @blp.response(200, page_of(ListingSummarySchema))
    def get(self, query):  # type: ignore[no-untyped-def]
        """List listings with their photos and report counters (filters and sort as /annonces)."""
        return page_body(listings.list_listings(_uow(read_only=True), query))

    @blp.arguments(AnnonceCreateSchema)
    @blp.response(201, AnnonceSchema)
    def post(self, data):  # type: ignore[no-untyped-def]
        """Create a listing in ANN_DRAFT (audited, `listing.created` event)."""
        return annonces.create_annonce(_uow(), data)


@blp.route("/settings")
class ListingSettings(MethodView):
    @blp.response(200, SettingsSchema)
    def get(self):  # type: ignore[no-untyped-def]
        """The organisation's publication policy (ADMIN_ORG, MANAGER)."""
        return settings.get_settings(_uow(read_only=True))

    @blp.arguments(SettingsUpdateSchema)
    @blp.response(200, SettingsSchema)
    def put(self, data):  # type: ignore[no-untyped-def]
        """Change the quality threshold, duplicate threshold or minimum photos (ADMIN_ORG, audited)."""
        return settings.update_settings(_uow(), data)


@blp.route("/<uuid:listing_id>")
class ListingById(MethodView):
    @blp.response(200, ListingSchema)
    def get(self, listing_id):  # type: ignore[no-untyped-def]
        """One listing with its quality (and what is missing), trust signals, visibility and counters."""
        return listings.get_listing(_uow(read_only=True), listing_id)

    @blp.arguments(ListingPatchSchema)
    @blp.response(200, AnnonceSchema)
    def patch(self, data, listing_id):  # type: ignore[no-untyped-def]
        """Change fields (omitted ones keep their value); 409 once archived."""
        return annonces.update_annonce(_uow(), listing_id, data)


@blp.route("/<uuid:listing_id>/transitions")
class Transitions(MethodView):
    @blp.response(200, TransitionSchema(many=True))
    def get(self, listing_id):  # type: ignore[no-untyped-def]
        """Transitions possible from the current status, and what blocks each one now."""
        return publication.available_transitions(_uow(read_only=True), listing_id)

    @blp.arguments(TransitionRequestSchema)
    @blp.response(200, AnnonceSchema)
    def post(self, data, listing_id):  # type: ignore[no-untyped-def]
        """ANN_T_PUBLISH (400 listing every blocker), ANN_T_SUSPEND (reasonCode), ANN_T_ARCHIVE."""
        return publication.apply_transition(_uow(), listing_id, data)


@blp.route("/<uuid:listing_id>/trust/duplicate")
class Duplicate(MethodView):
    @blp.response(200, DuplicateReportSchema)
    def get(self, listing_id):  # type: ignore[no-untyped-def]
        """Duplicate score 0..100 and its reasons (phone, place, text, photos)."""
        return trust.get_duplicate_report(_uow(read_only=True), listing_id)


@blp.route("/<uuid:listing_id>/trust/duplicate/override")
class DuplicateOverride(MethodView):
    @blp.arguments(OverrideSchema)
    @blp.response(200, DuplicateReportSchema)
    def post(self, data, listing_id):  # type: ignore[no-untyped-def]
        """Let a flagged listing be published (MANAGER, ADMIN_ORG; justification required, audited)."""
        return trust.override_duplicate(_uow(), listing_id, data["justification"])
