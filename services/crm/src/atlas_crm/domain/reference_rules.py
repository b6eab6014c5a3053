"""What an organisation may change in its dictionaries (domain.md sections 1 and 4).

Codes are UPPER_SNAKE and carry their dictionary's prefix, so that a code names its meaning wherever it
travels. Some dictionaries are closed: each of their codes is implemented by a rule somewhere (a listing
status, an appointment status, a channel with a provider), so a tenant may relabel or reorder them but
not add or disable any. A few codes of open dictionaries are locked for the same reason (the portal's
leads arrive with LEAD_SOURCE_PORTAL, a Biz demo request is a CRM_LEAD_B2B_DEMO case, ...).
"""

from __future__ import annotations

import re

from atlas_crm.domain.reference_catalogue import DICTIONARIES

CODE_SHAPE = re.compile(r"^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$")
CODE_MAX_LENGTH = 60

# The prefixes a new code of each dictionary must start with (no entry: any UPPER_SNAKE code). The coop
# module's case types and statuses are fixed sets of its own, so a tenant adds CRM ones only.
PREFIXES: dict[str, tuple[str, ...]] = {
    "CASE_TYPE": ("CRM_",),
    "CASE_STATUS": ("CRM_", "B2B_"),
    "B2B_LOST_REASON": ("B2B_LOST_",),
    "LEAD_SOURCE": ("LEAD_SOURCE_",),
    "APPOINT_TYPE": ("APPOINT_",),
    "APPOINT_STATUS": ("APPOINT_",),
    "ACTIVITY_TYPE": ("ACT_",),
    "CHANNEL_TYPE": ("CHAN_",),
    "CONSENT_TYPE": ("CONSENT_",),
    "CONSENT_SOURCE": ("CONSENT_SRC_",),
    "ANN_STATUS": ("ANN_",),
    "TX_TYPE": ("TX_",),
    "REPORT_REASON": ("REPORT_",),
    "REPORT_STATUS": ("REPORT_",),
    "MOD_REASON": ("MOD_",),
    "DOC_TYPE": ("DOC_",),
    "PAY_METHOD": ("PAY_METHOD_",),
    "NEED_TYPE": ("NEED_TYPE_",),
    "PLAN_TYPE": ("PLAN_TYPE_",),
}

# Codes another service checks against its own rules (it does not read tenant dictionaries yet):
# an addition or a disabled code here would not change what that service accepts, so these are
# labels and order only, like the closed ones.
ENFORCED_BY = {"ANN_STATUS": "listings", "TX_TYPE": "listings", "MOD_REASON": "listings",
               "REPORT_REASON": "public-portal", "REPORT_STATUS": "listings", "DOC_TYPE": "coop",
               "PAY_METHOD": "coop"}

CLOSED = frozenset({"APPOINT_STATUS", "CHANNEL_TYPE", "CONSENT_TYPE", "ACTIVITY_TYPE", *ENFORCED_BY})

LOCKED_CODES: dict[str, frozenset[str]] = {
    "CASE_TYPE": frozenset({"CRM_LEAD", "CRM_LEAD_B2B_DEMO", "COOP_GROUP", "COOP_PROJECT",
                            "COOP_MEMBER_CASE", "COOP_ALLOCATION"}),
    "CASE_STATUS": frozenset({"CRM_NEW", "CRM_CLOSED_WON", "CRM_CLOSED_LOST"}),
    "LEAD_SOURCE": frozenset({"LEAD_SOURCE_PORTAL", "LEAD_SOURCE_WHATSAPP", "LEAD_SOURCE_BIZ_DEMO_FORM",
                              "LEAD_SOURCE_OTHER"}),
    "APPOINT_TYPE": frozenset({"APPOINT_DEMO"}),
    "CONSENT_SOURCE": frozenset({"CONSENT_SRC_FORM", "CONSENT_SRC_API", "CONSENT_SRC_UI",
                                 "CONSENT_SRC_WHATSAPP_INBOUND"}),
    "LOSS_REASON": frozenset({"OTHER"}),
    "WON_REASON": frozenset({"OTHER"}),
    "B2B_LOST_REASON": frozenset({"B2B_LOST_OTHER"}),
}

# Dictionaries whose codes other services store too (the Biz form's needs and plan): the CRM cannot see
# whether a code is used there, so it never deletes one of them, it disables it.
FOREIGN = frozenset({*ENFORCED_BY, "NEED_TYPE", "PLAN_TYPE"})

KNOWN_TYPES = tuple(DICTIONARIES)


def code_problems(dict_type: str, code: str) -> list[str]:
    """Why ``code`` cannot be a new code of ``dict_type`` (empty when it can)."""
    found = []
    if len(code) > CODE_MAX_LENGTH:
        found.append(f"At most {CODE_MAX_LENGTH} characters.")
    if not CODE_SHAPE.match(code):
        found.append("Use UPPER_SNAKE: capital letters, digits and single underscores, "
                     "starting with a letter.")
    prefixes = PREFIXES.get(dict_type, ())
    if prefixes and not code.startswith(prefixes):
        found.append(f"A {dict_type} code starts with {' or '.join(prefixes)} followed by a name.")
    return found


def closed_reason(dict_type: str) -> str:
    if dict_type in ENFORCED_BY:
        return (f"{dict_type} codes are checked by the {ENFORCED_BY[dict_type]} service's own rules, so "
                "codes cannot be added or disabled here; labels and order can be changed.")
    return (f"{dict_type} is a closed dictionary: each of its codes is implemented by a rule, so codes "
            "cannot be added or disabled; labels and order can be changed.")


def is_locked(dict_type: str, code: str) -> bool:
    """True when the code is implemented by a rule: it may be relabelled, never disabled."""
    return dict_type in CLOSED or code in LOCKED_CODES.get(dict_type, frozenset())
