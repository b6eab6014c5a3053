"""A member's WhatsApp consent, captured with its proof and published as ``consent.changed`` so that
the outbound service enforces it exactly as it does for dossiers (deny by default)."""

from __future__ import annotations

from typing import Any

from atlas_coop.adapters.orm import Member
from atlas_coop.domain.codes import ACT_SYSTEM, MEMBER
from atlas_coop.service_layer import timeline
from atlas_shared.db.types import utcnow
from atlas_shared.db.uow import UnitOfWork

PHONE_CHANGED = "REVOKED"


def record_consent(uow: UnitOfWork, member: Member, status: str, proof: str | None) -> None:
    member.consent_status, member.consent_proof = status, proof
    member.consent_captured_at = utcnow()
    member.consent_version += 1
    uow.publish("consent.changed", consent_payload(member), aggregate_type=MEMBER, aggregate_id=member.id,
                version=member.consent_version)
    timeline.record(uow, member.group_id, (MEMBER, member.id), ACT_SYSTEM,
                    f"Consentement WhatsApp de {member.display_name} : {status}",
                    {"status": status, "proof": proof, "phone": member.phone})


def phone_changed(uow: UnitOfWork, member: Member) -> None:
    """A consent given for one number does not cover another: it must be captured again."""
    if member.consent_status is not None and member.consent_status != PHONE_CHANGED:
        record_consent(uow, member, PHONE_CHANGED,
                       f"Numéro modifié le {utcnow().date().isoformat()} : consentement à recueillir "
                       f"à nouveau.")


def consent_payload(member: Member) -> dict[str, Any]:
    return {"subjectType": MEMBER, "subjectId": member.id, "dossierId": None, "channel": "WHATSAPP",
            "type": "CONSENT_CONTACT", "status": member.consent_status, "phone": member.phone,
            "email": member.email, "source": "CONSENT_SRC_API", "proof": member.consent_proof,
            "capturedAt": member.consent_captured_at, "expiresAt": None, "version": member.consent_version}
