"""The global dictionaries every organisation starts with (seeded by migration 0003 from a frozen
JSON copy of ``default_entries()``). Codes never change meaning; labels are FR/AR/EN."""

from __future__ import annotations

from typing import Any

from atlas_crm.domain import catalogue_cases as cases
from atlas_crm.domain import catalogue_contacts as contacts
from atlas_crm.domain import catalogue_platform as platform

DICTIONARIES: dict[str, list[tuple[str, str, str, str]]] = {
    "CASE_TYPE": cases.CASE_TYPE,
    "CASE_STATUS": [(f"CRM_{c}", fr, ar, en) for c, fr, ar, en in cases.CRM_STATUS]
    + cases.B2B_STATUS + cases.COOP_STATUS,
    "LOSS_REASON": cases.LOSS_REASON,
    "WON_REASON": cases.WON_REASON,
    "B2B_LOST_REASON": cases.B2B_LOST_REASON,
    "LEAD_SOURCE": contacts.LEAD_SOURCE,
    "APPOINT_TYPE": contacts.APPOINT_TYPE,
    "APPOINT_STATUS": contacts.APPOINT_STATUS,
    "ACTIVITY_TYPE": contacts.ACTIVITY_TYPE,
    "CHANNEL_TYPE": contacts.CHANNEL_TYPE,
    "CONSENT_TYPE": contacts.CONSENT_TYPE,
    "CONSENT_SOURCE": contacts.CONSENT_SOURCE,
    "STAKEHOLDER_ROLE": contacts.STAKEHOLDER_ROLE,
    "ANN_STATUS": platform.ANN_STATUS,
    "TX_TYPE": platform.TX_TYPE,
    "REPORT_REASON": platform.REPORT_REASON,
    "REPORT_STATUS": platform.REPORT_STATUS,
    "MOD_REASON": platform.MOD_REASON,
    "DOC_TYPE": platform.DOC_TYPE,
    "PAY_METHOD": platform.PAY_METHOD,
    "NEED_TYPE": platform.NEED_TYPE,
    "PLAN_TYPE": platform.PLAN_TYPE,
}


def _metadata(dict_type: str, code: str) -> dict[str, Any]:
    if dict_type == "CASE_TYPE":
        return {"module": "coop" if code.startswith("COOP_") else "crm"}
    if dict_type == "CASE_STATUS":
        parts = code.split("_")  # CRM_NEW -> CRM, B2B_NEW -> B2B, COOP_GROUP_FORMATION -> COOP_GROUP
        return {"family": "_".join(parts[:2]) if parts[0] == "COOP" else parts[0]}
    if dict_type == "ACTIVITY_TYPE":
        return {"system": code in contacts.SYSTEM_ACTIVITIES}
    return {}


def default_entries() -> list[dict[str, Any]]:
    """Every global entry as stored: one dict per (dict_type, code), in display order."""
    return [{"dictType": dict_type, "code": code, "labels": {"fr": fr, "ar": ar, "en": en},
             "sortOrder": (i + 1) * 10, "metadata": _metadata(dict_type, code)}
            for dict_type, rows in DICTIONARIES.items() for i, (code, fr, ar, en) in enumerate(rows)]
