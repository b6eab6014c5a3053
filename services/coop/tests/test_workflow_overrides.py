"""A tenant's override of COOP_GROUP, received as ``workflow.changed`` from the CRM, drives that
tenant's groups; the module's rules (PV, plan, lots) hold whatever the override says."""

import uuid

import pytest

from atlas_coop.domain.workflows import GROUP_DEFAULT
from atlas_coop.entrypoints.consumers import subscriptions
from atlas_shared.events import Event
from atlas_shared.messaging.consumer import EventConsumer, Outcome

SHORT = {"states": [{"code": "COOP_GROUP_FORMATION", "initial": True}, {"code": "COOP_GROUP_FUNDING_OPEN"},
                    {"code": "COOP_GROUP_COMPLETED", "terminal": True}],
         "transitions": [{"from": "COOP_GROUP_FORMATION", "to": "COOP_GROUP_FUNDING_OPEN"},
                         {"from": "COOP_GROUP_FUNDING_OPEN", "to": "COOP_GROUP_COMPLETED"}]}


@pytest.fixture
def deliver(container, coop):
    consumer = EventConsumer(container.platform.db, container.platform.broker, subscriptions()[0])

    def send(version, definition, org=None, case_type="COOP_GROUP", event_id=None):
        org = org if org is not None else coop.org
        return consumer.process(Event(type="workflow.changed", org_id=org or None, id=event_id or str(uuid.uuid4()),
                                      payload={"orgId": org or None, "caseType": case_type, "version": version,
                                               "definition": definition}))
    return send


def test_the_override_drives_the_tenants_groups_but_not_the_rules(coop, deliver):
    assert deliver(2, SHORT) == Outcome.HANDLED
    group = coop.group()
    assert [t["to"] for t in group["availableTransitions"]] == ["COOP_GROUP_FUNDING_OPEN"]
    refused = coop.status(group["id"], "COOP_GROUP_FUNDING_OPEN")
    assert refused.status_code == 409 and "PV" in refused.json["message"]
    coop.activate(coop.member(group["id"], "Amina")["id"])
    coop.plan(group["id"])
    opened = coop.status(group["id"], "COOP_GROUP_FUNDING_OPEN", documentId=coop.pv(group["id"]))
    assert opened.status_code == 200, opened.json
    other_tenant = type(coop)(coop.client)
    assert [t["to"] for t in other_tenant.group()["availableTransitions"]][0] == "COOP_GROUP_KYC_READY"


def test_unusable_stale_global_and_repeated_events_change_nothing(coop, deliver):
    foreign = {**SHORT, "states": [*SHORT["states"], {"code": "CRM_NEW"}]}
    assert deliver(2, foreign) == Outcome.HANDLED      # stored with its problems, not used
    assert deliver(3, SHORT, org="") == Outcome.HANDLED  # a global default: the coop's own applies
    assert deliver(4, SHORT, case_type="CRM_LEAD_BUY") == Outcome.HANDLED
    assert coop.group()["availableTransitions"][0]["to"] == "COOP_GROUP_KYC_READY"
    event_id = str(uuid.uuid4())
    assert deliver(5, SHORT, event_id=event_id) == Outcome.HANDLED
    assert deliver(5, SHORT, event_id=event_id) == Outcome.DUPLICATE
    assert deliver(1, GROUP_DEFAULT) == Outcome.HANDLED  # older than what we hold: ignored
    assert [t["to"] for t in coop.group()["availableTransitions"]] == ["COOP_GROUP_FUNDING_OPEN"]
    assert deliver(6, None) == Outcome.HANDLED  # the tenant went back to the default
    assert coop.group()["availableTransitions"][0]["to"] == "COOP_GROUP_KYC_READY"
