"""Dossier fields and their rules (domain.md section 4)."""

from __future__ import annotations

from decimal import Decimal

DEFAULT_CASE_TYPE = "CRM_LEAD"
DEFAULT_SOURCE = "LEAD_SOURCE_OTHER"
PORTAL_SOURCE, DEMO_SOURCE = "LEAD_SOURCE_PORTAL", "LEAD_SOURCE_BIZ_DEMO_FORM"
B2B_DEMO = "CRM_LEAD_B2B_DEMO"


def budget_problems(budget_min: Decimal | None, budget_max: Decimal | None) -> dict[str, list[str]]:
    if budget_min is not None and budget_max is not None and budget_min > budget_max:
        return {"budgetMax": ["Must be greater than or equal to budgetMin."]}
    return {}


def initials(name: str | None) -> str | None:
    """"Samir El Alaoui" -> "S. E. A.": who the lead is, without their identity."""
    if not name:
        return name
    return " ".join(f"{part[0].upper()}." for part in name.split() if part[0].isalpha()) or "…"
