"""Consentements API: one current state per (dossier, channel, type), history kept."""

from __future__ import annotations

from flask.views import MethodView

from atlas_crm.entrypoints.http.common import uow
from atlas_crm.entrypoints.http.consents.schemas import (
    ConsentCreateSchema,
    ConsentQuery,
    ConsentSchema,
    ConsentUpdateSchema,
)
from atlas_crm.service_layer import consents
from atlas_shared.web.blueprint import Blueprint
from atlas_shared.web.schemas import page_body, page_of

blp = Blueprint("consentements", __name__, url_prefix="/api/v1/consentements",
                description="Contact and marketing consents of a dossier")


@blp.route("")
class Consents(MethodView):
    @blp.arguments(ConsentQuery, location="query")
    @blp.response(200, page_of(ConsentSchema))
    def get(self, query):  # type: ignore[no-untyped-def]
        """The current consent states of a dossier (`effective`: granted and not expired)."""
        return page_body(consents.list_consents(uow(read_only=True), query))

    @blp.arguments(ConsentCreateSchema)
    @blp.response(201, ConsentSchema)
    def post(self, data):  # type: ignore[no-untyped-def]
        """Record a consent state for (dossier, channel, type): the first one, or a new state that
        replaces the current one (history kept). GRANTED needs proof."""
        return consents.record_consent(uow(), data)


@blp.route("/<consent_id>")
class ConsentById(MethodView):
    @blp.response(200, ConsentSchema)
    def get(self, consent_id):  # type: ignore[no-untyped-def]
        """One current consent state."""
        return consents.get_consent(uow(read_only=True), consent_id)

    @blp.arguments(ConsentUpdateSchema)
    @blp.response(200, ConsentSchema)
    def put(self, data, consent_id):  # type: ignore[no-untyped-def]
        """Change the state (grant with new proof, renew its expiry, revoke, deny)."""
        return consents.update_consent(uow(), consent_id, data)


@blp.route("/<consent_id>/history")
class ConsentHistory(MethodView):
    @blp.response(200, ConsentSchema(many=True))
    def get(self, consent_id):  # type: ignore[no-untyped-def]
        """Every state this consent had, oldest first (rows never change)."""
        return consents.consent_history(uow(read_only=True), consent_id)
