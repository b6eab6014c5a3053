"""The B2B demo pipeline summary (MANAGER/ADMIN_ORG) over the demo requests created in [from, to):
how many, where they stand, how many convert, why they are lost and how long winning takes."""

from __future__ import annotations

from collections import Counter
from typing import Any

from atlas_crm.adapters.reporting.b2b_demo import B2BDemoQueries
from atlas_crm.adapters.reporting.scope import Scope
from atlas_crm.domain import kpis
from atlas_crm.domain.dossier import B2B_DEMO
from atlas_crm.service_layer import normalise
from atlas_crm.service_layer.access import MANAGERS
from atlas_crm.service_layer.workflows import active_definition
from atlas_shared.db.types import utcnow
from atlas_shared.db.uow import UnitOfWork
from atlas_shared.web.auth import require_role

NEW, WON, LOST = "B2B_NEW", "B2B_WON", "B2B_LOST"


def summary(uow: UnitOfWork, query: dict[str, Any]) -> dict[str, Any]:
    require_role(uow.ctx, MANAGERS, action="read the B2B demo summary")
    found, errors = kpis.resolve_range(query.get("from"), query.get("to"), utcnow())
    normalise.raise_if(errors)
    assert found is not None
    with uow:
        states = [s.code for s in active_definition(uow.session, uow.ctx.org_id, B2B_DEMO).states]
        q = B2BDemoQueries(uow.session, Scope(found, case_type=B2B_DEMO))
        cases = q.cases()
        won_ids = {case_id for case_id, status, _ in cases if status == WON}
        entries = q.entries((NEW, WON)) if won_ids else []
    by_status = Counter(status for _, status, _ in cases)
    won, lost, total = by_status[WON], by_status[LOST], len(cases)
    reasons = Counter(reason or "UNKNOWN" for _, status, reason in cases if status == LOST)
    rates = {"wonOverClosed": kpis.rate(won, won + lost), "wonOverTotal": kpis.rate(won, total)}
    return {"from": found.start.isoformat(), "to": found.end.isoformat(), "total": total,
            "byStatus": {s: by_status.get(s, 0) for s in [*states, *sorted(set(by_status) - set(states))]},
            "won": won, "lost": lost, "open": total - won - lost,
            "conversion": rates,
            "lostReasons": [{"reason": r, "count": n}
                            for r, n in sorted(reasons.items(), key=lambda i: (-i[1], i[0]))],
            "timeToWin": time_to_win(entries, won_ids)}


def time_to_win(entries: list[tuple[Any, str, Any]], won_ids: set[Any]) -> dict[str, Any]:
    """Hours from the first entry into B2B_NEW to the first into B2B_WON, per won case."""
    new_at: dict[Any, Any] = {}
    won_at: dict[Any, Any] = {}
    for case_id, status, at in entries:
        (new_at if status == NEW else won_at).setdefault(case_id, at)
    stats = kpis.durations(kpis.seconds_between(new_at.get(c), won_at.get(c)) for c in won_ids)
    hours = {key: round(stats[f"{key}Seconds"] / 3600, 2) if stats[f"{key}Seconds"] is not None else None
             for key in ("avg", "median")}
    return {"count": stats["count"], "avgHours": hours["avg"], "medianHours": hours["median"]}
