"""Reporting KPIs. Every report takes `from`/`to` (default: the last 30 days, UTC), `caseType`,
`source`, `assignedTo` and `format=csv`. MANAGER and ADMIN_ORG see the organisation; an AGENT sees
the same figures over their own dossiers (and appointments) only; other roles get 403."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask.views import MethodView

from atlas_crm.entrypoints.http.common import uow
from atlas_crm.entrypoints.http.reports.schemas import (
    ConversionQuery,
    LeadsQuery,
    ReportQuery,
    TopListingsQuery,
)
from atlas_crm.service_layer import reporting
from atlas_crm.service_layer.report_tables import to_csv
from atlas_shared.web.blueprint import Blueprint

blp = Blueprint("reports", __name__, url_prefix="/api/v1/reports",
                description="KPIs over a date range, as JSON or a CSV download (MANAGER and ADMIN_ORG: the "
                            "organisation; AGENT: their own dossiers)")


def answer(name: str, query: dict[str, Any]) -> Any:
    fmt = query.pop("format", "json")
    body = reporting.REPORTS[name](uow(read_only=True), query)
    if fmt != "csv":
        return body
    filename = f"{name}-{body['from'][:10]}-{body['to'][:10]}.csv"
    return Response(to_csv(name, body), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@blp.route("")
class Reports(MethodView):
    @blp.response(200)
    def get(self):  # type: ignore[no-untyped-def]
        """The available reports (their definitions are in each one's description)."""
        return {"items": [{"name": name, "path": f"/api/v1/reports/{name}"} for name in reporting.REPORTS]}


@blp.route("/leads")
class Leads(MethodView):
    @blp.arguments(LeadsQuery, location="query")
    @blp.response(200)
    def get(self, query):  # type: ignore[no-untyped-def]
        """Leads per period and source.

        A lead is a dossier created in the range (any case type unless `caseType` is given), counted
        per UTC day, ISO week (from Monday) or month (`period`) and per source; every period of the
        range is listed, empty ones with 0."""
        return answer("leads", query)


@blp.route("/funnel")
class Funnel(MethodView):
    @blp.arguments(ReportQuery, location="query")
    @blp.response(200)
    def get(self, query):  # type: ignore[no-untyped-def]
        """Funnel: how far the leads of the range went (from the status history, not current statuses).

        `created`: dossiers created in the range. A stage counts those of them whose history shows they
        reached it or a later one — contacted (entered CRM_CONTACTED), qualified (CRM_QUALIFIED,
        B2B_QUALIFIED), appointment (CRM_VISIT_PLANNED, CRM_VISIT_DONE, B2B_SCHEDULED, B2B_DONE, or an
        appointment booked and not cancelled), won (CRM_CLOSED_WON, B2B_WON) — so a won lead counts at
        every stage; lost (CRM_CLOSED_LOST, B2B_LOST) stands apart. `rateFromCreated` and
        `rateFromPrevious` are fractions. `statusEntries`: per status, the dossiers (whatever their
        creation date) that entered it during the range — the flow through each status."""
        return answer("funnel", query)


@blp.route("/conversion")
class Conversion(MethodView):
    @blp.arguments(ConversionQuery, location="query")
    @blp.response(200)
    def get(self, query):  # type: ignore[no-untyped-def]
        """Conversion by source or by listing (`by`).

        For the leads created in the range, per source (or per listing, most leads first, `limit`):
        `leads`, `won` and `lost` (ever entered a won / lost status), `conversionRate` = won / leads,
        `lossRate` = lost / leads. By listing also gives `visits` (appointments not cancelled, starting
        in the range, for that listing) and the listing's title, status, city and zone when known."""
        return answer("conversion", query)


@blp.route("/top-listings")
class TopListings(MethodView):
    @blp.arguments(TopListingsQuery, location="query")
    @blp.response(200)
    def get(self, query):  # type: ignore[no-untyped-def]
        """Top listings.

        The listings with the most leads created in the range (`limit`, default 10), with won, lost,
        visits, conversion rate and the listing's title, status and place, as in /reports/conversion by
        listing."""
        return answer("top-listings", query)


@blp.route("/stage-times")
class StageTimes(MethodView):
    @blp.arguments(ReportQuery, location="query")
    @blp.response(200)
    def get(self, query):  # type: ignore[no-untyped-def]
        """Time in each stage and time to close.

        `stages`: per status, the stays that ended during the range (the dossier entered the status, then
        left it for the next one in its history), with count, average and median seconds.
        `timeToClose`: for every entry into a won or lost status during the range, the seconds from the
        dossier's creation, split won / lost / all."""
        return answer("stage-times", query)


@blp.route("/first-response")
class FirstResponse(MethodView):
    @blp.arguments(ReportQuery, location="query")
    @blp.response(200)
    def get(self, query):  # type: ignore[no-untyped-def]
        """Average first-response time: lead created → first outbound message.

        For the leads created in the range: seconds from creation to the first OUTBOUND message on the
        dossier (any channel, a logged phone call included; deleted messages do not count) — average
        and median over the answered ones, with `answered`, `unanswered` and `answeredRate`."""
        return answer("first-response", query)


@blp.route("/appointments")
class Appointments(MethodView):
    @blp.arguments(ReportQuery, location="query")
    @blp.response(200)
    def get(self, query):  # type: ignore[no-untyped-def]
        """Appointment show rate.

        Appointments starting in the range, per status; `showRate` = DONE / (DONE + NO_SHOW), the
        appointments whose outcome is known; `pastStillScheduled`: started but never marked. For an
        AGENT (or `assignedTo`): the appointments assigned to them."""
        return answer("appointments", query)


@blp.route("/agents")
class Agents(MethodView):
    @blp.arguments(ReportQuery, location="query")
    @blp.response(200)
    def get(self, query):  # type: ignore[no-untyped-def]
        """Per-agent performance.

        For the leads created in the range, grouped by their current assignee (`agent` null: not
        assigned): `assigned`; `contacted`: answered (an outbound message) or past the funnel's contacted
        stage; `won` and `lost` as in the funnel; `conversionRate` = won / assigned; `firstResponse` as in
        the first-response report."""
        return answer("agents", query)


@blp.route("/messages")
class Messages(MethodView):
    @blp.arguments(ReportQuery, location="query")
    @blp.response(200)
    def get(self, query):  # type: ignore[no-untyped-def]
        """Inbound and outbound message counts.

        Messages that occurred in the range (deleted ones excluded), inbound and outbound, per channel;
        the dossiers that had such messages, and the average per such dossier."""
        return answer("messages", query)
