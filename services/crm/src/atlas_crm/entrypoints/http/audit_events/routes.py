"""The consolidated, immutable audit trail of the organisation: read and export (no write path)."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Response, stream_with_context
from flask.views import MethodView

from atlas_crm.entrypoints.http.audit_events.schemas import AuditEventSchema, AuditExportQuery, AuditQuery
from atlas_crm.entrypoints.http.common import uow
from atlas_crm.service_layer import audit_trail
from atlas_shared.web.app import current_platform, request_ctx
from atlas_shared.web.blueprint import Blueprint
from atlas_shared.web.schemas import page_body, page_of

blp = Blueprint("audit-events", __name__, url_prefix="/api/v1/audit-events",
                description="Who did what, in every service, for this organisation (read-only)")
MIMETYPES = {"csv": "text/csv", "json": "application/json"}


@blp.route("")
class AuditEvents(MethodView):
    @blp.arguments(AuditQuery, location="query")
    @blp.response(200, page_of(AuditEventSchema))
    def get(self, query):  # type: ignore[no-untyped-def]
        """Audit events, newest first (sort: createdAt or -createdAt). Filters combine: entityType,
        entityId, dossierId (the dossier and its stakeholders, messages, appointments, activities and
        consents), actor, action, service, from (inclusive), to (exclusive). ADMIN_ORG and MANAGER."""
        return page_body(audit_trail.list_audit_events(uow(read_only=True), query))


@blp.route("/export")
class AuditExport(MethodView):
    @blp.arguments(AuditExportQuery, location="query")
    @blp.response(200, description="The matching events, oldest first, streamed as CSV (the diff as "
                                   "a JSON cell) or as a JSON array.")
    def get(self, query):  # type: ignore[no-untyped-def]
        """Export the audit trail (same filters as the list) as CSV or JSON, streamed. ADMIN_ORG and
        MANAGER; the export itself is recorded as AUDIT_EXPORTED."""
        fmt = query.pop("format")
        platform, ctx = current_platform(), request_ctx()
        chunks = audit_trail.export_audit_events(
            lambda read_only=False: platform.uow(ctx, read_only=read_only), query, fmt)
        name = f"audit-events-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.{fmt}"
        return Response(stream_with_context(chunks), mimetype=MIMETYPES[fmt],
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})
