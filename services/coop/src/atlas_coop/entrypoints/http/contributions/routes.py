"""The contributions ledger: read (JSON pages or CSV), totals, declare a payment, decide on it."""

from __future__ import annotations

from flask import Response
from flask.views import MethodView

from atlas_coop.entrypoints.http.common import PREFIX, uow
from atlas_coop.entrypoints.http.contributions.schemas import (
    ContributionSchema,
    DecisionSchema,
    DeclareSchema,
    LedgerQuery,
    LedgerTotalsSchema,
)
from atlas_coop.service_layer import contributions, ledger
from atlas_shared.web.blueprint import Blueprint
from atlas_shared.web.schemas import page_body, page_of

blp = Blueprint("coop-contributions", __name__, url_prefix=PREFIX,
                description="Contributions ledger (declarative payments with proof)")


def _csv(group_id, query) -> Response:  # type: ignore[no-untyped-def]
    name, body = ledger.export_csv(uow(read_only=True), group_id, query)
    return Response(body, content_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@blp.route("/groups/<uuid:group_id>/contributions")
class Ledger(MethodView):
    @blp.arguments(LedgerQuery, location="query")
    @blp.response(200, page_of(ContributionSchema))
    @blp.alt_response(200, description="format=csv: the matching rows as CSV", content_type="text/csv",
                      success=True)
    def get(self, query, group_id):  # type: ignore[no-untyped-def]
        """The group's instalments by due date (filters memberId, status, dueFrom, dueTo); a member sees
        their own. format=csv exports every matching row."""
        if query.get("format") == "csv":
            return _csv(group_id, query)
        return page_body(ledger.list_contributions(uow(read_only=True), group_id, query))

    @blp.arguments(DeclareSchema)
    @blp.response(201, ContributionSchema)
    def post(self, data, group_id):  # type: ignore[no-untyped-def]
        """Declare a payment (the member, or a manager for them) with method and proof: PENDING until a
        manager decides. The amount must settle the instalment (penalty as of paidDate included)."""
        return contributions.declare(uow(), group_id, data)


@blp.route("/groups/<uuid:group_id>/contributions/export.csv")
class LedgerExport(MethodView):
    @blp.arguments(LedgerQuery, location="query")
    @blp.response(200, content_type="text/csv")
    def get(self, query, group_id):  # type: ignore[no-untyped-def]
        """The ledger as CSV (same filters; amounts as exact decimals)."""
        return _csv(group_id, query)


@blp.route("/groups/<uuid:group_id>/contributions/totals")
class LedgerTotals(MethodView):
    @blp.arguments(LedgerQuery, location="query")
    @blp.response(200, LedgerTotalsSchema)
    def get(self, query, group_id):  # type: ignore[no-untyped-def]
        """Totals for the group and per member: due, paid, declared, late, penalties, waived, outstanding."""
        return ledger.ledger_totals(uow(read_only=True), group_id, query)


@blp.route("/contributions/<uuid:contribution_id>")
class ContributionById(MethodView):
    @blp.response(200, ContributionSchema)
    def get(self, contribution_id):  # type: ignore[no-untyped-def]
        """One instalment."""
        return ledger.get_contribution(uow(read_only=True), contribution_id)

    @blp.arguments(DecisionSchema)
    @blp.response(200, ContributionSchema)
    def patch(self, data, contribution_id):  # type: ignore[no-untyped-def]
        """CONFIRM or REJECT (reason) a declared payment, MARK_LATE an instalment past due + grace
        (penalty computed), or WAIVE it (reason). Audited."""
        return contributions.decide(uow(), contribution_id, data)
