"""AS-IS annonces API (api-contracts-seed.md): thin views, one use case each."""

from __future__ import annotations

from flask.views import MethodView

from atlas_listings.entrypoints.http.annonces.schemas import (
    AnnonceCreateSchema,
    AnnonceQuery,
    AnnonceSchema,
    AnnonceUpdateSchema,
)
from atlas_listings.service_layer import annonces, listings
from atlas_shared.web.app import current_platform, request_ctx
from atlas_shared.web.blueprint import Blueprint
from atlas_shared.web.schemas import page_body, page_of

blp = Blueprint("annonces", __name__, url_prefix="/api/v1/annonces",
                description="Listings (annonces) of the caller's organisation")


def _uow(read_only: bool = False):  # type: ignore[no-untyped-def]
    return current_platform().uow(request_ctx(), read_only=read_only)


@blp.route("")
class Annonces(MethodView):
    @blp.arguments(AnnonceQuery, location="query")
    @blp.response(200, page_of(AnnonceSchema))
    def get(self, query):  # type: ignore[no-untyped-def]
        """List listings, filtered, paginated and sorted (sort: createdAt, updatedAt, price,
        publishedAt, title, surfaceM2; '-' for descending)."""
        return page_body(listings.list_listings(_uow(read_only=True), query))

    @blp.arguments(AnnonceCreateSchema)
    @blp.response(201, AnnonceSchema)
    def post(self, data):  # type: ignore[no-untyped-def]
        """Create a listing in ANN_DRAFT (audited, `listing.created` event)."""
        return annonces.create_annonce(_uow(), data)


@blp.route("/<uuid:annonce_id>")
class AnnonceById(MethodView):
    @blp.response(200, AnnonceSchema)
    def get(self, annonce_id):  # type: ignore[no-untyped-def]
        """One listing (404 LISTING_NOT_FOUND when absent or in another organisation)."""
        return annonces.get_annonce(_uow(read_only=True), annonce_id)

    @blp.arguments(AnnonceUpdateSchema)
    @blp.response(200, AnnonceSchema)
    def put(self, data, annonce_id):  # type: ignore[no-untyped-def]
        """Update fields (those omitted keep their value) and optionally the status; a status
        change outside the workflow answers 409 TRANSITION_NOT_ALLOWED."""
        return annonces.update_annonce(_uow(), annonce_id, data)

    @blp.response(204)
    def delete(self, annonce_id):  # type: ignore[no-untyped-def]
        """Archive the listing (ANN_ARCHIVED, audited); listings are never hard-deleted."""
        annonces.archive_annonce(_uow(), annonce_id)
