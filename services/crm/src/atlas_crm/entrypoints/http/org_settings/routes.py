"""Organisation CRM settings (ADMIN_ORG)."""

from __future__ import annotations

from flask.views import MethodView

from atlas_crm.entrypoints.http.common import uow
from atlas_crm.entrypoints.http.org_settings.schemas import OrgSettingsSchema, OrgSettingsUpdateSchema
from atlas_crm.service_layer import org_settings
from atlas_shared.web.blueprint import Blueprint

blp = Blueprint("org-settings", __name__, url_prefix="/api/v1/admin/org-settings",
                description="CRM settings of the organisation (ADMIN_ORG)")


@blp.route("")
class OrgSettings(MethodView):
    @blp.response(200, OrgSettingsSchema)
    def get(self):  # type: ignore[no-untyped-def]
        """The organisation's settings (defaults until changed)."""
        return org_settings.get_settings(uow(read_only=True))

    @blp.arguments(OrgSettingsUpdateSchema)
    @blp.response(200, OrgSettingsSchema)
    def put(self, data):  # type: ignore[no-untyped-def]
        """Change settings (omitted ones keep their value); audited."""
        return org_settings.update_settings(uow(), data)
