"""The dashboard: headline KPIs and the open dossiers waiting for someone."""

from __future__ import annotations

from flask.views import MethodView

from atlas_crm.entrypoints.http.common import uow
from atlas_crm.entrypoints.http.reports.schemas import DashboardQuery, ToHandleQuery
from atlas_crm.service_layer import dashboard
from atlas_shared.web.blueprint import Blueprint

blp = Blueprint("dashboard", __name__, url_prefix="/api/v1/dashboard",
                description="Headline KPIs and work waiting (MANAGER and ADMIN_ORG: the organisation; AGENT: "
                            "their own dossiers)")


@blp.route("")
class Dashboard(MethodView):
    @blp.arguments(DashboardQuery, location="query")
    @blp.response(200)
    def get(self, query):  # type: ignore[no-untyped-def]
        """Headline KPIs for the range (default: the last 30 days).

        `leads`: dossiers created in the range; `qualified`, `won`, `lost`: how many of them ever
        entered those stages (as in /reports/funnel); `conversionRate` = won / leads; `firstResponse`:
        average and median seconds to the first outbound message, and leads still unanswered (as in
        /reports/first-response); `appointments`: starting in the range, with the show rate
        DONE / (DONE + NO_SHOW); `messages`: inbound and outbound in the range; `toHandle`: open dossiers
        waiting now (as in /dashboard/to-handle, 7 idle days)."""
        return dashboard.summary(uow(read_only=True), query)


@blp.route("/to-handle")
class ToHandle(MethodView):
    @blp.arguments(ToHandleQuery, location="query")
    @blp.response(200)
    def get(self, query):  # type: ignore[no-untyped-def]
        """Open dossiers to handle now, idle longest first.

        An open dossier (not won, lost or archived) is listed when it was never answered (no outbound
        message, not deleted, since it was created — as in /reports/first-response: reason UNANSWERED),
        has had no activity for `staleDays` (default 7: STALE) or has a task past its due date
        (OVERDUE_TASK). `counts` gives the total and each reason's count."""
        return dashboard.to_handle(uow(read_only=True), query)
