"""Every default pipeline walked through the API: nominal path and branches succeed with their side
effects, forbidden jumps fail and change nothing, closing needs a valid reason, terminal is final."""

import pytest

# domain.md section 4, as written there (CRM_ prefix omitted); a branch is walked from the nominal path.
SPEC = {
    "CRM_LEAD_RENT": ("NEW TRIAGED CONTACTED QUALIFIED VISIT_PLANNED VISIT_DONE DOCS_REQUESTED DOCS_RECEIVED "
                      "SCREENING APPROVED SIGNING_SCHEDULED CLOSED_WON",
                      ["CONTACTED UNREACHABLE CONTACTED", "VISIT_PLANNED NO_SHOW FOLLOW_UP VISIT_PLANNED",
                       "SCREENING REJECTED CLOSED_LOST", "QUALIFIED ON_HOLD QUALIFIED"]),
    "CRM_LEAD_BUY": ("NEW CONTACTED QUALIFIED VISIT_PLANNED VISIT_DONE OFFER_REQUESTED OFFER_RECEIVED "
                     "NEGOTIATION SIGNING_SCHEDULED CLOSED_WON",
                     ["NEGOTIATION COUNTER_OFFER NEGOTIATION", "QUALIFIED ON_HOLD QUALIFIED"]),
    "CRM_LEAD": ("NEW CONTACTED QUALIFIED VISIT_PLANNED VISIT_DONE OFFER_REQUESTED OFFER_RECEIVED NEGOTIATION "
                 "SIGNING_SCHEDULED CLOSED_WON", ["NEGOTIATION COUNTER_OFFER NEGOTIATION", "QUALIFIED ON_HOLD QUALIFIED"]),
    "CRM_OWNER_LEAD": ("NEW CONTACTED QUALIFIED VALUATION_DONE MANDATE_PENDING MANDATE_SIGNED LISTED ARCHIVED",
                       ["LISTED PAUSED LISTED", "MANDATE_PENDING CLOSED_LOST"]),
    "CRM_SALE_TRANSACTION": ("NEW MANDATE_SIGNED LISTED VISIT_PLANNED VISIT_DONE OFFER_RECEIVED NEGOTIATION "
                             "COMPROMISE_SIGNED FINANCING SIGNING_SCHEDULED CLOSED_WON",
                             ["NEGOTIATION COUNTER_OFFER NEGOTIATION", "FINANCING ON_HOLD FINANCING",
                              "OFFER_RECEIVED CLOSED_LOST"]),
    "CRM_RENTAL_TRANSACTION": ("NEW QUALIFIED VISIT_DONE DOCS_REQUESTED DOCS_RECEIVED SCREENING APPROVED "
                               "SIGNING_SCHEDULED CLOSED_WON", ["SCREENING REJECTED CLOSED_LOST"]),
    "CRM_MANDATE_SALE": ("VALUATION_DONE MANDATE_PENDING MANDATE_SIGNED LISTED ARCHIVED", ["LISTED PAUSED LISTED"]),
    "CRM_MANDATE_RENT": ("VALUATION_DONE MANDATE_PENDING MANDATE_SIGNED LISTED ARCHIVED", ["LISTED PAUSED LISTED"]),
    "CRM_PROPERTY_LISTING": ("VALUATION_DONE MANDATE_PENDING MANDATE_SIGNED LISTED ARCHIVED",
                             ["LISTED PAUSED LISTED"]),
    "CRM_PROJECT_CONSTRUCTION": ("IDEA FEASIBILITY DESIGN PERMITS CONTRACTING BUILDING DELIVERY CLOSED_WON",
                                 ["DESIGN ON_HOLD DESIGN", "BUILDING ON_HOLD BUILDING"]),
    "CRM_PROJECT_RENOVATION": ("IDEA FEASIBILITY DESIGN CONTRACTING BUILDING DELIVERY CLOSED_WON",
                               ["FEASIBILITY ON_HOLD FEASIBILITY"]),
    "CRM_INVESTOR_CASE": ("NEW CONTACTED QUALIFIED OFFER_RECEIVED NEGOTIATION SIGNING_SCHEDULED CLOSED_WON", []),
    "CRM_SUPPORT_DISPUTE": ("NEW TRIAGED CONTACTED QUALIFIED FOLLOW_UP CLOSED_WON", ["FOLLOW_UP CLOSED_LOST"]),
}
REASONS = {"CRM_CLOSED_LOST": {"lossReason": "PRICE_TOO_HIGH"}, "CRM_CLOSED_WON": {"wonReason": "SIGNED"}}


