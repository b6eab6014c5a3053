"""Notifications to members through the outbound service: ``notification.requested`` on the outbox.

Each (org, template, entity, logical event, member) is decided once (``notificationKey``, unique in
the database): either requested from outbound, or recorded as not sent — no WhatsApp consent, or no
phone — so that nobody is silently skipped. Every decision is on the group's timeline (ACT_SYSTEM).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field

from atlas_coop.adapters.orm import ContributionPlan, CoopGroup, Member, Notification
from atlas_coop.adapters.repositories import NotificationRepository
from atlas_coop.domain import notifications as n
from atlas_coop.domain.codes import ACT_SYSTEM, GRANTED, MEMBER
from atlas_coop.service_layer import timeline
from atlas_shared.db.uow import UnitOfWork


@dataclass(frozen=True)
class Message:
    template: str
    entity_type: str
    entity_id: uuid.UUID
    logical_event: str
    variables: dict[str, str] = field(default_factory=dict)
    plan: ContributionPlan | None = None


def notify(uow: UnitOfWork, group: CoopGroup, members: Sequence[Member], message: Message,
           per_member: dict[uuid.UUID, dict[str, str]] | None = None) -> list[Notification]:
    """One message to several members (``per_member``: variables that differ from one to another)."""
    return notify_each(uow, group, [(m, message, (per_member or {}).get(m.id, {})) for m in members])


def notify_each(uow: UnitOfWork, group: CoopGroup,
                items: Sequence[tuple[Member, Message, dict[str, str]]]) -> list[Notification]:
    """Each (member, message, own variables) decided once; keys already decided are skipped."""
    org = str(group.org_id)
    keyed = [(n.notification_key(org, message.template, message.entity_type, str(message.entity_id),
                                 message.logical_event, str(member.id)), member, message, own)
             for member, message, own in items]
    done = NotificationRepository(uow.session).existing_keys([key for key, *_ in keyed])
    created = []
    for key, member, message, own in keyed:
        if key in done:
            continue
        variables = {"member_name": member.display_name, "group_name": group.name, **message.variables, **own}
        if message.plan is not None:
            variables |= {"plan_id": str(message.plan.id), "plan_version": str(message.plan.version)}
        created.append(_decide(uow, group, member, message, key, variables))
    return created


def _decide(uow: UnitOfWork, group: CoopGroup, member: Member, message: Message, key: str,
            variables: dict[str, str]) -> Notification:
    status = n.REQUESTED
    if member.consent_status != GRANTED:
        status = n.NO_CONSENT
    elif not member.phone:
        status = n.NO_PHONE
    row = Notification(notification_key=key, group_id=group.id, member_id=member.id,
                       template_code=message.template, entity_type=message.entity_type,
                       entity_id=str(message.entity_id), logical_event=message.logical_event, status=status,
                       variables=variables)
    uow.session.add(row)
    if status == n.REQUESTED:
        uow.publish("notification.requested", _payload(member, message, key, variables),
                    aggregate_type=MEMBER, aggregate_id=member.id)
        text = f"Notification {message.template} demandée pour {member.display_name}"
    else:
        why = "pas de consentement WhatsApp" if status == n.NO_CONSENT else "pas de numéro de téléphone"
        text = f"{member.display_name} non notifié(e) ({message.template}) : {why}"
    timeline.record(uow, group.id, (MEMBER, member.id), ACT_SYSTEM, text,
                    {"notificationKey": key, "templateCode": message.template, "status": status,
                     "entityType": message.entity_type, "entityId": message.entity_id})
    return row


def _payload(member: Member, message: Message, key: str, variables: dict[str, str]) -> dict[str, object]:
    return {"notificationKey": key, "channel": n.CHANNEL, "to": member.phone,
            "templateCode": message.template, "templateLanguage": n.LANGUAGE, "variables": variables,
            "subjectType": MEMBER, "subjectId": member.id, "entityType": message.entity_type,
            "entityId": message.entity_id,
            "planId": message.plan.id if message.plan else None,
            "planVersion": message.plan.version if message.plan else None}
