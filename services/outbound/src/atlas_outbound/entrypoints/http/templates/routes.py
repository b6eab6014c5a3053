"""Template registry per org (ADMIN_ORG writes; agents and managers read)."""

from __future__ import annotations

from flask.views import MethodView

from atlas_outbound.entrypoints.http.common import uow
from atlas_outbound.entrypoints.http.templates.schemas import (
    TemplateCreateSchema,
    TemplateQuery,
    TemplateSchema,
    TemplateUpdateSchema,
)
from atlas_outbound.service_layer import templates
from atlas_shared.web.blueprint import Blueprint
from atlas_shared.web.schemas import page_body, page_of

blp = Blueprint("outbound-templates", __name__, url_prefix="/api/v1/admin/outbound/templates",
                description="Registered message templates (code, language, category, variables)")


@blp.route("")
class Templates(MethodView):
    @blp.arguments(TemplateQuery, location="query")
    @blp.response(200, page_of(TemplateSchema))
    def get(self, query):  # type: ignore[no-untyped-def]
        """List the org's templates (filters: channel, code, active)."""
        return page_body(templates.search(uow(read_only=True), query))

    @blp.arguments(TemplateCreateSchema)
    @blp.response(201, TemplateSchema)
    def post(self, data):  # type: ignore[no-untyped-def]
        """Register a template (ADMIN_ORG; 409 TEMPLATE_EXISTS for the same channel, code, language)."""
        return templates.create(uow(), data)


@blp.route("/<uuid:template_id>")
class TemplateById(MethodView):
    @blp.response(200, TemplateSchema)
    def get(self, template_id):  # type: ignore[no-untyped-def]
        """One template."""
        return templates.get(uow(read_only=True), template_id)

    @blp.arguments(TemplateUpdateSchema)
    @blp.response(200, TemplateSchema)
    def put(self, data, template_id):  # type: ignore[no-untyped-def]
        """Change category, variables, body, subject or active (ADMIN_ORG, audited)."""
        return templates.update(uow(), template_id, data)
