"""Which module runs each case type's workflow, and what a definition for it may name.

The CRM runs dossier pipelines; the coop service runs COOP_GROUP and COOP_PROJECT lifecycles, which a
tenant may override through the CRM's workflow admin (the coop service receives ``workflow.changed``).
Its other lifecycles (members, allocations, ledger) are fixed rules. The guard names are the coop
service's (atlas_coop.domain.workflows.GUARDS); tests/integration checks the two lists agree.
"""

from __future__ import annotations

COOP_PREFIX = "COOP_"
COOP_OVERRIDABLE = {"COOP_GROUP": "COOP_GROUP_", "COOP_PROJECT": "COOP_PROJECT_"}  # case type: status prefix
COOP_GUARDS = frozenset({"VALIDATED_PLAN", "DECISION_DOCUMENT", "PROJECT_HAS_LOTS", "ACTIVE_MEMBERS",
                         "RESUMES_PREVIOUS_STATUS", "IDENTITY_DOCUMENT", "NO_LATE_INSTALMENTS",
                         "ALLOCATION_PV", "ALLOCATION_CONTRACT", "PAST_GRACE"})

# What the CRM knows how to run beside the engine (service_layer/b2b_demo.py).
CRM_GUARDS = frozenset({"APPOINTMENT_DONE"})
CRM_EFFECTS = frozenset({"RECORD_QUALIFICATION", "RECORD_DEAL", "CREATE_APPOINTMENT",
                         "RESCHEDULE_APPOINTMENT", "CANCEL_APPOINTMENT"})

KNOWN_ROLES = frozenset({"ADMIN_ORG", "MANAGER", "AGENT", "OWNER", "COOP_MANAGER", "COOP_MEMBER", "SYSTEM"})
REASON_TYPES = frozenset({"LOSS_REASON", "WON_REASON", "B2B_LOST_REASON"})


def is_coop(case_type: str) -> bool:
    return case_type.startswith(COOP_PREFIX)


def foreign_status(case_type: str, status: str) -> str | None:
    """Why a ``case_type`` workflow may not use ``status`` (None when it may)."""
    prefix = COOP_OVERRIDABLE.get(case_type)
    if prefix and not status.startswith(prefix):
        return f"a {case_type} workflow uses only {prefix}* statuses."
    if not is_coop(case_type) and is_coop(status):
        return f"{COOP_PREFIX}* statuses belong to the coop module's lifecycles."
    return None


def not_configurable(case_type: str) -> str | None:
    """Why a tenant cannot replace ``case_type``'s workflow (None when it can)."""
    if is_coop(case_type) and case_type not in COOP_OVERRIDABLE:
        return (f"{case_type} follows fixed rules of the coop module; "
                f"configurable coop lifecycles: {', '.join(COOP_OVERRIDABLE)}.")
    return None


def known_guards(case_type: str) -> frozenset[str]:
    return COOP_GUARDS if is_coop(case_type) else CRM_GUARDS


def known_effects(case_type: str) -> frozenset[str]:
    return frozenset() if is_coop(case_type) else CRM_EFFECTS
