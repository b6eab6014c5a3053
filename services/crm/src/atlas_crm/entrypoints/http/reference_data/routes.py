"""Reference data per tenant: the global dictionaries plus the organisation's additions and overrides.
Anyone working in the org reads them; only ADMIN_ORG changes them (audited, published)."""

from __future__ import annotations

from flask.views import MethodView

from atlas_crm.entrypoints.http.common import uow
from atlas_crm.entrypoints.http.reference_data.schemas import (
    DictionarySchema,
    EntryCreateSchema,
    EntryQuery,
    EntrySchema,
    EntryUpdateSchema,
    RemovalSchema,
)
from atlas_crm.service_layer import reference_admin
from atlas_shared.web.blueprint import Blueprint
from atlas_shared.web.schemas import page_of

blp = Blueprint("reference-data", __name__, url_prefix="/api/v1/admin/reference-data",
                description="Dictionaries (codes and FR/AR/EN labels): global defaults, tenant overrides "
                            "and additions")


@blp.route("")
class Dictionaries(MethodView):
    @blp.response(200, DictionarySchema(many=True))
    def get(self):  # type: ignore[no-untyped-def]
        """Every dictionary, whether tenants may add codes to it, and how many codes it has."""
        return reference_admin.list_dictionaries(uow(read_only=True))


@blp.route("/<dict_type>")
class Entries(MethodView):
    @blp.arguments(EntryQuery, location="query")
    @blp.response(200, page_of(EntrySchema))
    def get(self, query, dict_type):  # type: ignore[no-untyped-def]
        """The dictionary as this organisation sees it, in display order."""
        page, size = query.pop("page"), query.pop("size")
        return reference_admin.list_entries(uow(read_only=True), dict_type, query, page, size)

    @blp.arguments(EntryCreateSchema)
    @blp.response(201, EntrySchema)
    def post(self, data, dict_type):  # type: ignore[no-untyped-def]
        """Add a code of the organisation's own (not to closed dictionaries)."""
        return reference_admin.create_entry(uow(), dict_type, data)


@blp.route("/<dict_type>/<code>")
class Entry(MethodView):
    @blp.response(200, EntrySchema)
    def get(self, dict_type, code):  # type: ignore[no-untyped-def]
        """One code, with how many of the organisation's records use it."""
        return reference_admin.get_entry(uow(read_only=True), dict_type, code)

    @blp.arguments(EntryUpdateSchema)
    @blp.response(200, EntrySchema)
    def put(self, data, dict_type, code):  # type: ignore[no-untyped-def]
        """Relabel, reorder, enable or disable a code; a global one is changed for this organisation
        only."""
        return reference_admin.update_entry(uow(), dict_type, code, data)

    @blp.response(200, RemovalSchema)
    def delete(self, dict_type, code):  # type: ignore[no-untyped-def]
        """Delete an unused code of the organisation's own; any other code is disabled, and the answer
        says which and why."""
        return reference_admin.remove_entry(uow(), dict_type, code)
