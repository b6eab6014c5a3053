"""The dashboard: headline numbers for the range, and the open dossiers waiting for someone.

Same permissions as the reports: the org for MANAGER and ADMIN_ORG, their own dossiers for an AGENT.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from atlas_crm.adapters.reporting.activity import ActivityQueries
from atlas_crm.adapters.reporting.pipeline import PipelineQueries
from atlas_crm.domain import kpis
from atlas_crm.service_layer.reporting import resolve_scope, responses
from atlas_crm.service_layer.views import dossier_view
from atlas_shared.db.types import utcnow
from atlas_shared.db.uow import UnitOfWork

DEFAULT_STALE_DAYS = 7


def summary(uow: UnitOfWork, query: dict[str, Any]) -> dict[str, Any]:
    scope = resolve_scope(uow, query)
    now = utcnow()
    with uow:
        pipeline, activity = PipelineQueries(uow.session, scope), ActivityQueries(uow.session, scope)
        tops, lost = pipeline.cohort_outline()
        reach = {s["stage"]: s["dossiers"] for s in kpis.funnel(tops, len(tops), lost)}
        answers = responses(*pipeline.responses())
        visits: dict[str, int] = {}
        for status, _, count in activity.appointments(now):
            visits[status] = visits.get(status, 0) + count
        volumes = activity.message_volumes()
        waiting = activity.to_handle_counts(now, now - timedelta(days=DEFAULT_STALE_DAYS))
    done, no_show = visits.get(kpis.APPOINTMENT_DONE, 0), visits.get(kpis.APPOINTMENT_NO_SHOW, 0)
    return {"from": scope.range.start.isoformat(), "to": scope.range.end.isoformat(),
            "leads": len(tops), "qualified": reach["qualified"], "won": reach["won"], "lost": reach["lost"],
            "conversionRate": kpis.rate(reach["won"], len(tops)),
            "firstResponse": {k: answers[k] for k in ("avgSeconds", "medianSeconds", "unanswered")},
            "appointments": {"total": sum(visits.values()), "showRate": kpis.show_rate(done, no_show)},
            "messages": {d.lower(): sum(n for dd, _, n in volumes if dd == d)
                         for d in ("INBOUND", "OUTBOUND")},
            "toHandle": waiting}


def to_handle(uow: UnitOfWork, query: dict[str, Any]) -> dict[str, Any]:
    """Open dossiers never answered (no outbound message), idle for ``staleDays`` (default 7) or with
    an overdue task, the ones idle longest first, each with its reasons."""
    scope = resolve_scope(uow, {k: v for k, v in query.items() if k not in ("from", "to")})
    now = utcnow()
    stale_before = now - timedelta(days=query.get("staleDays") or DEFAULT_STALE_DAYS)
    page, size = query.get("page", 1), query.get("size", 20)
    with uow:
        counts, rows = ActivityQueries(uow.session, scope).to_handle(now, stale_before, page, size)
        items = [{**dossier_view(d), "reasons": [r for r, on in (("UNANSWERED", u), ("STALE", s),
                                                                  ("OVERDUE_TASK", o)) if on]}
                 for d, u, s, o in rows]
    return {"page": page, "size": size, "total": counts["total"], "counts": counts, "items": items}
