"""Members of a group: join (FIFO rank), list, read, change (contact, consent, rank, status), schedule."""

from __future__ import annotations

from flask.views import MethodView

from atlas_coop.entrypoints.http.common import PREFIX, uow
from atlas_coop.entrypoints.http.members.schemas import (
    MemberCreateSchema,
    MemberQuery,
    MemberSchema,
    MemberUpdateSchema,
    ScheduleSchema,
)
from atlas_coop.service_layer import member_changes, member_schedule, members
from atlas_shared.web.blueprint import Blueprint
from atlas_shared.web.schemas import page_body, page_of

blp = Blueprint("coop-members", __name__, url_prefix=PREFIX, description="Members of co-operative groups")


@blp.route("/groups/<uuid:group_id>/members")
class GroupMembers(MethodView):
    @blp.arguments(MemberQuery, location="query")
    @blp.response(200, page_of(MemberSchema))
    def get(self, query, group_id):  # type: ignore[no-untyped-def]
        """List the group's members by FIFO rank (filter memberStatus); a member sees only themself."""
        return page_body(members.list_members(uow(read_only=True), group_id, query))

    @blp.arguments(MemberCreateSchema)
    @blp.response(201, MemberSchema)
    def post(self, data, group_id):  # type: ignore[no-untyped-def]
        """Add a member in COOP_MEMBER_PENDING_KYC at the next FIFO rank (or the rank of the member they
        replace, with a PV); WhatsApp consent captured with its proof."""
        return members.add_member(uow(), group_id, data)


@blp.route("/members/<uuid:member_id>")
class MemberById(MethodView):
    @blp.response(200, MemberSchema)
    def get(self, member_id):  # type: ignore[no-untyped-def]
        """One member (a member reads their own record only)."""
        return members.get_member(uow(read_only=True), member_id)

    @blp.arguments(MemberUpdateSchema)
    @blp.response(200, MemberSchema)
    def patch(self, data, member_id):  # type: ignore[no-untyped-def]
        """Change contact, lot preferences, WhatsApp consent (the member or a manager); dispute, FIFO rank
        (justified SWAP or SHIFT) and status (workflow; ACTIVE needs an identity document, EXCLUDED a PV)."""
        return member_changes.update_member(uow(), member_id, data)


@blp.route("/members/<uuid:member_id>/schedule")
class MemberSchedule(MethodView):
    @blp.response(200, ScheduleSchema)
    def get(self, member_id):  # type: ignore[no-untyped-def]
        """The member's instalments as a table — base, indexation, penalty, total — with the formula
        explained in French and each row's calculation."""
        return member_schedule.get_schedule(uow(read_only=True), member_id)
