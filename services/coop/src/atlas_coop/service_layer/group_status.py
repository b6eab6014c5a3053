"""A group's status change and what it sets off: instalments and calls for funds when funding opens,
a notice to every member otherwise; critical decisions audited with their minutes (PV)."""

from __future__ import annotations

from typing import Any

from atlas_coop.adapters.orm import CoopGroup
from atlas_coop.adapters.repositories import MemberRepository
from atlas_coop.domain import notifications as n
from atlas_coop.domain.codes import GROUP, GROUP_FUNDING_CLOSED, GROUP_FUNDING_OPEN, GROUP_ON_HOLD
from atlas_coop.service_layer import instalments, workflow_store
from atlas_coop.service_layer.guards import group_guards
from atlas_coop.service_layer.notify import Message, notify
from atlas_coop.service_layer.transitions import move
from atlas_coop.service_layer.views import group_view
from atlas_shared.db.uow import UnitOfWork

ACTIONS = {GROUP_FUNDING_OPEN: "COOP_FUNDING_OPENED", GROUP_FUNDING_CLOSED: "COOP_FUNDING_CLOSED"}


def change_group_status(uow: UnitOfWork, group: CoopGroup, data: dict[str, Any],
                        before: dict[str, Any]) -> None:
    payload = {k: data[k] for k in ("documentId", "comment", "reason") if data.get(k) is not None}
    transition = move(uow, group, workflow_store.definition(uow, "COOP_GROUP"), data["status"], payload,
                      group_guards(uow, group), label="Groupement", entity_ref=(GROUP, group.id),
                      group_id=group.id)
    context: dict[str, Any] = {**payload, "transition": transition.code or transition.target}
    if group.status == GROUP_FUNDING_OPEN:
        context["funding"] = instalments.open_funding(uow, group)
    action = "COOP_GROUP_RESUMED" if transition.source == GROUP_ON_HOLD else ACTIONS.get(group.status)
    uow.audit(action or "COOP_GROUP_STATUS_CHANGED", GROUP, group.id, before=before, after=group_view(group),
              extra=context)
    if group.status != GROUP_FUNDING_OPEN:
        notify(uow, group, MemberRepository(uow.session).current(group.id),
               Message(n.STATUS_CHANGE, GROUP, group.id, f"status:{group.version}",
                       {"subject": f"groupement {group.name}", "status": group.status}))
