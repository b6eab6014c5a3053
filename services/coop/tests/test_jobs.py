"""Scheduled jobs: late marking with penalties and default, reminders at D-3 and D-1, idempotent; the
CLI command and the worker loop run them."""

import threading
from datetime import date

from click.testing import CliRunner

from atlas_coop.bootstrap import mark_late, remind
from atlas_coop.entrypoints.scheduler import jobs_loop
from atlas_coop.service_layer.jobs import mark_late_everywhere, remind_everywhere

from_today = [{"dueDate": d, "amount": "1000.00"} for d in ("2026-02-01", "2026-03-11", "2026-03-13", "2026-06-01")]


def _group(coop):
    group = coop.group()
    amina = coop.member(group["id"], "Amina")
    karim = coop.member(group["id"], "Karim", consent=False)
    for m in (amina, karim):
        coop.activate(m["id"])
    coop.plan(group["id"], instalments=from_today)
    coop.open_funding(group["id"])
    return group, amina, karim


def _notifications(coop, group, template):
    return coop.ok("GET", f"/groups/{group['id']}/notifications",
                   query_string={"templateCode": template, "size": 100})["items"]


def test_mark_late_applies_penalties_default_and_notices_once(coop, container):
    group, amina, karim = _group(coop)
    assert mark_late_everywhere(container.platform, date(2026, 3, 10)) == {"markedLate": 2, "penaltiesUpdated": 0}
    assert {m["status"] for m in coop.ok("GET", f"/groups/{group['id']}/members")["items"]} == {
        "COOP_MEMBER_IN_DEFAULT"}
    notices = {n["memberId"]: n["status"] for n in _notifications(coop, group, "EVT_COOP_PAYMENT_LATE")}
    assert notices == {amina["id"]: "REQUESTED", karim["id"]: "NOT_SENT_NO_CONSENT"}
    timeline = coop.ok("GET", f"/groups/{group['id']}/timeline", query_string={"type": "ACT_SYSTEM", "size": 100})
    assert any("Karim non notifié(e) (EVT_COOP_PAYMENT_LATE) : pas de consentement WhatsApp" == a["content"]
               for a in timeline["items"])
    assert mark_late_everywhere(container.platform, date(2026, 3, 10)) == {"markedLate": 0, "penaltiesUpdated": 0}
    assert len(_notifications(coop, group, "EVT_COOP_PAYMENT_LATE")) == 2
    later = mark_late_everywhere(container.platform, date(2026, 4, 12))
    assert later == {"markedLate": 4, "penaltiesUpdated": 2}
    late = coop.ledger(group["id"], status="LATE", memberId=amina["id"])
    assert [(r["dueDate"], r["penalty"]) for r in late] == [
        ("2026-02-01", "30.00"), ("2026-03-11", "15.00"), ("2026-03-13", "15.00")]


def test_reminders_at_d3_and_d1_once(coop, container):
    group, amina, karim = _group(coop)
    assert remind_everywhere(container.platform, date(2026, 3, 10)) == 4
    sent = {(n["memberId"], n["logicalEvent"], n["status"]) for n in
            _notifications(coop, group, "EVT_COOP_PAYMENT_REMINDER")}
    assert sent == {(amina["id"], "D-1", "REQUESTED"), (amina["id"], "D-3", "REQUESTED"),
                    (karim["id"], "D-1", "NOT_SENT_NO_CONSENT"), (karim["id"], "D-3", "NOT_SENT_NO_CONSENT")}
    assert remind_everywhere(container.platform, date(2026, 3, 10)) == 0
    assert remind_everywhere(container.platform, date(2026, 3, 12)) == 2  # D-1 of the 13th


def test_reminder_messages_cite_the_plan(coop, container, outbox):
    _group(coop)
    remind_everywhere(container.platform, date(2026, 3, 10))
    reminder = next(e for e in outbox("notification.requested") if e["templateCode"] == "EVT_COOP_PAYMENT_REMINDER")
    assert reminder["planVersion"] == 1 and reminder["variables"]["plan_version"] == "1"
    assert reminder["channel"] == "WHATSAPP" and reminder["to"] == "+212612345678"
    assert reminder["notificationKey"].count(":") == 5


def test_cli_commands(coop, container):
    _group(coop)
    runner = CliRunner()
    out = runner.invoke(mark_late, ["--today", "2026-03-10"])
    assert out.exit_code == 0, out.output
    assert "marked late: 2" in out.output
    assert "reminders requested: 4" in runner.invoke(remind, ["--today", "2026-03-10"]).output


def test_worker_loop_runs_the_jobs(coop, container):
    group, _, _ = _group(coop)
    stop = threading.Event()
    worker = threading.Thread(target=jobs_loop(container.platform, interval=0.2), args=(stop,))
    worker.start()
    try:
        for _ in range(100):
            if coop.ledger(group["id"], status="LATE"):
                break
            stop.wait(0.1)
    finally:
        stop.set()
        worker.join(5)
    assert len(coop.ledger(group["id"], status="LATE")) == 2
