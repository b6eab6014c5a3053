"""Listing photos: init → PUT the bytes to uploadUrl → finalize; reorder, primary, delete."""

from __future__ import annotations

from flask import request
from flask.views import MethodView

from atlas_listings.domain.media import CONTENT_TYPES
from atlas_listings.entrypoints.http.annonces.schemas import MediaSchema
from atlas_listings.entrypoints.http.media.schemas import (
    InitSchema,
    ReorderSchema,
    UploadedSchema,
    UploadTargetSchema,
)
from atlas_listings.service_layer import media, uploads
from atlas_shared.context import RequestContext
from atlas_shared.web.app import accepts, current_platform, public, request_ctx
from atlas_shared.web.blueprint import Blueprint

blp = Blueprint("listing-media", __name__, url_prefix="/api/v1/listings/<uuid:listing_id>/media",
                description="Photos of a listing (two-step upload)")


def _uow():  # type: ignore[no-untyped-def]
    return current_platform().uow(request_ctx())


def _settings():  # type: ignore[no-untyped-def]
    return current_platform().extras["media"]


def _secret() -> str:
    return current_platform().settings.security.internal_secret


@blp.route("/init")
class Init(MethodView):
    @blp.arguments(InitSchema)
    @blp.response(201, UploadTargetSchema)
    def post(self, data, listing_id):  # type: ignore[no-untyped-def]
        """Reserve a photo (image/jpeg, image/png, image/webp; size limited) and get its upload target."""
        return uploads.init_upload(_uow(), listing_id, data, _settings(), _secret())


@blp.route("/<uuid:media_id>/content")
class Content(MethodView):
    @blp.response(200, UploadedSchema)
    @public
    @accepts(*CONTENT_TYPES, "application/octet-stream")
    def put(self, listing_id, media_id):  # type: ignore[no-untyped-def]
        """The photo's bytes. Authorised by the signed token of uploadUrl alone; the real type is
        sniffed, the image decoded, its sha256 kept (409 MEDIA_DUPLICATE if already in the listing)."""
        claims = uploads.verify_upload(request.args.get("token"), listing_id, media_id, _secret())
        ctx = RequestContext(org_id=claims.org_id, user_id=claims.user_id, roles=frozenset({"UPLOADER"}))
        return uploads.receive_upload(current_platform().uow(ctx), claims, request.get_data(),
                                    request.mimetype or None, _settings())


@blp.route("/<uuid:media_id>/finalize")
class Finalize(MethodView):
    @blp.response(200, MediaSchema)
    def post(self, listing_id, media_id):  # type: ignore[no-untyped-def]
        """Confirm an uploaded photo: it joins the listing (the first one becomes primary)."""
        return media.finalize(_uow(), listing_id, media_id)


@blp.route("/reorder")
class Reorder(MethodView):
    @blp.arguments(ReorderSchema)
    @blp.response(200, MediaSchema(many=True))
    def post(self, data, listing_id):  # type: ignore[no-untyped-def]
        """Set the photos' order: every photo id of the listing, once, in the new order."""
        return media.reorder(_uow(), listing_id, data["mediaIds"])


@blp.route("/<uuid:media_id>/primary")
class Primary(MethodView):
    @blp.response(200, MediaSchema)
    def post(self, listing_id, media_id):  # type: ignore[no-untyped-def]
        """Make this photo the primary one (the portal's thumbnail)."""
        return media.set_primary(_uow(), listing_id, media_id)


@blp.route("/<uuid:media_id>")
class MediaById(MethodView):
    @blp.response(204)
    def delete(self, listing_id, media_id):  # type: ignore[no-untyped-def]
        """Remove a photo (files deleted once the change is committed)."""
        media.delete_media(_uow(), listing_id, media_id, _settings())
