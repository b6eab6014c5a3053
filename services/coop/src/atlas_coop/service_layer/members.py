"""Member use cases: join a group (FIFO rank in joining order, or a replacement's rank), read, list."""

from __future__ import annotations

from typing import Any

from atlas_coop.adapters.ledger_repositories import ContributionRepository
from atlas_coop.adapters.orm import CoopGroup, Member
from atlas_coop.adapters.repositories import GroupRepository, MemberRepository
from atlas_coop.domain.codes import ACT_SYSTEM, MEMBER, MEMBER_GONE, MEMBER_PENDING_KYC
from atlas_coop.domain.ranks import next_rank
from atlas_coop.service_layer import access, clock, instalments, timeline, workflow_store
from atlas_coop.service_layer.consent import record_consent
from atlas_coop.service_layer.guards import decision_document
from atlas_coop.service_layer.views import member_view
from atlas_shared.db.repository import Page
from atlas_shared.db.uow import UnitOfWork
from atlas_shared.errors import Conflict, ValidationFailed
from atlas_shared.phones import InvalidPhone, to_e164


def normalised_phone(raw: str | None) -> str | None:
    if not raw:
        return None
    try:
        return to_e164(raw)
    except InvalidPhone as exc:
        raise ValidationFailed(details={"phone": [str(exc)]}) from None


def add_member(uow: UnitOfWork, group_id: Any, data: dict[str, Any]) -> dict[str, Any]:
    access.require_manager(uow, "add members")
    with uow:
        group = GroupRepository(uow.session).get(group_id, for_update=True)  # serialises rank assignment
        if workflow_store.definition(uow, "COOP_GROUP").is_terminal(group.status):
            raise Conflict(f"The group is {group.status}: it takes no new members.", {"status": group.status})
        rank = _rank_for(uow, group, data)
        member = Member(group_id=group.id, display_name=data["displayName"].strip(),
                        phone=normalised_phone(data.get("phone")), phone_raw=data.get("phone"),
                        email=data.get("email"), status=MEMBER_PENDING_KYC, fifo_rank=rank,
                        user_id=data.get("userId"), in_dispute=False, joined_on=clock.today(),
                        lot_preferences=lot_preferences(data.get("lotPreferences")), consent_version=0,
                        replaces_member_id=data.get("replacesMemberId"), version=1)
        MemberRepository(uow.session).add(member)
        uow.audit("CREATE", MEMBER, member.id, after=member_view(member), parent=("COOP_GROUP", group.id))
        timeline.record(uow, group.id, (MEMBER, member.id), ACT_SYSTEM,
                        f"{member.display_name} rejoint le groupement au rang FIFO {rank}",
                        {"fifoRank": rank})
        if data.get("whatsappConsent"):
            record_consent(uow, member, data["whatsappConsent"]["status"],
                           data["whatsappConsent"].get("proof"))
        if ContributionRepository(uow.session).members_with_instalments(group.id):  # funding has opened
            instalments.bill_new_member(uow, group, member, clock.today())
        uow.commit()
        return member_view(member)


def _rank_for(uow: UnitOfWork, group: CoopGroup, data: dict[str, Any]) -> int:
    members = MemberRepository(uow.session)
    if not data.get("replacesMemberId"):
        return next_rank(members.ranks(group.id))
    replaced = members.get(data["replacesMemberId"], for_update=True)
    if replaced.group_id != group.id or replaced.status not in MEMBER_GONE or replaced.fifo_rank is None:
        raise Conflict("Only a member of this group who has exited or been excluded, and not yet replaced, "
                       "can be replaced.", {"replacesMemberId": [str(replaced.id)],
                                            "status": replaced.status})
    if decision_document(uow, group.id, data.get("documentId")) is None:
        raise ValidationFailed("Replacing a member is decided in minutes: give the group's PV as documentId.",
                               {"documentId": ["Required: a DOC_PV document of this group."]})
    rank, replaced.fifo_rank = replaced.fifo_rank, None
    uow.session.flush()  # release the rank before the newcomer takes it (unique per group)
    uow.audit("COOP_MEMBER_REPLACED", MEMBER, replaced.id, before={"fifoRank": rank},
              after={"fifoRank": None},
              extra={"documentId": data["documentId"], "replacedBy": data["displayName"]})
    return rank


def lot_preferences(codes: list[str] | None) -> list[str]:
    return list(dict.fromkeys(code.strip() for code in codes or [] if code.strip()))


def get_member(uow: UnitOfWork, member_id: Any) -> dict[str, Any]:
    access.require_reader(uow, "read members")
    with uow:
        member = MemberRepository(uow.session).get(member_id)
        access.ensure_member_access(uow, member)
        return member_view(member)


def list_members(uow: UnitOfWork, group_id: Any, filters: dict[str, Any]) -> Page[dict[str, Any]]:
    access.require_reader(uow, "read members")
    with uow:
        group = GroupRepository(uow.session).get(group_id)
        access.ensure_group_access(uow, group)
        own = uow.ctx.user_id if access.member_only(uow) else None
        return MemberRepository(uow.session).search(group.id, filters, own).map(member_view)
