"""Biz site: demo requests from agencies interested in Atlas."""

from __future__ import annotations

from flask.views import MethodView

from atlas_portal.entrypoints.http.biz.schemas import DemoCreatedSchema, DemoRequestSchema
from atlas_portal.entrypoints.http.guard import current_origin, protect
from atlas_portal.service_layer import biz
from atlas_shared.web.app import current_platform, request_ctx
from atlas_shared.web.blueprint import Blueprint

blp = Blueprint("biz", __name__, url_prefix="/api/public/v1/biz", description="Biz site forms")
blp.before_request(protect)


@blp.route("/demo-leads")
class DemoLeads(MethodView):
    @blp.arguments(DemoRequestSchema)
    @blp.response(201, DemoCreatedSchema)
    def post(self, data):  # type: ignore[no-untyped-def]
        """Ask for a demo: a CRM_LEAD_B2B_DEMO case (B2B_NEW) in the platform's organisation."""
        platform = current_platform()
        return biz.submit_demo_request(platform.uow(request_ctx()), data, current_origin(),
                                       platform.extras["platform_org_id"])
