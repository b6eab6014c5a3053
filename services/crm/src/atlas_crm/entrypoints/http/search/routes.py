"""Full-text search across the organisation's CRM."""

from __future__ import annotations

from flask.views import MethodView

from atlas_crm.entrypoints.http.common import uow
from atlas_crm.entrypoints.http.search.schemas import SearchHitSchema, SearchQuery
from atlas_crm.service_layer import search
from atlas_shared.web.blueprint import Blueprint
from atlas_shared.web.schemas import page_body, page_of

blp = Blueprint("search", __name__, url_prefix="/api/v1/search", description="Full-text search")


@blp.route("")
class Search(MethodView):
    @blp.arguments(SearchQuery, location="query")
    @blp.response(200, page_of(SearchHitSchema))
    def get(self, query):  # type: ignore[no-untyped-def]
        """Search dossiers (contact names, phones, e-mails), stakeholders, notes and tasks, messages and
        the org's listings; every word must match (as a word prefix), best matches first. An AGENT only
        finds what belongs to the dossiers assigned to them, plus listings."""
        return page_body(search.search(uow(read_only=True), query))
