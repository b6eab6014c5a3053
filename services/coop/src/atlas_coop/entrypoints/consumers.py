"""Events the coop service consumes: its workflow overrides (CRM admin) and what became of the
notifications it asked the outbound service to send."""

from __future__ import annotations

from atlas_coop.service_layer.notification_outcomes import apply_outcome
from atlas_coop.service_layer.workflow_store import apply_workflow_changed
from atlas_shared.db.uow import UnitOfWork
from atlas_shared.events import Event
from atlas_shared.messaging.consumer import Subscription


def on_workflow_changed(uow: UnitOfWork, event: Event) -> None:
    apply_workflow_changed(uow, event)


def on_outbound_status(uow: UnitOfWork, event: Event) -> None:
    apply_outcome(uow, event)


def subscriptions() -> list[Subscription]:
    return [Subscription(service="coop", name="workflow-overrides", bindings=[("crm", "workflow.changed")],
                         handlers={"workflow.changed": on_workflow_changed}),
            Subscription(service="coop", name="notification-outcomes",
                         bindings=[("outbound", "outbound.status_changed")],
                         handlers={"outbound.status_changed": on_outbound_status})]
