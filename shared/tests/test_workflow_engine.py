"""The workflow engine: what a role may do from a state, and why a move is refused."""

import pytest

from atlas_shared.workflow import (
    GuardFailed,
    State,
    Transition,
    TransitionForbidden,
    TransitionIncomplete,
    TransitionRefused,
    WorkflowDefinition,
    allowed,
    check,
    describe,
)

PIPELINE = WorkflowDefinition(
    case_type="CRM_LEAD_BUY", version=3,
    states=(State("NEW", initial=True), State("QUALIFIED"), State("ON_HOLD"), State("WON", terminal=True),
            State("LOST", terminal=True)),
    transitions=(
        Transition("NEW", "QUALIFIED", "T_QUALIFY", required_fields=("notes",)),
        Transition("QUALIFIED", "ON_HOLD"), Transition("ON_HOLD", "QUALIFIED"),
        Transition("QUALIFIED", "NEW", "T_REOPEN", roles=frozenset({"MANAGER"}), required_fields=("reason",)),
        Transition("QUALIFIED", "WON", reason_type="WON_REASON", guards=("PAID",)),
        Transition("NEW", "LOST", reason_type="LOSS_REASON"),
        Transition("QUALIFIED", "LOST", reason_type="LOSS_REASON"),
        Transition("ON_HOLD", "LOST", reason_type="LOSS_REASON"),
    ))
AGENT, MANAGER, ADMIN = {"AGENT"}, {"MANAGER"}, {"ADMIN_ORG"}
CODES = {"LOSS_REASON": {"PRICE_TOO_HIGH", "OTHER"}, "WON_REASON": {"SIGNED"}}


def test_allowed_lists_only_what_the_roles_may_do():
    assert [t.target for t in allowed(PIPELINE, "QUALIFIED", AGENT)] == ["ON_HOLD", "WON", "LOST"]
    assert [t.code for t in allowed(PIPELINE, "QUALIFIED", MANAGER)][:3] == [None, "T_REOPEN", None]
    assert allowed(PIPELINE, "WON", AGENT) == [] and allowed(PIPELINE, "UNKNOWN", MANAGER) == []


def test_a_move_is_named_by_target_or_by_code():
    assert check(PIPELINE, "NEW", "QUALIFIED", AGENT, {"notes": "budget ok"}).code == "T_QUALIFY"
    assert check(PIPELINE, "NEW", "T_QUALIFY", AGENT, {"notes": "budget ok"}).target == "QUALIFIED"


def test_unknown_move_is_refused_with_the_allowed_targets():
    with pytest.raises(TransitionRefused) as err:
        check(PIPELINE, "NEW", "WON", AGENT, {"wonReason": "SIGNED"})
    assert err.value.status == 409 and err.value.code == "TRANSITION_NOT_ALLOWED"
    assert err.value.details["allowed"] == ["LOST", "QUALIFIED"]
    assert "allowed: LOST, QUALIFIED" in err.value.message


def test_role_restricted_move_is_forbidden_for_others():
    with pytest.raises(TransitionForbidden) as err:
        check(PIPELINE, "QUALIFIED", "T_REOPEN", AGENT, {"reason": "mistake"})
    assert err.value.status == 403 and err.value.details == {"requiredRoles": ["MANAGER"]}
    assert check(PIPELINE, "QUALIFIED", "NEW", MANAGER, {"reason": "mistake"}).code == "T_REOPEN"


def test_required_fields_and_reasons_are_checked_per_field():
    with pytest.raises(TransitionIncomplete) as err:
        check(PIPELINE, "NEW", "QUALIFIED", AGENT, {"notes": "   "})
    assert err.value.status == 400 and set(err.value.details) == {"notes"}
    with pytest.raises(TransitionIncomplete) as err:
        check(PIPELINE, "NEW", "LOST", AGENT, {}, reason_codes=CODES)
    assert "LOSS_REASON code is required" in err.value.details["lossReason"][0]
    with pytest.raises(TransitionIncomplete) as err:
        check(PIPELINE, "NEW", "LOST", AGENT, {"lossReason": "BORED"}, reason_codes=CODES)
    assert "allowed: OTHER, PRICE_TOO_HIGH" in err.value.details["lossReason"][0]
    assert check(PIPELINE, "NEW", "LOST", AGENT, {"lossReason": "OTHER"}, reason_codes=CODES).target == "LOST"


