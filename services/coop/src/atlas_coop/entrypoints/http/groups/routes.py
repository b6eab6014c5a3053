"""Co-operative groups: create, list, read, edit and move through the COOP_GROUP workflow, timeline."""

from __future__ import annotations

from flask.views import MethodView

from atlas_coop.entrypoints.http.common import PREFIX, uow
from atlas_coop.entrypoints.http.groups.schemas import (
    ActivitySchema,
    GroupCreateSchema,
    GroupQuery,
    GroupSchema,
    GroupUpdateSchema,
    NotificationQuery,
    NotificationSchema,
    TimelineQuery,
)
from atlas_coop.service_layer import groups
from atlas_shared.web.blueprint import Blueprint
from atlas_shared.web.schemas import page_body, page_of

blp = Blueprint("coop-groups", __name__, url_prefix=f"{PREFIX}/groups",
                description="Housing co-operative groups of the caller's organisation")


@blp.route("")
class Groups(MethodView):
    @blp.arguments(GroupQuery, location="query")
    @blp.response(200, page_of(GroupSchema))
    def get(self, query):  # type: ignore[no-untyped-def]
        """List groups (filters status, city); a member sees the groups they belong to."""
        return page_body(groups.list_groups(uow(read_only=True), query))

    @blp.arguments(GroupCreateSchema)
    @blp.response(201, GroupSchema)
    def post(self, data):  # type: ignore[no-untyped-def]
        """Create a group in COOP_GROUP_FORMATION (COOP_MANAGER, ADMIN_ORG; audited)."""
        return groups.create_group(uow(), data)


@blp.route("/<uuid:group_id>")
class GroupById(MethodView):
    @blp.response(200, GroupSchema)
    def get(self, group_id):  # type: ignore[no-untyped-def]
        """One group, its current plan and the status changes the caller may make."""
        return groups.get_group(uow(read_only=True), group_id)

    @blp.arguments(GroupUpdateSchema)
    @blp.response(200, GroupSchema)
    def patch(self, data, group_id):  # type: ignore[no-untyped-def]
        """Edit name, city, rules, or change the status through the workflow (409 TRANSITION_NOT_ALLOWED
        when refused; opening and closing funding need the PV as documentId)."""
        return groups.update_group(uow(), group_id, data)


@blp.route("/<uuid:group_id>/timeline")
class Timeline(MethodView):
    @blp.arguments(TimelineQuery, location="query")
    @blp.response(200, page_of(ActivitySchema))
    def get(self, query, group_id):  # type: ignore[no-untyped-def]
        """The group's activity, newest first: status changes, documents, notifications (sent or not)."""
        return page_body(groups.group_timeline(uow(read_only=True), group_id, query))


@blp.route("/<uuid:group_id>/notifications")
class Notifications(MethodView):
    @blp.arguments(NotificationQuery, location="query")
    @blp.response(200, page_of(NotificationSchema))
    def get(self, query, group_id):  # type: ignore[no-untyped-def]
        """Every notification decided for the group's members: REQUESTED from outbound, or why not."""
        return page_body(groups.group_notifications(uow(read_only=True), group_id, query))
