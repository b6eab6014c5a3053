"""Validating a whole workflow definition: each problem named, located and explained."""

import pytest

from atlas_shared.workflow import (
    InvalidWorkflow,
    State,
    Transition,
    WorkflowDefinition,
    ensure_valid,
    problems,
)


def definition(states, transitions, case_type="CRM_LEAD_BUY"):
    return WorkflowDefinition(case_type, 1, tuple(states), tuple(transitions))


VALID = definition([State("A", initial=True), State("B"), State("Z", terminal=True)],
                   [Transition("A", "B"), Transition("B", "Z")])


def codes(d, **options):
    return [(p.code, p.path) for p in problems(d, **options)]


def test_a_sound_definition_has_no_problem():
    assert problems(VALID) == []
    ensure_valid(VALID)


def test_transitions_must_reference_declared_states():
    d = definition(VALID.states, [*VALID.transitions, Transition("B", "C"), Transition("Q", "Z")])
    assert ("UNDECLARED_STATE", "transitions[2].to") in codes(d)
    assert ("UNDECLARED_STATE", "transitions[3].from") in codes(d)


def test_exactly_one_initial_state():
    none = definition([State("A"), State("Z", terminal=True)], [Transition("A", "Z")])
    assert codes(none) == [("NO_INITIAL_STATE", "states")]
    two = definition([State("A", initial=True), State("B", initial=True), State("Z", terminal=True)],
                     [Transition("A", "Z"), Transition("B", "Z")])
    [(code, _)] = codes(two)
    assert code == "SEVERAL_INITIAL_STATES"
    assert "A, B" in problems(two)[0].message


def test_terminal_states_have_no_way_out():
    d = definition(VALID.states, [*VALID.transitions, Transition("Z", "A")])
    assert codes(d) == [("TERMINAL_HAS_OUTGOING", "transitions[2]")]


def test_every_state_reachable_and_no_dead_end():
    d = definition([*VALID.states, State("ISLAND"), State("STUCK")], [*VALID.transitions, Transition("B", "STUCK")])
    assert ("UNREACHABLE_STATE", "states[3]") in codes(d)
    assert ("DEAD_END", "states[4]") in codes(d) and ("DEAD_END", "states[3]") in codes(d)


def test_coop_workflows_use_only_coop_statuses():
    d = definition([State("COOP_GROUP_FORMATION", initial=True), State("CRM_CLOSED_WON", terminal=True)],
                   [Transition("COOP_GROUP_FORMATION", "CRM_CLOSED_WON")], case_type="COOP_GROUP")
    assert codes(d) == [("FOREIGN_STATUS", "states[1]")]


def test_duplicates_and_ambiguous_codes():
    d = definition([*VALID.states, State("A", terminal=True)],
                   [*VALID.transitions, Transition("A", "B"), Transition("A", "Z", "GO"), Transition("A", "B", "GO")])
    found = codes(d)
    assert ("DUPLICATE_STATE", "states[0]") in found
    assert ("DUPLICATE_TRANSITION", "transitions[2]") in found
    assert ("AMBIGUOUS_CODE", "transitions[4].code") in found


def test_optional_pools_of_statuses_guards_and_effects():
    d = definition(VALID.states, [Transition("A", "B", guards=("PAID",)), Transition("B", "Z", effects=("MAIL",))])
    assert codes(d, status_pool={"A", "B"}, known_guards=set(), known_effects={"MAIL"}) == [
        ("UNKNOWN_STATUS", "states[2]"), ("UNKNOWN_GUARD", "transitions[0].guards")]


def test_ensure_valid_raises_one_error_listing_every_problem():
    d = definition([State("A", initial=True), State("B")], [Transition("A", "C")])
    with pytest.raises(InvalidWorkflow) as err:
        ensure_valid(d)
    assert err.value.status == 400 and err.value.code == "VALIDATION_ERROR"
    assert set(err.value.details) == {"transitions[0].to", "states", "states[1]"}
    assert err.value.details["states"] == ["NO_TERMINAL_STATE: Mark at least one state as terminal."]


def test_malformed_json_is_reported_per_field():
    with pytest.raises(InvalidWorkflow) as err:
        WorkflowDefinition.from_dict({"caseType": "", "version": 0, "states": [{"code": ""}, 3],
                                      "transitions": [{"from": "A"}]})
    assert set(err.value.details) == {"caseType", "version", "states[0].code", "states[1]", "transitions[0].to"}
    with pytest.raises(InvalidWorkflow) as err:
        WorkflowDefinition.from_dict({"caseType": "X"})
    assert set(err.value.details) == {"states", "transitions"}