def codes(text):
    return ["CRM_" + s for s in text.split()]


def tour(path, branches):
    """The nominal path with every round-trip branch spliced in where it starts; other branches
    (ending elsewhere, e.g. in CLOSED_LOST) are walked on their own dossier, plus the universal
    'lose from the second state' rule."""
    states, separate = list(path), []
    for branch in branches:
        if branch[0] == branch[-1]:
            i = states.index(branch[0])
            states[i:i + 1] = branch
        else:
            separate.append(path[:path.index(branch[0])] + branch)
    return states, separate + [path[:2] + ["CRM_CLOSED_LOST"]]


def walk(api, case_type, states):
    dossier = api.dossier(caseType=case_type)
    assert dossier["status"] == states[0]
    for a, b in zip(states, states[1:], strict=False):
        res = api.move(dossier["id"], b, comment=f"{a} to {b}", **REASONS.get(b, {}))
        assert res.status_code == 200, (case_type, a, b, res.json)
        assert res.json["status"] == b
    return dossier["id"]


def assert_side_effects(api, dossier_id, states):
    moves = list(zip(states, states[1:], strict=False))
    history = api.history(dossier_id)
    assert [(h.from_status, h.to_status) for h in history] == [(None, states[0]), *moves]
    assert all(h.actor == "admin-1" for h in history)
    audited = api.audit(dossier_id, "DOSSIER_STATUS_CHANGED")
    assert sorted((a.diff["before"]["status"], a.diff["after"]["status"]) for a in audited) == sorted(moves)
    logged = api.activities(dossier_id, "ACT_STATUS_CHANGE")
    assert sorted((a.details["from"], a.details["to"]) for a in logged) == sorted(moves)
    events = [e["payload"] for e in api.events("dossier.status_changed") if e["payload"]["id"] == dossier_id]
    assert [(e["from"], e["to"]) for e in events] == moves
    assert [e["version"] for e in events] == list(range(2, len(moves) + 2))


@pytest.mark.parametrize("case_type", SPEC)
def test_nominal_path_and_every_branch(api, case_type):
    path, branches = SPEC[case_type]
    states, separate = tour(codes(path), [codes(b) for b in branches])
    for walked in [states, *separate]:
        dossier_id = walk(api, case_type, walked)
        assert_side_effects(api, dossier_id, walked)
        final = api.call("GET", f"/api/v1/dossiers/{dossier_id}").json
        assert (final["closedAt"] is not None) == (walked[-1] in ("CRM_CLOSED_WON", "CRM_CLOSED_LOST",
                                                                  "CRM_ARCHIVED"))


@pytest.mark.parametrize("case_type", SPEC)
def test_forbidden_jumps_answer_409_and_change_nothing(api, case_type):
    path = codes(SPEC[case_type][0])
    dossier = api.dossier(caseType=case_type)
    for target in (path[-2], "CRM_CLOSED_WON", "CRM_NOT_A_STATUS", path[0]):
        res = api.move(dossier["id"], target, **REASONS.get(target, {}))
        assert res.status_code == 409 and res.json["code"] == "TRANSITION_NOT_ALLOWED", (target, res.json)
        assert path[1] in res.json["details"]["allowed"]
    assert api.call("GET", f"/api/v1/dossiers/{dossier['id']}").json["version"] == 1
    assert len(api.history(dossier["id"])) == 1 and api.activities(dossier["id"]) == []
    assert api.events("dossier.status_changed") == [] and api.audit(action="DOSSIER_STATUS_CHANGED") == []


