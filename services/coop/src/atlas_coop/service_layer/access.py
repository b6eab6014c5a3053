"""Who may do what in the coop module (domain.md section 2, brief section 9).

COOP_MANAGER and ADMIN_ORG manage; AUDITOR reads everything; COOP_MEMBER reads only their own
member record, schedule, ledger, documents and allocation (member.userId = token sub) and declares
their own payments; every other role is refused (403). Out-of-tenant ids are 404 (the session).
"""

from __future__ import annotations

import uuid

from atlas_coop.adapters.orm import CoopGroup, Member
from atlas_coop.adapters.repositories import MemberRepository
from atlas_coop.domain.codes import COOP_MEMBER, MANAGERS, READERS
from atlas_shared.db.uow import UnitOfWork
from atlas_shared.errors import Forbidden
from atlas_shared.web.auth import require_role


def require_manager(uow: UnitOfWork, action: str) -> None:
    require_role(uow.ctx, MANAGERS, action=action)


def require_staff(uow: UnitOfWork, action: str) -> None:
    require_role(uow.ctx, READERS, action=action)


def require_reader(uow: UnitOfWork, action: str) -> None:
    require_role(uow.ctx, (*READERS, COOP_MEMBER), action=action)


def is_manager(uow: UnitOfWork) -> bool:
    return uow.ctx.has_any_role(*MANAGERS)


def member_only(uow: UnitOfWork) -> bool:
    """A member of a co-operative, without any staff role: sees their own records only."""
    return not uow.ctx.has_any_role(*READERS) and uow.ctx.has_any_role(COOP_MEMBER)


def own_member_ids(uow: UnitOfWork, group_id: uuid.UUID | None = None) -> list[uuid.UUID]:
    return [m.id for m in MemberRepository(uow.session).of_user(uow.ctx.user_id, group_id)]


def ensure_member_access(uow: UnitOfWork, member: Member) -> None:
    if member_only(uow) and member.user_id != uow.ctx.user_id:
        raise Forbidden("A member may only see and act on their own records.")


def ensure_group_access(uow: UnitOfWork, group: CoopGroup) -> None:
    if member_only(uow) and not own_member_ids(uow, group.id):
        raise Forbidden("You are not a member of this group.")
