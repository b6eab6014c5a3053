"""Allocation of lots to members in FIFO order: propose, then validate (PV), assign, sign or reject."""

from __future__ import annotations

from flask.views import MethodView

from atlas_coop.entrypoints.http.allocations.schemas import (
    ActionSchema,
    AllocationQuery,
    AllocationSchema,
    ProposalRunSchema,
    ProposeSchema,
)
from atlas_coop.entrypoints.http.common import PREFIX, uow
from atlas_coop.service_layer import allocation_actions, allocations
from atlas_shared.web.blueprint import Blueprint
from atlas_shared.web.schemas import page_body, page_of

blp = Blueprint("coop-allocations", __name__, url_prefix=PREFIX, description="FIFO allocation of lots")


@blp.route("/groups/<uuid:group_id>/allocations")
class GroupAllocations(MethodView):
    @blp.arguments(AllocationQuery, location="query")
    @blp.response(200, page_of(AllocationSchema))
    def get(self, query, group_id):  # type: ignore[no-untyped-def]
        """The group's allocations (a member sees their own)."""
        return page_body(allocations.list_allocations(uow(read_only=True), group_id, query))

    @blp.arguments(ProposeSchema)
    @blp.response(201, ProposalRunSchema)
    def post(self, data, group_id):  # type: ignore[no-untyped-def]
        """Propose lots in FIFO rank order to eligible members (ACTIVE, no dispute, every instalment due
        by the cut-off confirmed or waived): best available preference, else the next lot in natural
        code order. Lists every skipped member with the reasons. Replaces earlier unvalidated proposals."""
        return allocations.propose(uow(), group_id, data)


@blp.route("/allocations/<uuid:allocation_id>")
class AllocationById(MethodView):
    @blp.response(200, AllocationSchema)
    def get(self, allocation_id):  # type: ignore[no-untyped-def]
        """One allocation with its explanation."""
        return allocations.get_allocation(uow(read_only=True), allocation_id)

    @blp.arguments(ActionSchema)
    @blp.response(200, AllocationSchema)
    def patch(self, data, allocation_id):  # type: ignore[no-untyped-def]
        """VALIDATE (needs a PV attached; eligibility checked again), ASSIGN, SIGN (needs the contract
        attached) or REJECT (reason; the lot is free for the next eligible member). Audited."""
        return allocation_actions.act(uow(), allocation_id, data)