def test_closing_needs_a_valid_reason_of_the_right_kind(api):
    dossier = api.dossier(caseType="CRM_LEAD_BUY")
    for body, field in (({}, "lossReason"), ({"lossReason": "BORED"}, "lossReason"),
                        ({"lossReason": "OTHER", "wonReason": "SIGNED"}, "wonReason")):
        res = api.move(dossier["id"], "CRM_CLOSED_LOST", **body)
        assert res.status_code == 400 and res.json["code"] == "VALIDATION_ERROR", body
        assert set(res.json["details"]) == {field}
    assert "NO_RESPONSE" in api.move(dossier["id"], "CRM_CLOSED_LOST").json["details"]["lossReason"][0]
    assert len(api.history(dossier["id"])) == 1
    lost = api.move(dossier["id"], "CRM_CLOSED_LOST", lossReason="COMPETITOR", reason="a signé ailleurs")
    assert lost.status_code == 200 and lost.json["lossReason"] == "COMPETITOR" and lost.json["closedAt"]
    [row] = api.history(dossier["id"])[1:]
    assert (row.loss_reason, row.reason, row.actor) == ("COMPETITOR", "a signé ailleurs", "admin-1")


def test_terminal_is_final_except_for_an_audited_admin_reopen(api):
    dossier = api.dossier(caseType="CRM_SUPPORT_DISPUTE")
    api.move(dossier["id"], "CRM_CLOSED_LOST", lossReason="NO_RESPONSE")
    refused = api.move(dossier["id"], "CRM_TRIAGED", headers=api.manager, reason="revenu")
    assert refused.status_code == 409 and refused.json["details"]["allowed"] == []
    assert "final status" in refused.json["message"]
    url = f"/api/v1/dossiers/{dossier['id']}/available-transitions"
    assert api.call("GET", url, api.manager).json["transitions"] == []
    options = api.call("GET", url).json
    assert options["terminal"] and {t["to"] for t in options["transitions"]} >= {"CRM_NEW", "CRM_TRIAGED"}
    assert all(t["override"] and t["requiredFields"] == ["reason"] for t in options["transitions"])
    assert api.move(dossier["id"], "CRM_TRIAGED").status_code == 400
    reopened = api.move(dossier["id"], "CRM_TRIAGED", reason="the client called back")
    assert reopened.status_code == 200, reopened.json
    assert reopened.json["lossReason"] is None and reopened.json["closedAt"] is None
    [audit] = api.audit(dossier["id"], "DOSSIER_REOPENED")
    assert audit.diff["before"]["lossReason"] == "NO_RESPONSE" and audit.diff["context"]["override"] is True
    assert api.history(dossier["id"])[-1].override is True


def test_available_transitions_show_what_each_needs(api):
    dossier = api.dossier(caseType="CRM_LEAD_BUY")
    body = api.call("GET", f"/api/v1/dossiers/{dossier['id']}/available-transitions").json
    assert body["status"] == "CRM_NEW" and body["workflowVersion"] == 1 and not body["terminal"]
    by_target = {t["to"]: t for t in body["transitions"]}
    assert set(by_target) == {"CRM_CONTACTED", "CRM_CLOSED_LOST"}
    assert by_target["CRM_CLOSED_LOST"]["requiredFields"] == ["lossReason"]
    assert "PRICE_TOO_HIGH" in by_target["CRM_CLOSED_LOST"]["reasonCodes"]


def test_status_history_endpoint_lists_every_move(api):
    dossier = api.dossier()
    api.move(dossier["id"], "CRM_CONTACTED", comment="premier appel")
    rows = api.call("GET", f"/api/v1/dossiers/{dossier['id']}/status-history").json
    assert [(r["from"], r["to"]) for r in rows] == [(None, "CRM_NEW"), ("CRM_NEW", "CRM_CONTACTED")]
    assert rows[1]["comment"] == "premier appel" and rows[1]["actor"] == "admin-1" and rows[1]["occurredAt"]


def test_a_transition_code_must_agree_with_the_status(api):
    dossier = api.dossier(caseType="CRM_LEAD_B2B_DEMO")
    res = api.move(dossier["id"], "B2B_SCHEDULED", transitionCode="B2B_T_QUALIFY",
                   payload={"qualificationNotes": "x"})
    assert res.status_code == 400 and "status" in res.json["details"]
    assert api.move(dossier["id"]).status_code == 400  # neither status nor code
