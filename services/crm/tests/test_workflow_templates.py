"""The default workflows as data: valid, seeded as shipped, and obeying the rules of every workflow."""

import pytest
from sqlalchemy import select

from atlas_crm.adapters.orm import WorkflowDefinitionRow
from atlas_crm.domain.reference_catalogue import default_entries
from atlas_crm.domain.workflow_modules import CRM_EFFECTS as KNOWN_EFFECTS
from atlas_crm.domain.workflow_modules import CRM_GUARDS as KNOWN_GUARDS
from atlas_crm.domain.workflow_templates import build_definitions
from atlas_crm.migrations.frozen import load
from atlas_shared.workflow import WorkflowDefinition, problems

DEFINITIONS = build_definitions()
STATUS_POOL = {e["code"] for e in default_entries() if e["dictType"] == "CASE_STATUS"}
CRM_TYPES = [t for t in DEFINITIONS if t != "CRM_LEAD_B2B_DEMO"]


def test_every_crm_case_type_has_a_default_workflow():
    case_types = {e["code"] for e in default_entries() if e["dictType"] == "CASE_TYPE"}
    assert set(DEFINITIONS) == {t for t in case_types if not t.startswith("COOP_")}


@pytest.mark.parametrize("case_type", DEFINITIONS)
def test_each_template_is_a_valid_workflow(case_type):
    found = problems(DEFINITIONS[case_type], status_pool=STATUS_POOL, known_guards=KNOWN_GUARDS,
                     known_effects=KNOWN_EFFECTS)
    assert found == []


@pytest.mark.parametrize("case_type", CRM_TYPES)
def test_closing_rules_hold_in_every_crm_template(case_type):
    d = DEFINITIONS[case_type]
    assert {"CRM_CLOSED_LOST"} <= d.terminal_codes <= {"CRM_CLOSED_WON", "CRM_CLOSED_LOST", "CRM_ARCHIVED"}
    for t in d.transitions:
        expected = {"CRM_CLOSED_WON": "WON_REASON", "CRM_CLOSED_LOST": "LOSS_REASON"}.get(t.target)
        assert t.reason_type == expected, t
    for state in d.states:
        if not state.terminal:
            assert any(t.target == "CRM_CLOSED_LOST" for t in d.outgoing(state.code)), state


def test_the_seed_migration_ships_exactly_these_templates():
    """Changing a template means a new frozen copy and a migration that stores a new version."""
    assert load("workflow_templates_v1.json") == {k: d.to_dict() for k, d in DEFINITIONS.items()}
    assert load("reference_data_v1.json") + load("reference_data_v2.json") == default_entries()


def test_the_migrated_database_holds_the_global_defaults(container):
    with container.platform.db.session(tenant_bypass=True) as s:
        rows = s.scalars(select(WorkflowDefinitionRow)).all()
    coop = load("coop_workflow_defaults_v1.json")
    assert {r.case_type for r in rows} == set(DEFINITIONS) | set(coop) and {r.org_id for r in rows} == {None}
    stored = {r.case_type: WorkflowDefinition.from_dict(r.definition) for r in rows}
    assert {k: v for k, v in stored.items() if k in DEFINITIONS} == DEFINITIONS
    assert {k: stored[k].to_dict() for k in coop} == coop
