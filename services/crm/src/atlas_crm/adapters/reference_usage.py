"""How many of the organisation's records use a dictionary code (a used code is disabled, not deleted).

Runs in a tenant session, so every count is the caller's organisation's only.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from atlas_crm.adapters.orm import (
    Activity,
    Appointment,
    Consent,
    ConsentHistory,
    Dossier,
    Stakeholder,
    StatusHistory,
)

# What records store codes of each dictionary, by the name the answer gives them.
USERS: dict[str, dict[str, tuple[InstrumentedAttribute[Any], ...]]] = {
    "CASE_TYPE": {"dossiers": (Dossier.case_type,)},
    "CASE_STATUS": {"dossiers": (Dossier.status,),
                    "statusHistory": (StatusHistory.from_status, StatusHistory.to_status)},
    "LOSS_REASON": {"dossiers": (Dossier.loss_reason,), "statusHistory": (StatusHistory.loss_reason,)},
    "B2B_LOST_REASON": {"dossiers": (Dossier.loss_reason,), "statusHistory": (StatusHistory.loss_reason,)},
    "WON_REASON": {"dossiers": (Dossier.won_reason,), "statusHistory": (StatusHistory.won_reason,)},
    "LEAD_SOURCE": {"dossiers": (Dossier.source,)},
    "APPOINT_TYPE": {"appointments": (Appointment.type,)},
    "APPOINT_STATUS": {"appointments": (Appointment.status,)},
    "ACTIVITY_TYPE": {"activities": (Activity.type,)},
    "CONSENT_TYPE": {"consents": (Consent.type,), "consentHistory": (ConsentHistory.type,)},
    "CONSENT_SOURCE": {"consents": (Consent.source,), "consentHistory": (ConsentHistory.source,)},
    "STAKEHOLDER_ROLE": {"stakeholders": (Stakeholder.role,)},
}


def usage(session: Session, dict_type: str, code: str) -> dict[str, int] | None:
    """``{records: count}`` for the codes the CRM stores; None when the CRM cannot know."""
    users = USERS.get(dict_type)
    if users is None:
        return None
    counts = {}
    for name, columns in users.items():
        model = columns[0].class_
        counts[name] = session.scalar(
            select(func.count()).select_from(model).where(or_(*(column == code for column in columns)))) or 0
    return counts
