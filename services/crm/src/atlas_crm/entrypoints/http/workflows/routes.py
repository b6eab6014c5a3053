"""Workflow definitions per tenant: read what is in force, replace it with a new validated version."""

from __future__ import annotations

from flask.views import MethodView

from atlas_crm.entrypoints.http.common import uow
from atlas_crm.entrypoints.http.workflows.schemas import (
    WorkflowBodySchema,
    WorkflowChangeSchema,
    WorkflowPageSchema,
    WorkflowPutQuery,
    WorkflowQuery,
)
from atlas_crm.service_layer import workflows
from atlas_shared.web.blueprint import Blueprint

blp = Blueprint("workflows", __name__, url_prefix="/api/v1/admin/workflows",
                description="Versioned workflow definitions per case type (ADMIN_ORG changes, MANAGER reads)")


@blp.route("")
class Workflows(MethodView):
    @blp.arguments(WorkflowQuery, location="query")
    @blp.response(200, WorkflowPageSchema)
    def get(self, query):  # type: ignore[no-untyped-def]
        """The definition in force for each case type (the organisation's own, else the global default);
        with caseType, that one and its earlier versions."""
        return workflows.list_workflows(uow(read_only=True), query.get("caseType"))


@blp.route("/<case_type>")
class Workflow(MethodView):
    @blp.arguments(WorkflowPutQuery, location="query")
    @blp.arguments(WorkflowBodySchema)
    @blp.response(200, WorkflowChangeSchema)
    def put(self, query, body, case_type):  # type: ignore[no-untyped-def]
        """Replace the case type's workflow with a new version, validated as a whole (400 lists every
        problem under its path, nothing saved). The answer shows the diff against the version in force
        and the open dossiers in states the new version drops (they can still leave them).
        ?dryRun=true validates and answers the same without saving."""
        comment = body.pop("comment", None)
        body.pop("caseType", None), body.pop("version", None)
        return workflows.put_workflow(uow(), case_type, body, dry_run=query["dryRun"], comment=comment)
