"""Each dossier's milestones (first answered, furthest stage, ever lost, visit booked) follow every
write through the API, and the migration's fill computes what the running service keeps."""

import importlib
import uuid

from sqlalchemy import select, text

from atlas_crm.adapters import milestones
from atlas_crm.adapters.orm import Dossier


def recorded(api, dossier_id):
    with api.container.platform.db.session(tenant_bypass=True) as s:
        d = s.get(Dossier, uuid.UUID(dossier_id))
        return (d.first_answered_at, d.furthest_stage, bool(d.ever_lost), bool(d.visit_booked))


def message(api, dossier_id, direction="OUTBOUND", **body):
    res = api.call("POST", "/api/v1/messages", json={"dossierId": dossier_id, "direction": direction,
                                                      "channel": "PHONE", "content": "Appel", **body})
    assert res.status_code == 201, res.json
    return res.json


def test_milestones_follow_messages_moves_and_visits(api, when):
    d = api.dossier(phone="0612345678")["id"]
    assert recorded(api, d) == (None, 0, False, False)

    message(api, d, direction="INBOUND")
    message(api, d, occurredAt="2020-01-01T09:00:00Z")  # logged as before the lead existed: no answer
    assert recorded(api, d)[0] is None
    first = message(api, d)
    second = message(api, d)
    assert recorded(api, d)[0].isoformat() == first["occurredAt"]
    assert api.call("DELETE", f"/api/v1/messages/{first['id']}").status_code == 204
    assert recorded(api, d)[0].isoformat() == second["occurredAt"]

    for status in ("CRM_CONTACTED", "CRM_QUALIFIED"):
        assert api.move(d, status).status_code == 200
    assert recorded(api, d)[1:] == (2, False, False)

    visit = api.call("POST", "/api/v1/appointments", json={
        "dossierId": d, "type": "APPOINT_PROPERTY_VISIT", "startsAt": when(0)}).json
    assert recorded(api, d)[3] is True
    api.call("PUT", f"/api/v1/appointments/{visit['id']}", json={"status": "APPOINT_CANCELLED"})
    assert recorded(api, d)[3] is False
    api.call("PUT", f"/api/v1/appointments/{visit['id']}", json={"status": "APPOINT_SCHEDULED"})
    assert recorded(api, d)[3] is True
    assert api.call("DELETE", f"/api/v1/appointments/{visit['id']}").status_code == 204
    assert recorded(api, d)[3] is False

    assert api.move(d, "CRM_CLOSED_LOST", lossReason="PRICE_TOO_HIGH").status_code == 200
    assert recorded(api, d)[1:] == (2, True, False)  # lost keeps how far it went


def test_a_refresh_and_the_migration_fill_agree_with_what_was_kept(api, other_org, when, container):
    from atlas_crm.insights_testing import october
    october(container, api.org, other_org.org)
    d = api.dossier(phone="0612345679")["id"]
    message(api, d)
    api.move(d, "CRM_CONTACTED")
    api.call("POST", "/api/v1/appointments", json={"dossierId": d, "type": "APPOINT_PROPERTY_VISIT",
                                                   "startsAt": when(0)})
    columns = [getattr(Dossier, c) for c in ("id", *milestones.MILESTONES)]
    db = container.platform.db

    def everything():
        with db.session(tenant_bypass=True) as s:
            return sorted((str(r[0]), *r[1:3], bool(r[3]), bool(r[4])) for r in s.execute(select(*columns)))

    kept = everything()
    assert any(row[1] is not None for row in kept) and any(row[2] == 4 for row in kept)
    assert any(row[3] for row in kept) and any(row[4] for row in kept)
    fill = importlib.import_module("atlas_crm.migrations.versions.0009_crm_dossier_milestones").FILL
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE dossiers SET first_answered_at = NULL, furthest_stage = 0, "
                          "ever_lost = false, visit_booked = false"))
        conn.execute(text(fill))
    assert everything() == kept
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE dossiers SET furthest_stage = 0"))
        assert milestones.refresh(conn) == len(kept)
    assert everything() == kept


def test_two_writers_of_one_dossier_leave_its_first_answer_right(api, container):
    """Two transactions answer the same lead at once: the second waits for the first and then sees
    its message (PostgreSQL re-reads only the updated row after such a wait, not the subqueries of
    its statement, hence the lock taken before recomputing)."""
    import threading
    from datetime import UTC, datetime

    import pytest

    from atlas_crm.adapters.orm import Message

    db = container.platform.db
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite runs one writer at a time")
    d = uuid.UUID(api.dossier(phone="0612345680")["id"])
    early, late = (datetime(2031, 1, 1, hour, tzinfo=UTC) for hour in (10, 11))

    def answer(session, when):
        session.add(Message(dossier_id=d, direction="OUTBOUND", channel="PHONE", content="Appel",
                            occurred_at=when, created_by="agent-1"))
        session.flush()

    first = db.session(api.org)
    answer(first, early)  # holds the dossier's row until it commits
    second_done = threading.Event()

    def second_writer():
        with db.session(api.org) as second:
            answer(second, late)
            second.commit()
        second_done.set()

    thread = threading.Thread(target=second_writer)
    thread.start()
    assert not second_done.wait(0.5)  # waiting for the first writer
    first.commit()
    first.close()
    thread.join(10)
    assert second_done.is_set() and recorded(api, str(d))[0] == early
