"""Public reports on the pro side: per listing, their review, and the moderation queue.

The contract's ``/reports/{reportId}/status`` lives at ``/listing-reports/{reportId}/status``:
``/api/v1/reports`` belongs to the CRM's reporting.
"""

from __future__ import annotations

from flask.views import MethodView

from atlas_listings.entrypoints.http.moderation.schemas import (
    QueueItemSchema,
    QueueQuery,
    ReportSchema,
    ReportStatusSchema,
)
from atlas_listings.service_layer import reports
from atlas_shared.web.app import current_platform, request_ctx
from atlas_shared.web.blueprint import Blueprint
from atlas_shared.web.schemas import PageQuery, page_body, page_of

of_listing = Blueprint("listing-reports-of-listing", __name__, url_prefix="/api/v1/listings",
                       description="Reports received on a listing")
report_status = Blueprint("listing-reports", __name__, url_prefix="/api/v1/listing-reports",
                          description="Review of public reports")
queue = Blueprint("moderation", __name__, url_prefix="/api/v1/moderation",
                  description="Moderation queue (MODERATOR, MANAGER, ADMIN_ORG)")


def _uow(read_only: bool = False):  # type: ignore[no-untyped-def]
    return current_platform().uow(request_ctx(), read_only=read_only)


@of_listing.route("/<uuid:listing_id>/reports")
class ListingReports(MethodView):
    @of_listing.arguments(PageQuery, location="query")
    @of_listing.response(200, page_of(ReportSchema))
    def get(self, query, listing_id):  # type: ignore[no-untyped-def]
        """Reports on this listing, newest first."""
        return page_body(reports.list_reports(_uow(read_only=True), listing_id, query["page"], query["size"]))


@report_status.route("/<uuid:report_id>/status")
class ReportStatus(MethodView):
    @report_status.arguments(ReportStatusSchema)
    @report_status.response(200, ReportSchema)
    def post(self, data, report_id):  # type: ignore[no-untyped-def]
        """REPORT_OPEN → REPORT_IN_REVIEW → REPORT_CLOSED (or OPEN → CLOSED), optionally suspending
        the listing in the same action (audited)."""
        return reports.change_status(_uow(), report_id, data)


@queue.route("/queue")
class Queue(MethodView):
    @queue.arguments(QueueQuery, location="query")
    @queue.response(200, page_of(QueueItemSchema))
    def get(self, query):  # type: ignore[no-untyped-def]
        """Listings with reports to handle, most reported first."""
        return page_body(reports.moderation_queue(_uow(read_only=True), query))
