"""Activities API: the dossier timeline (users add notes and tasks; the rest is written by the CRM)."""

from __future__ import annotations

from flask.views import MethodView

from atlas_crm.entrypoints.http.activities.schemas import (
    ActivityCreateSchema,
    ActivityQuery,
    ActivitySchema,
    ActivityWriteSchema,
)
from atlas_crm.entrypoints.http.common import uow
from atlas_crm.service_layer import activities
from atlas_shared.web.blueprint import Blueprint
from atlas_shared.web.schemas import page_body, page_of

blp = Blueprint("activities", __name__, url_prefix="/api/v1/activities", description="Dossier timeline")


@blp.route("")
class Activities(MethodView):
    @blp.arguments(ActivityQuery, location="query")
    @blp.response(200, page_of(ActivitySchema))
    def get(self, query):  # type: ignore[no-untyped-def]
        """The timeline of a dossier, newest first (filters: type, done)."""
        return page_body(activities.list_activities(uow(read_only=True), query))

    @blp.arguments(ActivityCreateSchema)
    @blp.response(201, ActivitySchema)
    def post(self, data):  # type: ignore[no-untyped-def]
        """Add a note (ACT_NOTE) or a task (ACT_TASK with dueAt, assignee, done)."""
        return activities.create_activity(uow(), data)


@blp.route("/<activity_id>")
class ActivityById(MethodView):
    @blp.arguments(ActivityWriteSchema)
    @blp.response(200, ActivitySchema)
    def put(self, data, activity_id):  # type: ignore[no-untyped-def]
        """Edit a note or task (its author, assignee or a manager); system entries answer 409."""
        return activities.update_activity(uow(), activity_id, data)

    @blp.response(204)
    def delete(self, activity_id):  # type: ignore[no-untyped-def]
        """Delete a note or task (audited); system entries answer 409."""
        activities.delete_activity(uow(), activity_id)
