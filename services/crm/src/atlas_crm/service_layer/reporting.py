"""Reporting KPIs (domain.md section 5) over a date range, default the last 30 days.

MANAGER and ADMIN_ORG see the organisation (optionally one agent with ``assignedTo``); an AGENT
sees the same reports computed over their own dossiers and appointments only; other roles get 403.
Every count is of rows of the caller's organisation (the session scopes every query).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any, TypeVar

from atlas_crm.adapters.reporting.activity import ActivityQueries
from atlas_crm.adapters.reporting.pipeline import PipelineQueries
from atlas_crm.adapters.reporting.scope import Scope
from atlas_crm.domain import kpis
from atlas_crm.service_layer import normalise
from atlas_crm.service_layer.access import MANAGERS, agent_scope, require_crm
from atlas_shared.db.types import utcnow
from atlas_shared.db.uow import UnitOfWork
from atlas_shared.errors import Forbidden

Q = TypeVar("Q", PipelineQueries, ActivityQueries)


def resolve_scope(uow: UnitOfWork, query: dict[str, Any]) -> Scope:
    """Permission and filters: who is looked at, over which range."""
    require_crm(uow.ctx, "read reports")
    own = agent_scope(uow.ctx)
    wanted = query.get("assignedTo")
    if own is not None and wanted not in (None, own):
        raise Forbidden("An agent sees their own numbers only.", {"requiredRoles": list(MANAGERS)})
    found, errors = kpis.resolve_range(query.get("from"), query.get("to"), utcnow())
    if found is not None and (problem := kpis.period_problem(found, query.get("period") or "day")):
        errors = {"period": [problem]}
    normalise.raise_if(errors)
    assert found is not None
    return Scope(found, assigned_to=own or wanted, case_type=query.get("caseType"),
                 source=query.get("source"))


def _run(uow: UnitOfWork, query: dict[str, Any], queries: type[Q],
         build: Callable[[Q, Scope], dict[str, Any]]) -> dict[str, Any]:
    scope = resolve_scope(uow, query)
    with uow:
        body = build(queries(uow.session, scope), scope)
    return {"from": scope.range.start.isoformat(), "to": scope.range.end.isoformat(), **body}


def leads(uow: UnitOfWork, query: dict[str, Any]) -> dict[str, Any]:
    period = query.get("period") or "day"

    def build(q: PipelineQueries, scope: Scope) -> dict[str, Any]:
        series: dict[str, dict[str, int]] = {b: {} for b in kpis.buckets(scope.range, period)}
        totals: dict[str, int] = defaultdict(int)
        for bucket, source, count in q.leads(period):
            series.setdefault(bucket, {})[source] = count
            totals[source] += count
        return {"period": period, "total": sum(totals.values()),
                "bySource": [{"source": s, "leads": n}
                             for s, n in sorted(totals.items(), key=lambda i: -i[1])],
                "series": [{"period": b, "leads": sum(v.values()), "bySource": v} for b, v in series.items()]}
    return _run(uow, query, PipelineQueries, build)


def funnel(uow: UnitOfWork, query: dict[str, Any]) -> dict[str, Any]:
    def build(q: PipelineQueries, scope: Scope) -> dict[str, Any]:
        tops, lost = q.cohort_outline()
        return {"created": len(tops), "stages": kpis.funnel(tops, len(tops), lost),
                "statusEntries": [{"status": s, "dossiers": n} for s, n in q.status_entries()]}
    return _run(uow, query, PipelineQueries, build)


def conversion(uow: UnitOfWork, query: dict[str, Any]) -> dict[str, Any]:
    by = query.get("by") or "source"

    def build(q: PipelineQueries, scope: Scope) -> dict[str, Any]:
        if by == "listing":
            rows = [{**r, "listingId": str(r["listingId"])}
                    for r in q.outcomes_by_listing(query.get("limit") or 50)]
        else:
            rows = [{"source": s, "leads": n, "won": w, "lost": lo} for s, n, w, lo in q.outcomes_by_source()]
        return {"by": by, "items": [{**r, "conversionRate": kpis.rate(r["won"], r["leads"]),
                                     "lossRate": kpis.rate(r["lost"], r["leads"])} for r in rows]}
    return _run(uow, query, PipelineQueries, build)


def top_listings(uow: UnitOfWork, query: dict[str, Any]) -> dict[str, Any]:
    def build(q: PipelineQueries, scope: Scope) -> dict[str, Any]:
        return {"items": [{**r, "listingId": str(r["listingId"]),
                           "conversionRate": kpis.rate(r["won"], r["leads"])}
                          for r in q.outcomes_by_listing(query.get("limit") or 10)]}
    return _run(uow, query, PipelineQueries, build)


def stage_times(uow: UnitOfWork, query: dict[str, Any]) -> dict[str, Any]:
    def build(q: PipelineQueries, scope: Scope) -> dict[str, Any]:
        by_status = q.stay_durations()
        if by_status is None:  # no aggregate in the database (SQLite): from the stays themselves
            stays: dict[str, list[float | None]] = defaultdict(list)
            for status, entered, left in q.stays():
                stays[status].append(kpis.seconds_between(entered, left))
            by_status = {status: kpis.durations(v) for status, v in stays.items()}
        to_close = q.close_durations()
        if to_close is None:  # SQLite: from the closings themselves
            closes: dict[str, list[float | None]] = {"won": [], "lost": []}
            for status, created, closed in q.closures():
                closes["won" if status in kpis.WON else "lost"].append(kpis.seconds_between(created, closed))
            to_close = {"won": kpis.durations(closes["won"]), "lost": kpis.durations(closes["lost"]),
                        "all": kpis.durations(closes["won"] + closes["lost"])}
        return {"stages": [{"status": s, **d} for s, d in sorted(by_status.items())], "timeToClose": to_close}
    return _run(uow, query, PipelineQueries, build)


def first_response(uow: UnitOfWork, query: dict[str, Any]) -> dict[str, Any]:
    def build(q: PipelineQueries, scope: Scope) -> dict[str, Any]:
        return responses(*q.responses())
    return _run(uow, query, PipelineQueries, build)


def responses(leads: int, answered: int, stats: dict[str, Any]) -> dict[str, Any]:
    return {"leads": leads, "answered": answered, "unanswered": leads - answered,
            "answeredRate": kpis.rate(answered, leads), "avgSeconds": stats["avgSeconds"],
            "medianSeconds": stats["medianSeconds"]}


def agents(uow: UnitOfWork, query: dict[str, Any]) -> dict[str, Any]:
    def build(q: PipelineQueries, scope: Scope) -> dict[str, Any]:
        outline = q.agent_outline()
        if outline is None:  # no aggregates in the database (SQLite): from each lead's facts
            outline = agent_outline(q.cohort_facts())
        items = [{"agent": agent, "assigned": assigned, "contacted": contacted, "won": won, "lost": lost,
                  "conversionRate": kpis.rate(won, assigned),
                  "firstResponse": responses(assigned, answered, stats)}
                 for agent, assigned, contacted, won, lost, answered, stats in outline]
        return {"items": sorted(items, key=lambda i: (-i["assigned"], i["agent"] or ""))}
    return _run(uow, query, PipelineQueries, build)


def agent_outline(facts: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    """``PipelineQueries.agent_outline`` computed from each lead's facts."""
    by_agent: dict[str | None, list[dict[str, Any]]] = defaultdict(list)
    for row in facts:
        by_agent[row["assignedTo"]].append(row)
    outline = []
    for agent, rows in by_agent.items():
        answered = [r["responseSeconds"] for r in rows if r["responseSeconds"] is not None]
        contacted = sum(1 for r in rows if r["furthest"] >= 1 or r["responseSeconds"] is not None)
        won = sum(1 for r in rows if r["furthest"] == len(kpis.CHAIN))
        outline.append((agent, len(rows), contacted, won, sum(r["lost"] for r in rows), len(answered),
                        kpis.durations(answered)))
    return outline


