"""Leads, funnel, outcomes and time spent in each status, read from dossiers and their status history."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Select, case, func, null, select, tuple_

from atlas_crm.adapters.orm import Appointment, Dossier, ListingProjection, StatusHistory
from atlas_crm.adapters.reporting.scope import Queries
from atlas_crm.domain import kpis


class PipelineQueries(Queries):
    def leads(self, period: str) -> list[tuple[str, str, int]]:
        """(period start, source, dossiers created)."""
        bucket = self.period(Dossier.created_at, period).label("bucket")
        stmt = self.dossier_filters(select(bucket, Dossier.source, func.count())
                                    .where(self.during(Dossier.created_at))).group_by(bucket, Dossier.source)
        return [(str(b), s, n) for b, s, n in self.session.execute(stmt)]

    def cohort_facts(self) -> list[dict[str, Any]]:
        """One row per dossier created in the range: assignee, seconds from its creation to its first
        answer (None: never answered), how far it went along kpis.CHAIN per its status history or a
        booked visit (0: not past created), and whether it was ever lost — its milestones
        (adapters/milestones.py), read from the dossier rows. PostgreSQL computes the seconds itself
        (no timestamps to convert per lead); SQLite returns both timestamps."""
        rows = self.session.execute(self._cohort(answers=True))
        if self.postgres:
            return [{"assignedTo": a, "responseSeconds": None if s is None else float(s),
                     "lost": bool(lost), "furthest": _furthest(top, booked)}
                    for a, s, top, booked, lost in rows]
        return [{"assignedTo": a, "responseSeconds": kpis.seconds_between(c, f), "lost": bool(lost),
                 "furthest": _furthest(top, booked)} for a, c, f, top, booked, lost in rows]

    def cohort_outline(self) -> tuple[list[int], int]:
        """How far each dossier of the cohort went (``furthest`` of ``cohort_facts``) and how many were
        ever lost, grouped by the database: the funnel needs no row per dossier (a big agency's month
        is thousands of rows, each converted and turned into a dict in Python)."""
        facts = self._cohort(answers=False).subquery()
        groups = (facts.c.top, facts.c.booked, facts.c.lost)
        tops: list[int] = []
        lost = 0
        counted = select(*groups, func.count()).group_by(*groups)
        for top, booked, was_lost, count in self.session.execute(counted):
            tops += [_furthest(top, booked)] * count
            lost += count if was_lost else 0
        return tops, lost

    def responses(self) -> tuple[int, int, dict[str, Any]]:
        """(leads of the cohort, answered, the answers' durations as ``kpis.durations``): aggregated
        by PostgreSQL, from each lead's facts elsewhere."""
        if not self.postgres:
            facts = self.cohort_facts()
            answered = [f["responseSeconds"] for f in facts if f["responseSeconds"] is not None]
            return len(facts), len(answered), kpis.durations(answered)
        seconds = self._cohort(answers=True).subquery().c.response_seconds
        leads, answered, avg, median = self.session.execute(select(
            func.count(), func.count(seconds), func.avg(seconds),
            func.percentile_cont(0.5).within_group(seconds))).one()
        return leads, answered, kpis.duration_summary(answered, avg, median)

    def agent_outline(self) -> list[tuple[Any, ...]] | None:
        """PostgreSQL: per assignee of the cohort, (agent, assigned, contacted, won, lost, answered,
        response durations as ``kpis.durations``), grouped by the database — the same facts as
        ``cohort_facts``, a row per agent instead of one per lead. None elsewhere."""
        if not self.postgres:
            return None
        lead = self._cohort(answers=True).subquery()
        furthest = func.greatest(lead.c.top, case((lead.c.booked, kpis.APPOINTMENT_STAGE), else_=0))
        seconds = lead.c.response_seconds
        stmt = select(lead.c.assigned_to, func.count(),
                      func.count().filter((furthest >= 1) | seconds.is_not(None)),
                      func.count().filter(furthest == len(kpis.CHAIN)), func.count().filter(lead.c.lost),
                      func.count(seconds), func.avg(seconds),
                      func.percentile_cont(0.5).within_group(seconds)).group_by(lead.c.assigned_to)
        return [(*counts, answered, kpis.duration_summary(answered, avg, median))
                for *counts, answered, avg, median in self.session.execute(stmt)]

    def _cohort(self, answers: bool) -> Select[Any]:
        if not answers:
            answer: tuple[Any, ...] = (null().label("response_seconds"),)
        elif self.postgres:
            answer = (func.date_part("epoch", Dossier.first_answered_at - Dossier.created_at)
                      .label("response_seconds"),)  # double precision (EXTRACT: numeric, slower)
        else:
            answer = (Dossier.created_at, Dossier.first_answered_at)
        columns = (Dossier.assigned_to, *answer, Dossier.furthest_stage.label("top"),
                   Dossier.visit_booked.label("booked"), Dossier.ever_lost.label("lost"))
        return self.dossier_filters(select(*columns).where(self.during(Dossier.created_at)))

    def status_entries(self) -> list[tuple[str, int]]:
        """(status, dossiers that entered it during the range): the flow through each status."""
        moves = select(StatusHistory.to_status, func.count(func.distinct(StatusHistory.dossier_id))).where(
            self.during(StatusHistory.occurred_at), StatusHistory.from_status.is_not(None))
        stmt = self.narrow(moves, StatusHistory.dossier_id)
        stmt = stmt.group_by(StatusHistory.to_status).order_by(StatusHistory.to_status)
        return [(s, n) for s, n in self.session.execute(stmt)]

    @staticmethod
    def _outcome_columns() -> list[Any]:
        """Leads, of which won (the furthest milestone is the chain's last) and ever lost."""
        won = Dossier.furthest_stage == len(kpis.CHAIN)
        return [func.count().label("leads"), func.sum(case((won, 1), else_=0)).label("won"),
                func.sum(case((Dossier.ever_lost, 1), else_=0)).label("lost")]

    def outcomes_by_source(self) -> list[tuple[str, int, int, int]]:
        """(source, leads created in the range, of which reached won, reached lost)."""
        stmt = self.dossier_filters(select(Dossier.source, *self._outcome_columns())
                                    .where(self.during(Dossier.created_at)))
        stmt = stmt.group_by(Dossier.source).order_by(func.count().desc(), Dossier.source)
        return [(s, n, int(w or 0), int(lo or 0)) for s, n, w, lo in self.session.execute(stmt)]

    def outcomes_by_listing(self, limit: int) -> list[dict[str, Any]]:
        """Per listing (most leads first): leads, won, lost, visits booked in the range, listing facts."""
        stmt = self.dossier_filters(select(Dossier.annonce_id, *self._outcome_columns()).where(
            self.during(Dossier.created_at), Dossier.annonce_id.is_not(None)))
        stmt = stmt.group_by(Dossier.annonce_id).order_by(func.count().desc(), Dossier.annonce_id)
        stmt = stmt.limit(limit)
        rows = [{"listingId": a, "leads": n, "won": int(w or 0), "lost": int(lo or 0)}
                for a, n, w, lo in self.session.execute(stmt)]
        ids = [r["listingId"] for r in rows]
        visits, listings = self._visits(ids), self._listings(ids)
        return [{**r, "visits": visits.get(r["listingId"], 0), **listings.get(r["listingId"], {})}
                for r in rows]

    def _visits(self, ids: list[uuid.UUID]) -> dict[uuid.UUID, int]:
        listing = func.coalesce(Appointment.annonce_id, Dossier.annonce_id)
        stmt = (select(listing, func.count()).join(Dossier, Dossier.id == Appointment.dossier_id)
                .where(listing.in_(ids), self.during(Appointment.starts_at),
                       Appointment.status != kpis.APPOINTMENT_CANCELLED))
        return dict(self.session.execute(self.dossier_filters(stmt).group_by(listing)).all()) if ids else {}

    def _listings(self, ids: list[uuid.UUID]) -> dict[uuid.UUID, dict[str, Any]]:
        if not ids:
            return {}
        rows = self.session.scalars(select(ListingProjection).where(ListingProjection.id.in_(ids)))
        return {p.id: {"title": p.title, "status": p.status, "city": p.city, "zone": p.zone} for p in rows}

    def stays(self) -> list[tuple[str, datetime, datetime]]:
        """(status, entered, left) of every stay in a status that ended during the range: each move in
        the range closes the stay begun by the dossier's previous move (or its creation)."""
        return [(s, e, left) for s, e, left in self.session.execute(self._stays()) if e is not None]

    def stay_durations(self) -> dict[str, dict[str, Any]] | None:
        """PostgreSQL: per status, count, average and median seconds of the stays ``stays`` lists,
        aggregated by the database — a big agency's month is ~14,000 stays, each row otherwise
        fetched, converted and subtracted in Python (half of the report's CPU). None elsewhere."""
        if not self.postgres:
            return None
        stays = self._stays().subquery()
        # A clock gone backwards counts for none. date_part, not EXTRACT: double precision, where
        # EXTRACT answers numeric, whose arithmetic took half of the aggregate's time.
        seconds = case((stays.c.left_at >= stays.c.entered_at,
                        func.date_part("epoch", stays.c.left_at - stays.c.entered_at))).label("seconds")
        per_stay = select(stays.c.status, seconds).where(stays.c.entered_at.is_not(None)).subquery()
        stmt = (select(per_stay.c.status, func.count(per_stay.c.seconds), func.avg(per_stay.c.seconds),
                       func.percentile_cont(0.5).within_group(per_stay.c.seconds))
                .group_by(per_stay.c.status))
        return {status: kpis.duration_summary(n, avg, median)
                for status, n, avg, median in self.session.execute(stmt)}

    def _stays(self) -> Any:
        """Each move in the range ends the stay in its ``from_status``, begun when the dossier entered
        it (``from_entered_at``, written with the move: no lookup per move)."""
        moves = select(StatusHistory.from_status.label("status"),
                       StatusHistory.from_entered_at.label("entered_at"),
                       StatusHistory.occurred_at.label("left_at")).where(
            self.during(StatusHistory.occurred_at), StatusHistory.from_status.is_not(None))
        return self.narrow(moves, StatusHistory.dossier_id)

    def closures(self) -> list[tuple[str, datetime, datetime]]:
        """(won or lost status, dossier created, closed) of every closing during the range."""
        return [(s, c, o) for s, c, o in self.session.execute(self._closures())]

    def close_durations(self) -> dict[str, dict[str, Any]] | None:
        """PostgreSQL: count, average and median seconds from creation to closing of the closings
        ``closures`` lists, for won, lost and all (grouping sets) — ~1,400 rows a month otherwise
        fetched and subtracted in Python. None elsewhere."""
        if not self.postgres:
            return None
        closings = self._closures().subquery()
        outcome = case((closings.c.to_status.in_(kpis.WON), "won"), else_="lost").label("outcome")
        seconds = case((closings.c.closed_at >= closings.c.created_at,
                        func.date_part("epoch", closings.c.closed_at - closings.c.created_at)))
        each = select(outcome, seconds.label("seconds")).subquery()
        stmt = (select(each.c.outcome, func.count(each.c.seconds), func.avg(each.c.seconds),
                       func.percentile_cont(0.5).within_group(each.c.seconds))
                .group_by(func.grouping_sets(tuple_(each.c.outcome), tuple_())))
        found = {outcome or "all": kpis.duration_summary(n, avg, median)
                 for outcome, n, avg, median in self.session.execute(stmt)}
        return {key: found.get(key, kpis.duration_summary(0, None, None)) for key in ("won", "lost", "all")}

    def _closures(self) -> Select[Any]:
        # The creation date by a primary-key probe per closing: joining made PostgreSQL hash every
        # dossier of the agency (30,000) for the ~1,400 closings of a month.
        created = (select(Dossier.created_at).where(Dossier.id == StatusHistory.dossier_id)
                   .correlate(StatusHistory).scalar_subquery())
        stmt = select(StatusHistory.to_status, created.label("created_at"),
                      StatusHistory.occurred_at.label("closed_at")).where(
            self.during(StatusHistory.occurred_at), StatusHistory.to_status.in_(kpis.WON + kpis.LOST))
        return self.narrow(stmt, StatusHistory.dossier_id)


def _furthest(top: int | None, booked: bool) -> int:
    """How far along kpis.CHAIN a dossier went: its status history, or a booked appointment."""
    return max(top or 0, kpis.APPOINTMENT_STAGE if booked else 0)
