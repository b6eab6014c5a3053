"""Each KPI on a small fixed month, computed by hand (atlas_crm.insights_testing.october).

October 2026, org A (times UTC, all on the 9:00 mark unless said):
  D1 PORTAL  agent-1 L1  created 1st: CONTACTED 1st 10:00, QUALIFIED 2nd, VISIT_PLANNED 3rd, WON 5th;
             OUTBOUND WhatsApp 1st 09:30, INBOUND 09:45; appointment 4th DONE
  D2 PORTAL  agent-1 L1  created 2nd: CONTACTED 2nd 11:00, LOST 3rd; OUTBOUND phone 2nd 10:00;
             appointment 6th NO_SHOW
  D3 WHATSAPP agent-2 L2 created 8th: QUALIFIED 9th; INBOUND 8th, OUTBOUND 8th 11:00; appointment
             10th CANCELLED
  D4 WHATSAPP agent-2    created 15th: no answer (its one OUTBOUND SMS was deleted)
  D5 PORTAL  unassigned  created 20 Sept: CONTACTED 1st 12:00, WON 10th; INBOUND e-mail 20 Sept,
             OUTBOUND e-mail 3rd  (not a lead of October, but its moves happened in October)
  D7 REFERRAL agent-1 (CRM_OWNER_LEAD) created 20th: OUTBOUND phone 20th 09:10; appointment 22nd
             still SCHEDULED; a task due 21st not done
Org B: one PORTAL lead on L1, won on the 4th — never counted for org A.
"""

import csv
import io

import pytest

from atlas_crm.insights_testing import L1, Consumers, listing, october

OCTOBER = {"from": "2026-10-01", "to": "2026-10-31"}


@pytest.fixture
def month(api, other_org, container):
    return october(container, api.org, other_org.org)


def report(api, name, headers=None, **query):
    res = api.call("GET", f"/api/v1/reports/{name}", headers or api.manager, query_string={**OCTOBER, **query})
    assert res.status_code == 200, res.json
    return res.json


def test_leads_per_week_and_source(api, month):
    body = report(api, "leads", period="week")
    assert (body["from"], body["to"], body["total"]) == ("2026-10-01T00:00:00+00:00", "2026-11-01T00:00:00+00:00", 5)
    assert body["bySource"] == [{"source": "LEAD_SOURCE_PORTAL", "leads": 2},
                                {"source": "LEAD_SOURCE_WHATSAPP", "leads": 2},
                                {"source": "LEAD_SOURCE_REFERRAL", "leads": 1}]
    assert [(p["period"], p["leads"], p["bySource"]) for p in body["series"]] == [
        ("2026-09-28", 2, {"LEAD_SOURCE_PORTAL": 2}), ("2026-10-05", 1, {"LEAD_SOURCE_WHATSAPP": 1}),
        ("2026-10-12", 1, {"LEAD_SOURCE_WHATSAPP": 1}), ("2026-10-19", 1, {"LEAD_SOURCE_REFERRAL": 1}),
        ("2026-10-26", 0, {})]
    days = report(api, "leads")["series"]
    assert len(days) == 31 and days[1] == {"period": "2026-10-02", "leads": 1, "bySource": {"LEAD_SOURCE_PORTAL": 1}}
    assert report(api, "leads", period="month")["series"] == [
        {"period": "2026-10-01", "leads": 5, "bySource": {"LEAD_SOURCE_PORTAL": 2, "LEAD_SOURCE_REFERRAL": 1,
                                                           "LEAD_SOURCE_WHATSAPP": 2}}]
    assert report(api, "leads", caseType="CRM_OWNER_LEAD")["total"] == 1
    assert report(api, "leads", source="LEAD_SOURCE_WHATSAPP")["total"] == 2