def appointments(uow: UnitOfWork, query: dict[str, Any]) -> dict[str, Any]:
    def build(q: ActivityQueries, scope: Scope) -> dict[str, Any]:
        by_status: dict[str, int] = defaultdict(int)
        overdue = 0
        for status, due, count in q.appointments(utcnow()):
            by_status[status] += count
            overdue += count if due and status == kpis.APPOINTMENT_SCHEDULED else 0
        done, no_show = by_status.get(kpis.APPOINTMENT_DONE, 0), by_status.get(kpis.APPOINTMENT_NO_SHOW, 0)
        return {"total": sum(by_status.values()), "byStatus": dict(sorted(by_status.items())), "done": done,
                "noShow": no_show, "cancelled": by_status.get(kpis.APPOINTMENT_CANCELLED, 0),
                "pastStillScheduled": overdue, "showRate": kpis.show_rate(done, no_show)}
    return _run(uow, query, ActivityQueries, build)


def message_volumes(uow: UnitOfWork, query: dict[str, Any]) -> dict[str, Any]:
    def build(q: ActivityQueries, scope: Scope) -> dict[str, Any]:
        volumes, spread = q.message_volumes(), q.message_spread()
        channels: dict[str, dict[str, int]] = defaultdict(lambda: {"inbound": 0, "outbound": 0})
        for direction, channel, count in volumes:
            channels[channel][direction.lower()] += count
        inbound = sum(c["inbound"] for c in channels.values())
        outbound = sum(c["outbound"] for c in channels.values())
        with_in, with_out = spread.get("INBOUND", 0), spread.get("OUTBOUND", 0)
        return {"inbound": inbound, "outbound": outbound,
                "byChannel": [{"channel": c, **v} for c, v in sorted(channels.items())],
                "dossiersWithInbound": with_in, "dossiersWithOutbound": with_out,
                "avgInboundPerDossier": round(inbound / with_in, 2) if with_in else None,
                "avgOutboundPerDossier": round(outbound / with_out, 2) if with_out else None}
    return _run(uow, query, ActivityQueries, build)


REPORTS: dict[str, Callable[[UnitOfWork, dict[str, Any]], dict[str, Any]]] = {
    "leads": leads, "funnel": funnel, "conversion": conversion, "stage-times": stage_times,
    "first-response": first_response, "appointments": appointments, "agents": agents,
    "messages": message_volumes, "top-listings": top_listings,
}
