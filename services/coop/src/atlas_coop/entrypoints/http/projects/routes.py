"""A group's building projects (COOP_PROJECT workflow, milestones) and their lots."""

from __future__ import annotations

from flask.views import MethodView

from atlas_coop.entrypoints.http.common import PREFIX, uow
from atlas_coop.entrypoints.http.projects.schemas import (
    LotCreateSchema,
    LotQuery,
    LotSchema,
    ProjectCreateSchema,
    ProjectSchema,
    ProjectUpdateSchema,
)
from atlas_coop.service_layer import projects
from atlas_shared.web.blueprint import Blueprint

blp = Blueprint("coop-projects", __name__, url_prefix=PREFIX, description="Projects and lots")


@blp.route("/groups/<uuid:group_id>/projects")
class GroupProjects(MethodView):
    @blp.response(200, ProjectSchema(many=True))
    def get(self, group_id):  # type: ignore[no-untyped-def]
        """The group's projects."""
        return projects.list_projects(uow(read_only=True), group_id)

    @blp.arguments(ProjectCreateSchema)
    @blp.response(201, ProjectSchema)
    def post(self, data, group_id):  # type: ignore[no-untyped-def]
        """Create a project in COOP_PROJECT_LAND_SECURED."""
        return projects.create_project(uow(), group_id, data)


@blp.route("/projects/<uuid:project_id>")
class ProjectById(MethodView):
    @blp.response(200, ProjectSchema)
    def get(self, project_id):  # type: ignore[no-untyped-def]
        """One project with its milestones."""
        return projects.get_project(uow(read_only=True), project_id)

    @blp.arguments(ProjectUpdateSchema)
    @blp.response(200, ProjectSchema)
    def patch(self, data, project_id):  # type: ignore[no-untyped-def]
        """Edit, add a dated milestone note, or move the status (each status is a milestone; members are
        told; DELIVERY and HANDOVER move assigned lots to DELIVERED)."""
        return projects.update_project(uow(), project_id, data)


@blp.route("/projects/<uuid:project_id>/lots")
class ProjectLots(MethodView):
    @blp.arguments(LotQuery, location="query")
    @blp.response(200, LotSchema(many=True))
    def get(self, query, project_id):  # type: ignore[no-untyped-def]
        """The project's lots in natural code order (A2 before A10), optionally by status."""
        return projects.list_lots(uow(read_only=True), project_id, query)

    @blp.arguments(LotCreateSchema)
    @blp.response(201, LotSchema)
    def post(self, data, project_id):  # type: ignore[no-untyped-def]
        """Add a lot (code unique in the project: 409 LOT_CODE_TAKEN), AVAILABLE."""
        return projects.create_lot(uow(), project_id, data)
