"""Scheduled work, per organisation: instalments past due + grace become LATE (with their penalty,
the member IN_DEFAULT and a late notice), penalties of late instalments follow the calendar, and
unpaid instalments get their reminders at D-3 and D-1. Safe to run any number of times a day."""

from __future__ import annotations

import logging
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from atlas_coop.adapters.ledger_repositories import ContributionRepository, PlanRepository
from atlas_coop.adapters.orm import Contribution
from atlas_coop.adapters.repositories import GroupRepository, MemberRepository
from atlas_coop.domain import notifications as n
from atlas_coop.domain.codes import CONTRIBUTION, LATE, SYSTEM, UNPAID
from atlas_coop.domain.plan import is_late
from atlas_coop.service_layer.ledger_rules import mark_late, set_penalty
from atlas_coop.service_layer.notify import Message, notify
from atlas_coop.service_layer.views import plan_terms
from atlas_shared.context import RequestContext
from atlas_shared.db.types import utcnow
from atlas_shared.db.uow import UnitOfWork
from atlas_shared.platform import Platform

log = logging.getLogger(__name__)


def organisations(platform: Platform, statuses: tuple[str, ...]) -> list[str]:
    """Orgs holding instalments in these statuses (the one cross-tenant read, explicitly bypassed)."""
    with platform.db.session(tenant_bypass=True, read_only=True) as session:
        return [str(org) for org in session.scalars(
            select(Contribution.org_id).where(Contribution.status.in_(statuses)).distinct())]


def _uow(platform: Platform, org: str, job: str) -> UnitOfWork:
    return platform.uow(RequestContext.system(org_id=org, actor=f"job:{job}"))


def mark_late_everywhere(platform: Platform, today: date) -> dict[str, int]:
    counts = {"markedLate": 0, "penaltiesUpdated": 0}
    for org in organisations(platform, (*UNPAID, LATE)):
        for key, value in mark_late_for_org(_uow(platform, org, "mark-late"), today).items():
            counts[key] += value
    return counts


def mark_late_for_org(uow: UnitOfWork, today: date) -> dict[str, int]:
    counts = {"markedLate": 0, "penaltiesUpdated": 0}
    with uow:
        repo = ContributionRepository(uow.session)
        unpaid = repo.due_between(UNPAID, until=today - timedelta(days=1), for_update=True)
        late = repo.due_between([LATE], until=today, for_update=True)
        plans = {pid: plan_terms(p) for pid, p in PlanRepository(uow.session).by_ids(
            {c.plan_id for c in [*unpaid, *late]}).items()}
        groups, members = _loader(uow, GroupRepository), _loader(uow, MemberRepository)
        for c in unpaid:
            terms = plans[c.plan_id]
            if is_late(c.due_date, terms.grace_days, today):
                mark_late(uow, groups(c.group_id), members(c.member_id), c, terms, today, roles=[SYSTEM])
                counts["markedLate"] += 1
        for c in late:
            before = c.penalty
            set_penalty(c, plans[c.plan_id], today)
            if c.penalty != before:
                c.version, c.updated_at = c.version + 1, utcnow()
                counts["penaltiesUpdated"] += 1
        uow.commit()
    return counts


def _loader(uow: UnitOfWork, repository: Any) -> Any:
    cache: dict[Any, Any] = {}

    def load(entity_id: Any) -> Any:
        if entity_id not in cache:
            cache[entity_id] = repository(uow.session).get(entity_id)
        return cache[entity_id]
    return load


def remind_everywhere(platform: Platform, today: date) -> int:
    return sum(remind_for_org(_uow(platform, org, "remind"), today)
               for org in organisations(platform, UNPAID))


def remind_for_org(uow: UnitOfWork, today: date) -> int:
    sent = 0
    with uow:
        due = ContributionRepository(uow.session).due_between(
            UNPAID, until=today + timedelta(days=max(n.REMINDER_DAYS)), since=today + timedelta(days=1))
        plans = PlanRepository(uow.session).by_ids({c.plan_id for c in due})
        groups, members = _loader(uow, GroupRepository), _loader(uow, MemberRepository)
        for c in due:
            label = n.reminder_due((c.due_date - today).days)
            if label is None:
                continue
            variables = {"due_date": c.due_date.isoformat(), "amount_due": str(c.amount_due),
                         "reminder": label}
            sent += len(notify(uow, groups(c.group_id), [members(c.member_id)],
                               Message(n.PAYMENT_REMINDER, CONTRIBUTION, c.id, label, variables,
                                       plans[c.plan_id])))
        uow.commit()
    return sent


def run_all(platform: Platform, today: date) -> dict[str, int]:
    counts = mark_late_everywhere(platform, today)
    counts["reminders"] = remind_everywhere(platform, today)
    log.info("coop jobs done", extra={"today": today.isoformat(), **counts})
    return counts
