"""Parties prenantes API: the people around a dossier."""

from __future__ import annotations

from flask.views import MethodView

from atlas_crm.entrypoints.http.common import uow
from atlas_crm.entrypoints.http.stakeholders.schemas import (
    StakeholderCreateSchema,
    StakeholderQuery,
    StakeholderSchema,
    StakeholderWriteSchema,
)
from atlas_crm.service_layer import stakeholders
from atlas_shared.web.blueprint import Blueprint
from atlas_shared.web.schemas import page_body, page_of

blp = Blueprint("parties-prenantes", __name__, url_prefix="/api/v1/parties-prenantes",
                description="Stakeholders of a dossier (owner, buyer, notary, ...)")


@blp.route("")
class Stakeholders(MethodView):
    @blp.arguments(StakeholderQuery, location="query")
    @blp.response(200, page_of(StakeholderSchema))
    def get(self, query):  # type: ignore[no-untyped-def]
        """The stakeholders of a dossier (optionally one role)."""
        return page_body(stakeholders.list_stakeholders(uow(read_only=True), query))

    @blp.arguments(StakeholderCreateSchema)
    @blp.response(201, StakeholderSchema)
    def post(self, data):  # type: ignore[no-untyped-def]
        """Add a stakeholder (phone stored in E.164; it counts for dossier dedupe)."""
        return stakeholders.create_stakeholder(uow(), data)


@blp.route("/<stakeholder_id>")
class StakeholderById(MethodView):
    @blp.arguments(StakeholderWriteSchema)
    @blp.response(200, StakeholderSchema)
    def put(self, data, stakeholder_id):  # type: ignore[no-untyped-def]
        """Update a stakeholder (omitted fields keep their value)."""
        return stakeholders.update_stakeholder(uow(), stakeholder_id, data)

    @blp.response(204)
    def delete(self, stakeholder_id):  # type: ignore[no-untyped-def]
        """Remove a stakeholder from the dossier (audited with its last state)."""
        stakeholders.delete_stakeholder(uow(), stakeholder_id)