def test_funnel_follows_the_status_history_not_current_statuses(api, month):
    body = report(api, "funnel")
    # Furthest stage: D1 won (4), D2 appointment booked (3), D7 appointment booked (3), D3 qualified (2,
    # its appointment was cancelled), D4 none (0). Lost: D2.
    assert body["created"] == 5
    assert [(s["stage"], s["dossiers"], s["rateFromCreated"], s["rateFromPrevious"]) for s in body["stages"]] == [
        ("created", 5, 1.0, None), ("contacted", 4, 0.8, 0.8), ("qualified", 4, 0.8, 1.0),
        ("appointment", 3, 0.6, 0.75), ("won", 1, 0.2, 0.3333), ("lost", 1, 0.2, None)]
    # Entries during October, whatever the creation date (D5 counts here).
    assert body["statusEntries"] == [
        {"status": "CRM_CLOSED_LOST", "dossiers": 1}, {"status": "CRM_CLOSED_WON", "dossiers": 2},
        {"status": "CRM_CONTACTED", "dossiers": 3}, {"status": "CRM_QUALIFIED", "dossiers": 2},
        {"status": "CRM_VISIT_PLANNED", "dossiers": 1}]


def test_conversion_by_source_and_by_listing(api, month, container):
    Consumers(container).event("listing.published", listing(api.org, id=str(L1), title="Villa Anfa"), api.org)
    body = report(api, "conversion")
    assert [(i["source"], i["leads"], i["won"], i["lost"], i["conversionRate"], i["lossRate"]) for i in body["items"]] == [
        ("LEAD_SOURCE_PORTAL", 2, 1, 1, 0.5, 0.5), ("LEAD_SOURCE_WHATSAPP", 2, 0, 0, 0.0, 0.0),
        ("LEAD_SOURCE_REFERRAL", 1, 0, 0, 0.0, 0.0)]
    by_listing = report(api, "conversion", by="listing")["items"]
    assert [(i["listingId"], i["leads"], i["won"], i["lost"], i["visits"], i["conversionRate"], i.get("title"))
            for i in by_listing] == [
        (str(L1), 2, 1, 1, 2, 0.5, "Villa Anfa"), ("22222222-2222-4222-8222-222222222222", 1, 0, 0, 0, 0.0, None)]
    top = report(api, "top-listings", limit=1)["items"]
    assert [(i["listingId"], i["leads"], i["visits"], i["status"], i["city"]) for i in top] == [
        (str(L1), 2, 2, "ANN_PUBLISHED", "Casablanca")]


def test_time_in_each_stage_and_time_to_close(api, month):
    body = report(api, "stage-times")
    hours = 3600
    # Stays ended in October. NEW: D1 1 h, D2 2 h, D3 24 h, D5 11 d 3 h; CONTACTED: D1 23 h, D2 22 h,
    # D5 8 d 21 h; QUALIFIED: D1 24 h; VISIT_PLANNED: D1 48 h.
    assert body["stages"] == [
        {"status": "CRM_CONTACTED", "count": 3, "avgSeconds": (23 + 22 + 213) * hours / 3,
         "medianSeconds": 23.0 * hours},
        {"status": "CRM_NEW", "count": 4, "avgSeconds": (1 + 2 + 24 + 267) * hours / 4,
         "medianSeconds": (2 + 24) * hours / 2},
        {"status": "CRM_QUALIFIED", "count": 1, "avgSeconds": 24.0 * hours, "medianSeconds": 24.0 * hours},
        {"status": "CRM_VISIT_PLANNED", "count": 1, "avgSeconds": 48.0 * hours, "medianSeconds": 48.0 * hours}]
    # Closed in October: D1 won after 4 days, D5 won after 20 days, D2 lost after 1 day.
    day = 24 * hours
    assert body["timeToClose"] == {
        "won": {"count": 2, "avgSeconds": 12.0 * day, "medianSeconds": 12.0 * day},
        "lost": {"count": 1, "avgSeconds": 1.0 * day, "medianSeconds": 1.0 * day},
        "all": {"count": 3, "avgSeconds": 25 * day / 3, "medianSeconds": 4.0 * day}}


def test_each_move_records_when_the_status_it_leaves_was_entered(api):
    """Time in stage reads the stays off the moves themselves: a move written through the API carries
    when its dossier had entered the status it leaves."""
    d = api.dossier(contactName="Stage Suivi", phone="0612999001")
    for status in ("CRM_CONTACTED", "CRM_QUALIFIED"):
        assert api.move(d["id"], status).status_code == 200
    created, contacted, qualified = api.history(d["id"])
    assert created.from_entered_at is None
    assert (contacted.from_entered_at, qualified.from_entered_at) == (created.occurred_at, contacted.occurred_at)
    res = api.call("GET", "/api/v1/reports/stage-times", api.manager)  # the last 30 days
    assert {s["status"]: s["count"] for s in res.json["stages"]} == {"CRM_NEW": 1, "CRM_CONTACTED": 1}


