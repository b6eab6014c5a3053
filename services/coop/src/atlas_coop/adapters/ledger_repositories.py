"""Plans, the ledger, projects, lots and allocations."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from sqlalchemy import Select, func, select

from atlas_coop.adapters.orm import Allocation, Contribution, ContributionPlan, Lot, Project
from atlas_coop.domain.codes import SETTLED
from atlas_shared.db.repository import Page, Repository


class PlanRepository(Repository[ContributionPlan]):
    model, label, not_found_code = ContributionPlan, "Contribution plan", "COOP_PLAN_NOT_FOUND"

    def of_group(self, group_id: uuid.UUID) -> Sequence[ContributionPlan]:
        return self.session.scalars(self.select().where(ContributionPlan.group_id == group_id)
                                    .order_by(ContributionPlan.version.desc())).all()

    def current(self, group_id: uuid.UUID) -> ContributionPlan | None:
        return self.session.scalars(self.select().where(ContributionPlan.group_id == group_id)
                                    .order_by(ContributionPlan.version.desc()).limit(1)).first()

    def by_ids(self, ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, ContributionPlan]:
        wanted = list(set(ids))
        if not wanted:
            return {}
        rows = self.session.scalars(self.select().where(ContributionPlan.id.in_(wanted)))
        return {row.id: row for row in rows}


class ContributionRepository(Repository[Contribution]):
    model, label, not_found_code = Contribution, "Contribution", "COOP_CONTRIBUTION_NOT_FOUND"

    def ledger(self, group_id: uuid.UUID, filters: dict[str, Any],
               member_ids: Sequence[uuid.UUID] | None = None) -> Select[Any]:
        stmt = self.select().where(Contribution.group_id == group_id)
        if filters.get("memberId"):
            stmt = stmt.where(Contribution.member_id == filters["memberId"])
        if member_ids is not None:
            stmt = stmt.where(Contribution.member_id.in_(member_ids))
        if filters.get("status"):
            stmt = stmt.where(Contribution.status == filters["status"])
        if filters.get("dueFrom"):
            stmt = stmt.where(Contribution.due_date >= filters["dueFrom"])
        if filters.get("dueTo"):
            stmt = stmt.where(Contribution.due_date <= filters["dueTo"])
        return stmt.order_by(Contribution.due_date, Contribution.member_id)

    def page_of(self, stmt: Select[Any], filters: dict[str, Any]) -> Page[Contribution]:
        return self.page(stmt, filters.get("page", 1), filters.get("size", 20))

    def all_of(self, stmt: Select[Any]) -> Sequence[Contribution]:
        return self.session.scalars(stmt).all()

    def of_member(self, member_id: uuid.UUID) -> Sequence[Contribution]:
        return self.session.scalars(self.select().where(Contribution.member_id == member_id)
                                    .order_by(Contribution.due_date)).all()

    def of_group(self, group_id: uuid.UUID, statuses: Iterable[str] | None = None,
                 due_after: date | None = None) -> Sequence[Contribution]:
        stmt = self.select().where(Contribution.group_id == group_id)
        if statuses is not None:
            stmt = stmt.where(Contribution.status.in_(list(statuses)))
        if due_after is not None:
            stmt = stmt.where(Contribution.due_date > due_after)
        return self.session.scalars(stmt.order_by(Contribution.member_id, Contribution.due_date)).all()

    def standing(self, group_id: uuid.UUID, cutoff: date, member_id: uuid.UUID | None = None,
                 ) -> dict[uuid.UUID, tuple[int, list[tuple[date, str]]]]:
        """Per member, for the instalments due by ``cutoff``: how many are settled (counted in SQL),
        and the others as (due date, status) — what allocation eligibility reads."""
        scope = [Contribution.group_id == group_id, Contribution.due_date <= cutoff]
        if member_id is not None:
            scope.append(Contribution.member_id == member_id)
        found: dict[uuid.UUID, tuple[int, list[tuple[date, str]]]] = {}
        settled = self.session.execute(select(Contribution.member_id, func.count()).where(
            *scope, Contribution.status.in_(SETTLED)).group_by(Contribution.member_id))
        for member, count in settled:
            found[member] = (count, [])
        others = self.session.execute(
            select(Contribution.member_id, Contribution.due_date, Contribution.status)
            .where(*scope, Contribution.status.not_in(SETTLED)))
        for member, due_date, status in others:
            found.setdefault(member, (0, []))[1].append((due_date, status))
        return found

    def members_with_instalments(self, group_id: uuid.UUID) -> set[uuid.UUID]:
        return set(self.session.scalars(select(Contribution.member_id).where(
            Contribution.group_id == group_id).distinct()))

    def due_between(self, statuses: Iterable[str], until: date, since: date | None = None,
                    for_update: bool = False) -> Sequence[Contribution]:
        stmt = self.select().where(Contribution.status.in_(list(statuses)), Contribution.due_date <= until)
        if since is not None:
            stmt = stmt.where(Contribution.due_date >= since)
        if for_update:
            stmt = stmt.with_for_update()
        return self.session.scalars(stmt.order_by(Contribution.due_date, Contribution.id)).all()

    def count_late(self, member_id: uuid.UUID) -> int:
        return self.session.scalar(select(func.count()).select_from(Contribution).where(
            Contribution.member_id == member_id, Contribution.status == "LATE")) or 0


class ProjectRepository(Repository[Project]):
    model, label, not_found_code = Project, "Project", "COOP_PROJECT_NOT_FOUND"

    def of_group(self, group_id: uuid.UUID) -> Sequence[Project]:
        return self.session.scalars(self.select().where(Project.group_id == group_id)
                                    .order_by(Project.created_at, Project.id)).all()


class LotRepository(Repository[Lot]):
    model, label, not_found_code = Lot, "Lot", "COOP_LOT_NOT_FOUND"

    def of_project(self, project_id: uuid.UUID, status: str | None = None) -> Sequence[Lot]:
        stmt = self.select().where(Lot.project_id == project_id)
        if status:
            stmt = stmt.where(Lot.status == status)
        return self.session.scalars(stmt.order_by(Lot.code, Lot.id)).all()

    def code_taken(self, project_id: uuid.UUID, code: str) -> bool:
        stmt = select(Lot.id).where(Lot.project_id == project_id, Lot.code == code)
        return self.session.scalar(stmt) is not None

    def count_for_group(self, group_id: uuid.UUID) -> int:
        return self.session.scalar(select(func.count()).select_from(Lot).where(Lot.group_id == group_id)) or 0


class AllocationRepository(Repository[Allocation]):
    model, label, not_found_code = Allocation, "Allocation", "COOP_ALLOCATION_NOT_FOUND"

    def of_project(self, project_id: uuid.UUID,
                   statuses: Iterable[str] | None = None) -> Sequence[Allocation]:
        stmt = self.select().where(Allocation.project_id == project_id)
        if statuses is not None:
            stmt = stmt.where(Allocation.status.in_(list(statuses)))
        return self.session.scalars(stmt.order_by(Allocation.fifo_rank, Allocation.id)).all()

    def search(self, group_id: uuid.UUID, filters: dict[str, Any],
               member_ids: Sequence[uuid.UUID] | None = None) -> Page[Allocation]:
        stmt = self.select().where(Allocation.group_id == group_id)
        for key, column in (("projectId", Allocation.project_id), ("status", Allocation.status),
                            ("memberId", Allocation.member_id)):
            if filters.get(key):
                stmt = stmt.where(column == filters[key])
        if member_ids is not None:
            stmt = stmt.where(Allocation.member_id.in_(member_ids))
        stmt = stmt.order_by(Allocation.created_at.desc(), Allocation.fifo_rank, Allocation.id)
        return self.page(stmt, filters.get("page", 1), filters.get("size", 20))

    def of_member(self, member_id: uuid.UUID, statuses: Iterable[str]) -> Sequence[Allocation]:
        stmt = self.select().where(Allocation.member_id == member_id, Allocation.status.in_(list(statuses)))
        return self.session.scalars(stmt).all()
