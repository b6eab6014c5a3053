"""Notifications: requested through the outbox once per logical event and member, citing the plan;
members without consent are recorded as not notified, never silently skipped."""


def test_funding_and_plan_notifications_once_each_with_the_plan(coop, outbox):
    group = coop.group()
    amina = coop.member(group["id"], "Amina")
    karim = coop.member(group["id"], "Karim", consent=False)
    for m in (amina, karim):
        coop.activate(m["id"])
    plan = coop.plan(group["id"])
    published = [e for e in outbox("notification.requested") if e["templateCode"] == "EVT_COOP_PV_PUBLISHED"]
    assert [(e["subjectId"], e["planId"], e["planVersion"]) for e in published] == [(amina["id"], plan["id"], 1)]
    coop.open_funding(group["id"])
    coop.ok("PATCH", f"/groups/{group['id']}", {"status": "COOP_GROUP_ON_HOLD", "comment": "Pause"})
    coop.ok("PATCH", f"/groups/{group['id']}", {"status": "COOP_GROUP_FUNDING_OPEN"})
    calls = [e for e in outbox("notification.requested") if e["templateCode"] == "EVT_COOP_CALL_FOR_FUNDS"]
    assert len(calls) == 1
    call = calls[0]
    assert (call["subjectType"], call["subjectId"], call["to"], call["templateLanguage"]) == (
        "COOP_MEMBER", amina["id"], "+212612345678", "fr")
    assert call["variables"] == {"member_name": "Amina", "group_name": "Les Jardins de Salé",
                                 "instalment_count": "3", "first_due_date": "2026-02-01", "first_amount": "1000.00",
                                 "plan_id": plan["id"], "plan_version": "1"}
    decided = coop.ok("GET", f"/groups/{group['id']}/notifications",
                      query_string={"templateCode": "EVT_COOP_CALL_FOR_FUNDS"})["items"]
    assert {n["memberId"]: n["status"] for n in decided} == {amina["id"]: "REQUESTED",
                                                            karim["id"]: "NOT_SENT_NO_CONSENT"}
    changes = [e for e in outbox("notification.requested") if e["templateCode"] == "EVT_COOP_STATUS_CHANGE"]
    assert {e["variables"]["status"] for e in changes} >= {"COOP_GROUP_ON_HOLD", "COOP_GROUP_KYC_READY"}


def test_a_late_joiner_is_billed_from_joining_and_called_for_funds(coop, outbox):
    group, _ = coop.funded_group(1)
    late = coop.member(group["id"], "Nadia")
    rows = coop.ledger(group["id"], memberId=late["id"])
    assert [r["dueDate"] for r in rows] == ["2026-06-01", "2027-02-01"]  # joined 2026-03-10
    call = [e for e in outbox("notification.requested")
            if e["templateCode"] == "EVT_COOP_CALL_FOR_FUNDS" and e["subjectId"] == late["id"]]
    assert len(call) == 1 and call[0]["variables"]["first_due_date"] == "2026-06-01"


def test_only_staff_read_the_notification_log_and_timeline(coop):
    group = coop.group()
    coop.member(group["id"], "Amina", userId="amina")
    for path in ("notifications", "timeline"):
        assert coop.call("GET", f"/groups/{group['id']}/{path}", roles="COOP_MEMBER", user="amina").status_code == 403
        assert coop.call("GET", f"/groups/{group['id']}/{path}", roles="AUDITOR").status_code == 200


def test_every_message_sends_exactly_its_templates_variables(coop, outbox, container):
    from datetime import date

    from atlas_coop.domain.notifications import VARIABLES
    from atlas_coop.service_layer.jobs import mark_late_everywhere, remind_everywhere
    group, (amina, _) = coop.funded_group(2)
    coop.plan(group["id"], effectiveFrom="2026-04-01",
              instalments=[{"dueDate": "2026-06-01", "amount": "900.00"}, {"dueDate": "2027-06-01", "amount": "900.00"}])
    mark_late_everywhere(container.platform, date(2026, 3, 10))
    remind_everywhere(container.platform, date(2026, 5, 30))
    coop.ok("PATCH", f"/groups/{group['id']}", {"status": "COOP_GROUP_THRESHOLD_REACHED"})
    project = coop.ok("POST", f"/groups/{group['id']}/projects", {"name": "Résidence"}, status=201)
    coop.ok("PATCH", f"/projects/{project['id']}", {"status": "COOP_PROJECT_PERMITS"})
    sent = outbox("notification.requested")
    assert {e["templateCode"] for e in sent} >= {"EVT_COOP_CALL_FOR_FUNDS", "EVT_COOP_PV_PUBLISHED",
                                                 "EVT_COOP_PAYMENT_LATE", "EVT_COOP_PAYMENT_REMINDER",
                                                 "EVT_COOP_STATUS_CHANGE", "EVT_COOP_PROJECT_MILESTONE"}
    for event in sent:
        required, optional = VARIABLES[event["templateCode"]]
        assert set(required) <= set(event["variables"]) <= {*required, *optional}, event
        assert all(isinstance(v, str) and v and "\n" not in v for v in event["variables"].values()), event


def test_outbound_outcomes_are_kept_and_failures_shown(coop, container, outbox):
    import uuid

    from atlas_coop.entrypoints.consumers import subscriptions
    from atlas_shared.events import Event
    from atlas_shared.messaging.consumer import EventConsumer, Outcome
    group, (amina,) = coop.funded_group(1)
    key = next(e for e in outbox("notification.requested")
               if e["templateCode"] == "EVT_COOP_CALL_FOR_FUNDS")["notificationKey"]
    consumer = EventConsumer(container.platform.db, container.platform.broker, subscriptions()[1])

    def report(status, version, error=None):
        return consumer.process(Event(type="outbound.status_changed", org_id=coop.org, id=str(uuid.uuid4()),
                                      payload={"messageId": str(uuid.uuid4()), "status": status, "version": version,
                                               "notificationKey": key, "source": "COOP", "error": error,
                                               "occurredAt": "2026-03-10T09:00:00+00:00"}))

    assert report("SENT", 2) == Outcome.HANDLED
    assert report("QUEUED", 1) == Outcome.HANDLED  # older: ignored
    delivery = lambda: coop.ok("GET", f"/groups/{group['id']}/notifications",  # noqa: E731
                               query_string={"templateCode": "EVT_COOP_CALL_FOR_FUNDS"})["items"][0]["delivery"]
    assert delivery()["status"] == "SENT"
    report("FAILED", 3, {"code": "131026", "message": "Message undeliverable"})
    assert delivery() == {"status": "FAILED", "error": "131026: Message undeliverable",
                          "at": "2026-03-10T09:00:00+00:00"}
    timeline = coop.ok("GET", f"/groups/{group['id']}/timeline", query_string={"type": "ACT_SYSTEM", "size": 100})
    assert any("non délivrée" in a["content"] for a in timeline["items"])
