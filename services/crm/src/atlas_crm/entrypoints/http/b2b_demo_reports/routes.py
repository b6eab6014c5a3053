"""The B2B demo pipeline summary (MANAGER and ADMIN_ORG)."""

from __future__ import annotations

from flask.views import MethodView

from atlas_crm.entrypoints.http.b2b_demo_reports.schemas import SummaryQuery
from atlas_crm.entrypoints.http.common import uow
from atlas_crm.service_layer import b2b_summary
from atlas_shared.web.blueprint import Blueprint

blp = Blueprint("b2b-demo-reports", __name__, url_prefix="/api/v1/reports/b2b-demo",
                description="B2B demo pipeline figures (MANAGER and ADMIN_ORG)")


@blp.route("/summary")
class Summary(MethodView):
    @blp.arguments(SummaryQuery, location="query")
    @blp.response(200)
    def get(self, query):  # type: ignore[no-untyped-def]
        """B2B demo summary over the cases created in [from, to) (default the last 30 days).

        `total`; `byStatus`: current status of those cases (every status of the workflow, 0 included);
        `won`, `lost`, `open`; `conversion.wonOverClosed` = won / (won + lost), `conversion.wonOverTotal`
        = won / total (fractions, null when the divisor is 0); `lostReasons`: B2B_LOST_REASON codes of
        the lost ones, most frequent first; `timeToWin`: for the won ones, hours from their first entry
        into B2B_NEW to their first into B2B_WON (status history): count, average, median."""
        return b2b_summary.summary(uow(read_only=True), query)