def test_first_response_time(api, month):
    body = report(api, "first-response")
    # D1 30 min, D2 60 min, D3 120 min (after the contact's own message), D7 10 min; D4 never (deleted).
    assert {k: body[k] for k in ("leads", "answered", "unanswered", "answeredRate", "avgSeconds",
                                 "medianSeconds")} == {"leads": 5, "answered": 4, "unanswered": 1,
                                                       "answeredRate": 0.8, "avgSeconds": 3300.0,
                                                       "medianSeconds": 2700.0}


def test_appointment_show_rate(api, month):
    body = report(api, "appointments")
    assert body["byStatus"] == {"APPOINT_CANCELLED": 1, "APPOINT_DONE": 1, "APPOINT_NO_SHOW": 1,
                                "APPOINT_SCHEDULED": 1}
    assert (body["total"], body["done"], body["noShow"], body["cancelled"], body["pastStillScheduled"],
            body["showRate"]) == (4, 1, 1, 1, 1, 0.5)


def test_per_agent_performance(api, month):
    items = report(api, "agents")["items"]
    assert [(i["agent"], i["assigned"], i["contacted"], i["won"], i["lost"], i["conversionRate"]) for i in items] == [
        ("agent-1", 3, 3, 1, 1, 0.3333), ("agent-2", 2, 1, 0, 0, 0.0)]
    assert [(i["firstResponse"]["answered"], i["firstResponse"]["unanswered"], i["firstResponse"]["avgSeconds"],
             i["firstResponse"]["medianSeconds"]) for i in items] == [(3, 0, 2000.0, 1800.0), (1, 1, 7200.0, 7200.0)]


def test_message_counts(api, month):
    body = report(api, "messages")
    assert {k: v for k, v in body.items() if k not in ("from", "to")} == {
        "inbound": 2, "outbound": 5, "dossiersWithInbound": 2, "dossiersWithOutbound": 5,
        "avgInboundPerDossier": 1.0, "avgOutboundPerDossier": 1.0,
        "byChannel": [{"channel": "EMAIL", "inbound": 0, "outbound": 1},
                      {"channel": "PHONE", "inbound": 0, "outbound": 2},
                      {"channel": "WHATSAPP", "inbound": 2, "outbound": 2}]}


def test_an_agent_gets_their_own_numbers_only(api, month):
    agent = api.as_("AGENT", "agent-2")
    assert report(api, "leads", agent)["total"] == 2
    assert [(s["stage"], s["dossiers"]) for s in report(api, "funnel", agent)["stages"]][:3] == [
        ("created", 2), ("contacted", 1), ("qualified", 1)]
    assert [i["agent"] for i in report(api, "agents", agent)["items"]] == ["agent-2"]
    assert report(api, "appointments", agent)["byStatus"] == {"APPOINT_CANCELLED": 1}
    assert report(api, "messages", agent)["outbound"] == 1
    assert report(api, "agents", assignedTo="agent-2")["items"] == report(api, "agents", agent)["items"]
    res = api.call("GET", "/api/v1/reports/leads", agent, query_string={"assignedTo": "agent-1"})
    assert res.status_code == 403 and res.json["code"] == "FORBIDDEN"


def test_other_organisations_see_only_their_own_figures(api, other_org, month):
    theirs = report(other_org, "conversion", other_org.manager)
    assert [(i["source"], i["leads"], i["won"]) for i in theirs["items"]] == [("LEAD_SOURCE_PORTAL", 1, 1)]
    assert report(other_org, "funnel", other_org.manager)["statusEntries"] == [
        {"status": "CRM_CLOSED_WON", "dossiers": 1}]
    assert report(other_org, "messages", other_org.manager)["inbound"] == 0


