"""AS-IS dossiers API (api-contracts-seed.md) plus available-transitions: thin views, one use case each."""

from __future__ import annotations

from flask.views import MethodView

from atlas_crm.entrypoints.http.common import etag, if_match_version, uow
from atlas_crm.entrypoints.http.dossiers.schemas import (
    AvailableTransitionsSchema,
    DossierCreateSchema,
    DossierMovedSchema,
    DossierQuery,
    DossierSchema,
    DossierUpdateSchema,
    StatusChangeSchema,
    StatusHistorySchema,
)
from atlas_crm.service_layer import dossier_changes, dossiers, status_changes
from atlas_shared.web.blueprint import Blueprint
from atlas_shared.web.schemas import as_built, page_body, page_of

blp = Blueprint("dossiers", __name__, url_prefix="/api/v1/dossiers",
                description="Dossiers (cases) and their pipeline")


@blp.route("")
class Dossiers(MethodView):
    @blp.arguments(DossierQuery, location="query")
    @blp.response(200, page_of(DossierSchema))
    def get(self, query):  # type: ignore[no-untyped-def]
        """List dossiers (an agent sees those assigned to them); sort: createdAt, updatedAt,
        lastActivityAt, status, score, contactName ('-' for descending)."""
        return as_built(page_body(dossiers.list_dossiers(uow(read_only=True), query)))

    @blp.arguments(DossierCreateSchema)
    @blp.response(201, DossierSchema)
    @blp.alt_response(200, schema=DossierSchema, description="An open dossier for this contact already "
                      "existed: it is returned and the submission logged on its timeline")
    def post(self, data):  # type: ignore[no-untyped-def]
        """Create a dossier in its workflow's initial status, or return the open twin (dedupe)."""
        body, created = dossiers.create_dossier(uow(), data)
        return body, 201 if created else 200, etag(body)


@blp.route("/<dossier_id>")
class DossierById(MethodView):
    @blp.response(200, DossierSchema)
    def get(self, dossier_id):  # type: ignore[no-untyped-def]
        """One dossier, by id or by a merged portal caseId (404 CASE_NOT_FOUND otherwise)."""
        body = dossiers.get_dossier(uow(read_only=True), dossier_id)
        return body, etag(body)

    @blp.arguments(DossierUpdateSchema)
    @blp.response(200, DossierSchema)
    def put(self, data, dossier_id):  # type: ignore[no-untyped-def]
        """Update fields (omitted ones keep their value); If-Match optional. Reassigning
        (assignedTo) is for MANAGER/ADMIN_ORG and is audited as DOSSIER_ASSIGNED."""
        body = dossier_changes.update_dossier(uow(), dossier_id, data, if_match_version())
        return body, etag(body)


@blp.route("/<dossier_id>/status")
class DossierStatus(MethodView):
    @blp.arguments(StatusChangeSchema)
    @blp.response(200, DossierMovedSchema)
    def patch(self, data, dossier_id):  # type: ignore[no-untyped-def]
        """Change the status along the workflow (409 TRANSITION_NOT_ALLOWED lists the allowed targets);
        CLOSED_LOST needs lossReason, CLOSED_WON wonReason."""
        body = status_changes.change_status(uow(), dossier_id, data, if_match_version())
        return body, etag(body)


@blp.route("/<dossier_id>/status-history")
class DossierStatusHistory(MethodView):
    @blp.response(200, StatusHistorySchema(many=True))
    def get(self, dossier_id):  # type: ignore[no-untyped-def]
        """Every status the dossier entered, oldest first, creation included."""
        return dossiers.status_history(uow(read_only=True), dossier_id)


@blp.route("/<dossier_id>/available-transitions")
class DossierTransitions(MethodView):
    @blp.response(200, AvailableTransitionsSchema)
    def get(self, dossier_id):  # type: ignore[no-untyped-def]
        """The moves the current user may make from the current status, with the fields each needs."""
        return status_changes.available_transitions(uow(read_only=True), dossier_id)
