"""Coop persistence. Tenant scoping comes from the session (atlas_shared.db.tenancy)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import func, select

from atlas_coop.adapters.orm import Activity, CoopDocument, CoopGroup, Member, Notification, WorkflowVersion
from atlas_coop.domain.codes import MEMBER_GONE
from atlas_shared.db.repository import Page, Repository, apply_sort


class GroupRepository(Repository[CoopGroup]):
    model, label, not_found_code = CoopGroup, "Group", "COOP_GROUP_NOT_FOUND"

    def search(self, filters: dict[str, Any],
               group_ids: Sequence[uuid.UUID] | None = None) -> Page[CoopGroup]:
        stmt = self.select()
        if filters.get("status"):
            stmt = stmt.where(CoopGroup.status == filters["status"])
        if filters.get("city"):
            stmt = stmt.where(func.lower(CoopGroup.city) == filters["city"].strip().lower())
        if group_ids is not None:
            stmt = stmt.where(CoopGroup.id.in_(group_ids))
        stmt = apply_sort(stmt, filters.get("sort"), {"createdAt": CoopGroup.created_at,
                                                       "name": CoopGroup.name}, "-createdAt", CoopGroup.id)
        return self.page(stmt, filters.get("page", 1), filters.get("size", 20))


class MemberRepository(Repository[Member]):
    model, label, not_found_code = Member, "Member", "COOP_MEMBER_NOT_FOUND"

    def of_group(self, group_id: uuid.UUID, statuses: Iterable[str] | None = None) -> Sequence[Member]:
        stmt = self.select().where(Member.group_id == group_id)
        if statuses is not None:
            stmt = stmt.where(Member.status.in_(list(statuses)))
        return self.session.scalars(stmt.order_by(Member.fifo_rank, Member.id)).all()

    def current(self, group_id: uuid.UUID) -> Sequence[Member]:
        """Members who have not left (exited or excluded): those who owe, and are told."""
        stmt = self.select().where(Member.group_id == group_id, Member.status.not_in(MEMBER_GONE))
        return self.session.scalars(stmt.order_by(Member.fifo_rank, Member.id)).all()

    def search(self, group_id: uuid.UUID, filters: dict[str, Any], user_id: str | None) -> Page[Member]:
        stmt = self.select().where(Member.group_id == group_id)
        if filters.get("memberStatus"):
            stmt = stmt.where(Member.status == filters["memberStatus"])
        if user_id is not None:
            stmt = stmt.where(Member.user_id == user_id)
        sortable = {"fifoRank": Member.fifo_rank, "createdAt": Member.created_at,
                    "displayName": Member.display_name}
        stmt = apply_sort(stmt, filters.get("sort"), sortable, "fifoRank", Member.id)
        return self.page(stmt, filters.get("page", 1), filters.get("size", 20))

    def ranks(self, group_id: uuid.UUID) -> dict[str, int]:
        rows = self.session.execute(select(Member.id, Member.fifo_rank).where(
            Member.group_id == group_id, Member.fifo_rank.is_not(None))).all()
        return {str(member_id): rank for member_id, rank in rows}

    def of_user(self, user_id: str, group_id: uuid.UUID | None = None) -> Sequence[Member]:
        stmt = self.select().where(Member.user_id == user_id)
        if group_id is not None:
            stmt = stmt.where(Member.group_id == group_id)
        return self.session.scalars(stmt).all()


class DocumentRepository(Repository[CoopDocument]):
    model, label, not_found_code = CoopDocument, "Document", "COOP_DOCUMENT_NOT_FOUND"

    def of_entity(self, entity_type: str, entity_id: uuid.UUID,
                  doc_type: str | None = None) -> Sequence[CoopDocument]:
        stmt = self.select().where(CoopDocument.entity_type == entity_type,
                                   CoopDocument.entity_id == entity_id)
        if doc_type is not None:
            stmt = stmt.where(CoopDocument.type == doc_type)
        return self.session.scalars(stmt.order_by(CoopDocument.created_at, CoopDocument.id)).all()


class ActivityRepository(Repository[Activity]):
    model, label = Activity, "Activity"

    def timeline(self, group_id: uuid.UUID, filters: dict[str, Any]) -> Page[Activity]:
        stmt = self.select().where(Activity.group_id == group_id)
        if filters.get("type"):
            stmt = stmt.where(Activity.type == filters["type"])
        if filters.get("entityType"):
            stmt = stmt.where(Activity.entity_type == filters["entityType"])
        if filters.get("entityId"):
            stmt = stmt.where(Activity.entity_id == filters["entityId"])
        stmt = stmt.order_by(Activity.created_at.desc(), Activity.id.desc())
        return self.page(stmt, filters.get("page", 1), filters.get("size", 20))


class NotificationRepository(Repository[Notification]):
    model, label = Notification, "Notification"

    def existing_keys(self, keys: Sequence[str]) -> set[str]:
        found: set[str] = set()
        for start in range(0, len(keys), 500):
            found.update(self.session.scalars(select(Notification.notification_key).where(
                Notification.notification_key.in_(keys[start:start + 500]))))
        return found

    def of_group(self, group_id: uuid.UUID, filters: dict[str, Any]) -> Page[Notification]:
        stmt = self.select().where(Notification.group_id == group_id)
        for key, column in (("templateCode", Notification.template_code), ("status", Notification.status),
                            ("memberId", Notification.member_id), ("entityId", Notification.entity_id)):
            if filters.get(key):
                stmt = stmt.where(column == filters[key])
        stmt = stmt.order_by(Notification.created_at.desc(), Notification.id)
        return self.page(stmt, filters.get("page", 1), filters.get("size", 20))


class WorkflowVersionRepository(Repository[WorkflowVersion]):
    model, label = WorkflowVersion, "Workflow version"

    def latest_usable(self, case_type: str) -> WorkflowVersion | None:
        """The newest version without problems (its definition None means: back to the default)."""
        rows = self.session.scalars(self.select().where(WorkflowVersion.case_type == case_type)
                                    .order_by(WorkflowVersion.version.desc())).all()
        return next((row for row in rows if not row.problems), None)

    def has(self, case_type: str, version: int) -> bool:
        return self.session.scalar(select(WorkflowVersion.id).where(
            WorkflowVersion.case_type == case_type, WorkflowVersion.version == version)) is not None