def test_default_range_is_the_last_thirty_days(api, month):
    api.dossier(source="LEAD_SOURCE_PHONE")
    res = api.call("GET", "/api/v1/reports/leads", api.manager)
    body = res.json
    assert body["total"] == 1 and len(body["series"]) in (30, 31)
    assert body["bySource"] == [{"source": "LEAD_SOURCE_PHONE", "leads": 1}]


def test_csv_exports(api, month):
    res = api.call("GET", "/api/v1/reports/leads", api.manager, query_string={**OCTOBER, "period": "week",
                                                                             "format": "csv"})
    assert res.status_code == 200 and res.mimetype == "text/csv"
    assert res.headers["Content-Disposition"] == 'attachment; filename="leads-2026-10-01-2026-11-01.csv"'
    rows = list(csv.reader(io.StringIO(res.get_data(as_text=True))))
    assert rows == [["period", "source", "leads"], ["2026-09-28", "LEAD_SOURCE_PORTAL", "2"],
                    ["2026-10-05", "LEAD_SOURCE_WHATSAPP", "1"], ["2026-10-12", "LEAD_SOURCE_WHATSAPP", "1"],
                    ["2026-10-19", "LEAD_SOURCE_REFERRAL", "1"]]
    agents = list(csv.DictReader(io.StringIO(api.call("GET", "/api/v1/reports/agents", api.manager, query_string={
        **OCTOBER, "format": "csv"}).get_data(as_text=True))))
    assert [(a["agent"], a["assigned"], a["firstResponse.avgSeconds"]) for a in agents] == [
        ("agent-1", "3", "2000.0"), ("agent-2", "2", "7200.0")]
    funnel = api.call("GET", "/api/v1/reports/funnel", api.manager, query_string={**OCTOBER, "format": "csv"})
    assert "stage,won,1,0.2,0.3333" in funnel.get_data(as_text=True).replace("\r", "")
    for name in ("conversion", "top-listings", "stage-times", "first-response", "appointments", "messages"):
        res = api.call("GET", f"/api/v1/reports/{name}", api.manager, query_string={**OCTOBER, "format": "csv"})
        assert res.status_code == 200 and len(list(csv.reader(io.StringIO(res.get_data(as_text=True))))) > 1, name
    first = api.call("GET", "/api/v1/reports/first-response", api.manager,
                     query_string={**OCTOBER, "format": "csv"}).get_data(as_text=True)
    assert "avgSeconds,3300.0" in first


def test_bad_queries_are_refused(api):
    for query, field in (
            ({"from": "2026-10-31", "to": "2026-10-01"}, "to"), ({"from": "2020-01-01", "to": "2026-01-01"}, "from"),
            ({"from": "le 1er octobre"}, "from"), ({"period": "year"}, "period"), ({"format": "xlsx"}, "format"),
            ({"caseType": "crm lead"}, "caseType"), ({"from": "2025-01-01", "to": "2026-10-01"}, "period")):
        res = api.call("GET", "/api/v1/reports/leads", api.manager, query_string=query)
        assert res.status_code == 400 and res.json["code"] == "VALIDATION_ERROR", res.json
        assert list(res.json["details"]) == [field], (query, res.json)


def test_roles_without_crm_access_are_refused_and_the_index_lists_every_report(api):
    for role in ("MODERATOR", "OWNER"):
        for name in ("leads", "funnel", "agents"):
            res = api.call("GET", f"/api/v1/reports/{name}", api.as_(role))
            assert res.status_code == 403 and res.json["code"] == "FORBIDDEN"
    names = [r["name"] for r in api.call("GET", "/api/v1/reports", api.manager).json["items"]]
    assert names == ["leads", "funnel", "conversion", "stage-times", "first-response", "appointments", "agents",
                     "messages", "top-listings"]


def test_every_kpi_is_defined_in_the_openapi_document(client):
    paths = client.get("/openapi.json").json["paths"]
    for name in ("leads", "funnel", "conversion", "stage-times", "first-response", "appointments", "agents",
                 "messages", "top-listings"):
        assert len(paths[f"/api/v1/reports/{name}"]["get"]["description"]) > 80, name
    assert "DONE / (DONE + NO_SHOW)" in paths["/api/v1/dashboard"]["get"]["description"]
