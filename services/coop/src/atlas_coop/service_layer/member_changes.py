"""Changing a member: contact and preferences (the member or a manager), consent, dispute flag, FIFO
rank (manager, justified, swap or shift) and status (workflow COOP_MEMBER)."""

from __future__ import annotations

from typing import Any

from atlas_coop.adapters.orm import Member
from atlas_coop.adapters.repositories import GroupRepository, MemberRepository
from atlas_coop.domain import notifications as n
from atlas_coop.domain import ranks
from atlas_coop.domain.codes import ACT_SYSTEM, MEMBER, MEMBER_EXCLUDED, MEMBER_GONE
from atlas_coop.service_layer import access, timeline
from atlas_coop.service_layer.allocation_release import release_member
from atlas_coop.service_layer.consent import phone_changed, record_consent
from atlas_coop.service_layer.guards import member_guards
from atlas_coop.service_layer.members import lot_preferences, normalised_phone
from atlas_coop.service_layer.notify import Message, notify
from atlas_coop.service_layer.transitions import move
from atlas_coop.service_layer.views import member_view
from atlas_coop.service_layer.workflow_store import definition
from atlas_shared.db.types import utcnow
from atlas_shared.db.uow import UnitOfWork
from atlas_shared.errors import Conflict, Forbidden, ValidationFailed

SELF_SERVICE = {"phone", "email", "lotPreferences", "whatsappConsent"}


def update_member(uow: UnitOfWork, member_id: Any, data: dict[str, Any]) -> dict[str, Any]:
    access.require_reader(uow, "change members")
    with uow:
        member = MemberRepository(uow.session).get(member_id, for_update=True)
        access.ensure_member_access(uow, member)
        if not access.is_manager(uow) and not (access.member_only(uow) and set(data) <= SELF_SERVICE):
            raise Forbidden(f"A member may change only their own {', '.join(sorted(SELF_SERVICE))}.")
        before = member_view(member)
        _contact(uow, member, data)
        if "whatsappConsent" in data:
            record_consent(uow, member, data["whatsappConsent"]["status"],
                           data["whatsappConsent"].get("proof"))
        if "inDispute" in data and data["inDispute"] != member.in_dispute:
            _dispute(uow, member, data)
        if data.get("fifoRank") is not None and data["fifoRank"] != member.fifo_rank:
            _rank(uow, member, data)
        if data.get("status") and data["status"] != member.status:
            _status(uow, member, data, before)
        elif member_view(member) != before:
            _touch(member)
            uow.audit("UPDATE", MEMBER, member.id, before=before, after=member_view(member))
        uow.commit()
        return member_view(member)


def _touch(member: Member) -> None:
    member.version += 1
    member.updated_at = utcnow()


def _contact(uow: UnitOfWork, member: Member, data: dict[str, Any]) -> None:
    for key, column in (("displayName", "display_name"), ("email", "email"), ("userId", "user_id")):
        if key in data:
            setattr(member, column, data[key])
    if "lotPreferences" in data:
        member.lot_preferences = lot_preferences(data["lotPreferences"])
    if "phone" in data and normalised_phone(data["phone"]) != member.phone:
        member.phone, member.phone_raw = normalised_phone(data["phone"]), data["phone"]
        if "whatsappConsent" not in data:
            phone_changed(uow, member)


def _dispute(uow: UnitOfWork, member: Member, data: dict[str, Any]) -> None:
    if not data.get("comment"):
        raise ValidationFailed(details={"comment": ["Say why the dispute is opened or closed."]})
    member.in_dispute = data["inDispute"]
    action = "COOP_MEMBER_DISPUTE_OPENED" if member.in_dispute else "COOP_MEMBER_DISPUTE_CLOSED"
    uow.audit(action, MEMBER, member.id, before={"inDispute": not member.in_dispute},
              after={"inDispute": member.in_dispute}, extra={"comment": data["comment"]})
    timeline.record(uow, member.group_id, (MEMBER, member.id), ACT_SYSTEM,
                    f"Litige {'ouvert' if member.in_dispute else 'clos'} pour {member.display_name} : "
                    f"{data['comment']}", {"inDispute": member.in_dispute})


def _rank(uow: UnitOfWork, member: Member, data: dict[str, Any]) -> None:
    errors = {}
    if not (data.get("justification") or "").strip():
        errors["justification"] = ["A FIFO rank changes only with a justification (it is audited)."]
    if data.get("rankChange") not in ranks.MODES:
        errors["rankChange"] = [f"Say how the other ranks move: {' or '.join(ranks.MODES)}."]
    if errors:
        raise ValidationFailed("The rank change is incomplete.", errors)
    if member.fifo_rank is None or member.status in MEMBER_GONE:
        raise Conflict("A member who has left holds no FIFO rank.", {"status": member.status})
    members = MemberRepository(uow.session)
    current = members.ranks(member.group_id)
    changes = ranks.move(current, str(member.id), data["fifoRank"], data["rankChange"])
    moved = {m.id: m for m in members.of_group(member.group_id) if str(m.id) in changes}
    for other in moved.values():  # two steps: no transient duplicate for the unique constraint
        other.fifo_rank = -other.fifo_rank
    uow.session.flush()
    for other in moved.values():
        other.fifo_rank = changes[str(other.id)]
        _touch(other)
    diff = {mid: [current[mid], new] for mid, new in changes.items()}
    uow.audit("COOP_MEMBER_RANK_CHANGED", MEMBER, member.id, before={"fifoRank": current[str(member.id)]},
              after={"fifoRank": data["fifoRank"]},
              extra={"justification": data["justification"], "mode": data["rankChange"], "changes": diff})
    timeline.record(uow, member.group_id, (MEMBER, member.id), ACT_SYSTEM,
                    f"Rang FIFO de {member.display_name} : {current[str(member.id)]} → {data['fifoRank']} "
                    f"({data['rankChange']}) — {data['justification']}", {"changes": diff})


def _status(uow: UnitOfWork, member: Member, data: dict[str, Any], before: dict[str, Any]) -> None:
    payload = {k: data[k] for k in ("documentId", "comment") if data.get(k) is not None}
    change_member_status(uow, member, data["status"], payload, before)


def change_member_status(uow: UnitOfWork, member: Member, wanted: str, payload: dict[str, Any],
                         before: dict[str, Any], roles: Any = None) -> None:
    move(uow, member, definition(uow, "COOP_MEMBER"), wanted, payload, member_guards(uow, member),
         label=f"Membre {member.display_name}", entity_ref=(MEMBER, member.id), group_id=member.group_id,
         roles=roles)
    action = "COOP_MEMBER_EXCLUDED" if member.status == MEMBER_EXCLUDED else "COOP_MEMBER_STATUS_CHANGED"
    uow.audit(action, MEMBER, member.id, before=before, after=member_view(member), extra=payload)
    if member.status in MEMBER_GONE:
        release_member(uow, member, f"Le membre a quitté le groupement ({member.status}).")
    group = GroupRepository(uow.session).get(member.group_id)
    notify(uow, group, [member], Message(n.STATUS_CHANGE, MEMBER, member.id, f"status:{member.version}",
                                         {"subject": "votre adhésion", "status": member.status}))
