"""First responses, agents, appointments, message volumes and the open dossiers waiting for someone."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import case, func, or_, select

from atlas_crm.adapters.orm import Activity, Appointment, Dossier, Message
from atlas_crm.adapters.reporting.scope import Queries

TASK = "ACT_TASK"


class ActivityQueries(Queries):
    def appointments(self, now: datetime) -> list[tuple[str, bool, int]]:
        """(status, whether its start is past, appointments) for appointments starting in the range;
        an agent's scope is the appointments assigned to them."""
        due = (Appointment.starts_at < now).label("due")
        stmt = select(Appointment.status, due, func.count()).where(self.during(Appointment.starts_at))
        if self.scope.case_type is not None or self.scope.source is not None:
            stmt = self.dossier_filters(stmt.join(Dossier, Dossier.id == Appointment.dossier_id),
                                        assignee=False)
        if self.scope.assigned_to is not None:
            stmt = stmt.where(Appointment.assigned_to == self.scope.assigned_to)
        return [(s, bool(d), n) for s, d, n in self.session.execute(stmt.group_by(Appointment.status, due))]

    def _messages(self) -> Any:
        base = select(Message.direction).where(self.during(Message.occurred_at), Message.deleted_at.is_(None))
        return self.narrow(base, Message.dossier_id)

    def message_volumes(self) -> list[tuple[str, str, int]]:
        """(direction, channel, messages) that occurred in the range."""
        stmt = self._messages().add_columns(Message.channel, func.count()).group_by(Message.direction,
                                                                                     Message.channel)
        return [(d, c, n) for d, c, n in self.session.execute(stmt)]

    def message_spread(self) -> dict[str, int]:
        """{direction: dossiers that had such messages in the range}."""
        stmt = self._messages().add_columns(func.count(func.distinct(Message.dossier_id))).group_by(
            Message.direction)
        return {d: n for d, n in self.session.execute(stmt)}

    def _waiting(self, now: datetime, stale_before: datetime) -> Any:
        """Open dossiers of the scope with their three flags: never answered (no first answer among
        its milestones), idle since ``stale_before``, an overdue task. ``id IN (open overdue tasks)``:
        PostgreSQL hashes the org's overdue tasks once and probes it per dossier (a join let it pick a
        nested loop comparing every open dossier with every overdue task)."""
        overdue = select(Activity.dossier_id).where(Activity.type == TASK, Activity.done.is_(False),
                                                    Activity.due_at < now)
        flags = self.dossier_filters(
            select(Dossier.id, Dossier.last_activity_at,
                   Dossier.first_answered_at.is_(None).label("unanswered"),
                   (Dossier.last_activity_at < stale_before).label("stale"),
                   Dossier.id.in_(overdue).label("overdue"))
            .where(Dossier.closed_at.is_(None))).subquery()
        return flags, or_(flags.c.unanswered, flags.c.stale, flags.c.overdue)

    def to_handle_counts(self, now: datetime, stale_before: datetime) -> dict[str, int]:
        flags, waiting = self._waiting(now, stale_before)
        stmt = select(func.count(), *(func.sum(case((column, 1), else_=0))
                                      for column in (flags.c.unanswered, flags.c.stale, flags.c.overdue)))
        return _waiting_counts(*self.session.execute(stmt.where(waiting)).one())

    def to_handle(self, now: datetime, stale_before: datetime, page: int,
                  size: int) -> tuple[dict[str, int], list[tuple[Any, ...]]]:
        """Open dossiers never answered, idle since ``stale_before`` or with an overdue task: the counts
        (as ``to_handle_counts``) and one page, the ones waiting longest first, as (dossier,
        unanswered, stale, overdue). The counts ride on the page's rows as window aggregates: the
        waiting dossiers are found once, not once for the counts and again for the page."""
        flags, waiting = self._waiting(now, stale_before)
        counts = (func.count().over(), *(func.sum(case((column, 1), else_=0)).over()
                                         for column in (flags.c.unanswered, flags.c.stale, flags.c.overdue)))
        stmt = (select(flags.c.id, flags.c.unanswered, flags.c.stale, flags.c.overdue, *counts).where(waiting)
                .order_by(flags.c.last_activity_at, flags.c.id).limit(size).offset((page - 1) * size))
        found = self.session.execute(stmt).all()
        if found:
            summary = _waiting_counts(*found[0][4:])
        else:  # a page past the end carries no row to read the counts from
            summary = self.to_handle_counts(now, stale_before)
        ids = [row[0] for row in found]
        dossiers = {d.id: d for d in self.session.scalars(select(Dossier).where(Dossier.id.in_(ids)))}
        return summary, [(dossiers[row[0]], bool(row[1]), bool(row[2]), bool(row[3])) for row in found]


def _waiting_counts(total: int, unanswered: int | None, stale: int | None,
                    overdue: int | None) -> dict[str, int]:
    return {"total": total, "unanswered": int(unanswered or 0), "stale": int(stale or 0),
            "overdueTasks": int(overdue or 0)}