def test_a_reason_of_the_wrong_kind_is_refused_not_dropped():
    with pytest.raises(TransitionIncomplete) as err:
        check(PIPELINE, "NEW", "LOST", AGENT, {"lossReason": "OTHER", "wonReason": "SIGNED"})
    assert set(err.value.details) == {"wonReason"}


def test_guards_run_after_fields_and_fail_closed():
    payload = {"wonReason": "SIGNED"}
    with pytest.raises(GuardFailed) as err:
        check(PIPELINE, "QUALIFIED", "WON", AGENT, payload)
    assert err.value.status == 409 and err.value.details["guard"] == "PAID"
    with pytest.raises(GuardFailed, match="deposit missing"):
        check(PIPELINE, "QUALIFIED", "WON", AGENT, payload, guards={"PAID": lambda t, p: "deposit missing"})
    assert check(PIPELINE, "QUALIFIED", "WON", AGENT, payload, guards={"PAID": lambda t, p: None}).target == "WON"


def test_terminal_states_are_final_except_for_an_admin_reopen():
    with pytest.raises(TransitionRefused, match="final status"):
        check(PIPELINE, "WON", "QUALIFIED", MANAGER, {"reason": "client came back"})
    with pytest.raises(TransitionIncomplete) as err:
        check(PIPELINE, "WON", "QUALIFIED", ADMIN, {})
    assert set(err.value.details) == {"reason"}
    reopen = check(PIPELINE, "WON", "QUALIFIED", ADMIN, {"reason": "client came back"})
    assert reopen.override and reopen.code == "REOPEN"
    with pytest.raises(TransitionRefused):
        check(PIPELINE, "WON", "LOST", ADMIN, {"reason": "x", "lossReason": "OTHER"})
    assert {t.target for t in allowed(PIPELINE, "LOST", ADMIN)} == {"NEW", "QUALIFIED", "ON_HOLD"}


def test_a_status_the_definition_no_longer_has_only_an_admin_can_move():
    with pytest.raises(TransitionRefused, match="not part of the CRM_LEAD_BUY workflow"):
        check(PIPELINE, "CRM_VISIT_DONE", "QUALIFIED", MANAGER, {"reason": "new workflow"})
    assert allowed(PIPELINE, "CRM_VISIT_DONE", MANAGER) == []
    moved = check(PIPELINE, "CRM_VISIT_DONE", "QUALIFIED", ADMIN, {"reason": "new workflow"})
    assert moved.override and moved.source == "CRM_VISIT_DONE"


def test_two_transitions_to_the_same_target_need_a_code():
    twin = WorkflowDefinition("X", 1, PIPELINE.states, (*PIPELINE.transitions,
                                                       Transition("NEW", "QUALIFIED", "T_FAST")))
    with pytest.raises(TransitionIncomplete) as err:
        check(twin, "NEW", "QUALIFIED", AGENT, {"notes": "n"})
    assert "T_FAST, T_QUALIFY" in err.value.details["transitionCode"][0]


def test_describe_lists_every_field_the_user_must_fill():
    lose = check(PIPELINE, "NEW", "LOST", AGENT, {"lossReason": "OTHER"})
    assert describe(lose) == {"code": None, "from": "NEW", "to": "LOST", "requiredFields": ["lossReason"],
                              "reasonType": "LOSS_REASON", "roles": [], "override": False}


def test_definitions_round_trip_through_json():
    again = WorkflowDefinition.from_dict(PIPELINE.to_dict())
    assert again == PIPELINE
