"""The CRM's workflow admin and the coop service agree on the coop lifecycles a tenant may configure:
the global versions the CRM seeded are the coop service's defaults, with the same guard names."""

from atlas_coop.domain import workflows as coop
from atlas_crm.domain import workflow_modules
from atlas_crm.migrations.frozen import load


def test_the_crm_seeds_the_coop_defaults_a_tenant_may_override():
    seeded = load("coop_workflow_defaults_v1.json")
    assert set(seeded) == set(coop.OVERRIDABLE) == set(workflow_modules.COOP_OVERRIDABLE)
    assert seeded == {case_type: coop.DEFAULTS[case_type].to_dict() for case_type in coop.OVERRIDABLE}


def test_the_crm_validates_coop_definitions_with_the_coop_guard_names():
    assert workflow_modules.COOP_GUARDS == frozenset(coop.GUARDS)
    for case_type, prefix in workflow_modules.COOP_OVERRIDABLE.items():
        assert all(status.startswith(prefix) for status in coop.STATUS_POOLS[case_type])
