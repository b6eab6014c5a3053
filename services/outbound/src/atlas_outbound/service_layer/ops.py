"""Operations: the figures behind ``/ops/outbound/metrics`` and ``/ops/outbound/health``.

Computed from the database (true across every worker process), for the caller's org, or for every
org when an admin of the operations org (``ATLAS_OPS_ORG_ID``) asks with ``scope=all``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from atlas_outbound.adapters.orm import Attempt, DeadLetter, OutboundMessage, SenderHeartbeat
from atlas_outbound.domain import statuses
from atlas_shared.db.uow import UnitOfWork
from atlas_shared.errors import Forbidden
from atlas_shared.web.auth import require_role

VIEWERS = ("ADMIN_ORG", "MANAGER")
SAMPLE = 20000  # latency percentiles are computed over the most recent messages of the period


def percentiles(values: list[float]) -> dict[str, float | None]:
    if not values:
        return {"p50": None, "p90": None, "p99": None, "max": None, "count": 0}
    ordered = sorted(values)

    def pick(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 3)
    return {"p50": pick(.5), "p90": pick(.9), "p99": pick(.99), "max": round(ordered[-1], 3),
            "count": len(ordered)}


def may_see_all(uow: UnitOfWork, ops_org: str | None) -> bool:
    return bool(ops_org) and uow.ctx.org_id == ops_org and uow.ctx.has_any_role("ADMIN_ORG")


def metrics(uow_for: Callable[[bool], UnitOfWork], ops_org: str | None, scope: str, since: datetime,
            now: datetime) -> dict[str, Any]:
    probe = uow_for(False)
    require_role(probe.ctx, VIEWERS, action="read outbound metrics")
    everything = scope == "all"
    if everything and not may_see_all(probe, ops_org):
        raise Forbidden("Only an admin of the operations organisation may read every organisation's figures.")
    with uow_for(everything) as uow:
        s = uow.session  # scoped to the caller's org by the session, unless everything
        by_status = dict(s.execute(select(OutboundMessage.status, func.count()).where(
            OutboundMessage.created_at >= since).group_by(OutboundMessage.status)).all())
        queued = dict(s.execute(select(OutboundMessage.status, func.count()).where(
            OutboundMessage.status.in_(statuses.PENDING)).group_by(OutboundMessage.status)).all())
        body = {"scope": "all" if everything else "org", "orgId": None if everything else uow.ctx.org_id,
                "from": since.isoformat(), "to": now.isoformat(),
                "queue": {"queued": queued.get(statuses.QUEUED, 0),
                          "sending": queued.get(statuses.SENDING, 0), "size": sum(queued.values())},
                "byStatus": by_status, **_latencies(s, since), **_failures(s, since, by_status)}
        if everything:
            body["perOrg"] = _per_org(s, since)
        return body


def _latencies(s: Any, since: datetime) -> dict[str, Any]:
    rows = s.execute(select(OutboundMessage.created_at, OutboundMessage.sent_at, OutboundMessage.delivered_at)
                     .where(OutboundMessage.created_at >= since,
                            OutboundMessage.sent_at.is_not(None))
                     .order_by(OutboundMessage.created_at.desc()).limit(SAMPLE)).all()
    to_sent = [(r.sent_at - r.created_at).total_seconds() for r in rows]
    to_delivered = [(r.delivered_at - r.sent_at).total_seconds() for r in rows if r.delivered_at]
    return {"latencySeconds": {"queuedToSent": percentiles(to_sent),
                               "sentToDelivered": percentiles(to_delivered)}}


def _failures(s: Any, since: datetime, by_status: dict[str, int]) -> dict[str, Any]:
    codes = s.execute(select(Attempt.error_code, func.count()).where(
        Attempt.finished_at >= since, Attempt.error_code.is_not(None))
        .group_by(Attempt.error_code).order_by(func.count().desc()).limit(10)).all()
    retries = s.scalar(select(func.count()).select_from(Attempt).where(
        Attempt.finished_at >= since, Attempt.status == "RETRY_SCHEDULED")) or 0
    dead = s.scalar(select(func.count()).select_from(DeadLetter).where(
        DeadLetter.resolved_at.is_(None))) or 0
    finished = (statuses.SENT, statuses.DELIVERED, statuses.READ, statuses.FAILED)
    done = sum(by_status.get(k, 0) for k in finished)
    failed = by_status.get(statuses.FAILED, 0)
    return {"failureRate": round(failed / done, 4) if done else 0.0,
            "topErrorCodes": [{"code": c, "count": n} for c, n in codes],
            "retries": retries, "deadLetters": dead}


def _per_org(s: Any, since: datetime) -> list[dict[str, Any]]:
    rows = s.execute(select(OutboundMessage.org_id, OutboundMessage.status, func.count())
                     .where(OutboundMessage.created_at >= since)
                     .group_by(OutboundMessage.org_id, OutboundMessage.status)).all()
    orgs: dict[str, Counter[str]] = {}
    for org, status, n in rows:
        orgs.setdefault(str(org), Counter())[status] += n
    return [{"orgId": org, "byStatus": dict(c), "total": sum(c.values())} for org, c in sorted(orgs.items())]


def provider_health(uow: UnitOfWork, since: datetime, now: datetime) -> dict[str, Any]:
    """Recent error rate per channel (every org: a provider outage is everyone's) and live senders."""
    with uow:
        s = uow.session
        rows = s.execute(select(Attempt.channel, Attempt.status, func.count()).where(
            Attempt.finished_at >= since).group_by(Attempt.channel, Attempt.status)).all()
        senders = s.scalars(select(SenderHeartbeat).where(
            SenderHeartbeat.last_seen_at >= now - timedelta(seconds=30))).all()
        oldest = s.scalar(select(func.min(OutboundMessage.due_at)).where(
            OutboundMessage.status == statuses.QUEUED))
    channels: dict[str, dict[str, Any]] = {c: {"attempts": 0, "errors": 0} for c in statuses.CHANNELS}
    for channel, status, n in rows:
        entry = channels.setdefault(channel, {"attempts": 0, "errors": 0})
        entry["attempts"] += n
        if status in ("RETRY_SCHEDULED", "FAILED", "LOST", "DEFERRED"):
            entry["errors"] += n
    for entry in channels.values():
        entry["errorRate"] = round(entry["errors"] / entry["attempts"], 4) if entry["attempts"] else 0.0
    overdue = max(0.0, (now - oldest).total_seconds()) if oldest else 0.0
    return {"providers": channels, "senders": {"alive": len(senders),
                                               "threads": sum(x.threads for x in senders)},
            "oldestDueSecondsAgo": round(overdue, 3)}


def overall(checks: dict[str, str], providers: dict[str, Any], senders: dict[str, Any]) -> str:
    if any(v != "ok" for v in checks.values()):
        return "down"
    busy = [p for p in providers.values() if p["attempts"] >= 10 and p["errorRate"] >= 0.5]
    return "degraded" if busy or not senders.get("alive") else "ok"
