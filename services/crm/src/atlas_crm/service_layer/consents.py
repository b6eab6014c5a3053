"""Consents: one current state per (dossier, channel, type), every change kept in history and
published as ``consent.changed`` (the outbound service keeps its own deny-by-default copy)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from atlas_crm.adapters.orm import Consent, ConsentHistory, Dossier
from atlas_crm.adapters.repositories import ConsentRepository
from atlas_crm.domain import consent as rules
from atlas_crm.domain.messaging import channel_code, channel_name
from atlas_crm.service_layer import normalise, timeline
from atlas_crm.service_layer.access import list_for_dossier, load_dossier, load_satellite, require_crm
from atlas_crm.service_layer.codes import code_problem
from atlas_crm.service_layer.views import consent_view
from atlas_shared.db.repository import Page
from atlas_shared.db.types import utcnow
from atlas_shared.db.uow import UnitOfWork

DEFAULT_SOURCE = "CONSENT_SRC_UI"


def record_consent(uow: UnitOfWork, data: dict[str, Any]) -> dict[str, Any]:
    """Set the current state of (dossier, channel, type): the first one, or a change of it."""
    require_crm(uow.ctx, "record consents")
    with uow:
        dossier = load_dossier(uow, data["dossierId"], for_update=True)
        consent = set_consent(uow, dossier, data)
        uow.commit()
        return consent_view(consent)


def update_consent(uow: UnitOfWork, consent_id: Any, data: dict[str, Any]) -> dict[str, Any]:
    require_crm(uow.ctx, "change consents")
    with uow:
        consent, dossier = load_satellite(uow, ConsentRepository, consent_id, for_update=True)
        # A change is a new capture: proof and capture time are the new ones, never carried over.
        consent = set_consent(uow, dossier, {"source": consent.source, "status": consent.status, **data,
                                             "channel": consent.channel, "type": consent.type})
        uow.commit()
        return consent_view(consent)


def set_consent(uow: UnitOfWork, dossier: Dossier, data: dict[str, Any]) -> Consent:
    """Validate and store a consent state (no commit): current row, history row, audit, event."""
    values = _validated(uow, data)
    repo = ConsentRepository(uow.session)
    consent = repo.current(dossier.id, values["channel"], values["type"], for_update=True)
    before = consent_view(consent) if consent else None
    if consent is None:
        consent = Consent(dossier_id=dossier.id, version=0, created_by=uow.ctx.user_id, **values)
        uow.session.add(consent)
    for key, value in values.items():
        setattr(consent, key, value)
    consent.version, consent.updated_at = consent.version + 1, utcnow()
    uow.session.flush()
    uow.session.add(ConsentHistory(consent_id=consent.id, dossier_id=dossier.id, version=consent.version,
                                   actor=uow.ctx.user_id, **values))
    after = consent_view(consent)
    uow.audit(f"CONSENT_{consent.status}", "CONSENT", consent.id, before=before, after=after,
              parent=("DOSSIER", dossier.id))
    timeline.log(uow, dossier, "ACT_SYSTEM", f"{consent.type} on {consent.channel}: {consent.status}",
                 related=("CONSENT", consent.id),
                 details={"version": consent.version, "source": consent.source})
    uow.publish("consent.changed", {
        "subjectType": "DOSSIER", "subjectId": str(dossier.id), "dossierId": str(dossier.id),
        "channel": consent.channel, "type": consent.type, "status": consent.status, "phone": dossier.phone,
        "email": dossier.email, "source": consent.source, "proof": consent.proof,
        "capturedAt": after["capturedAt"], "expiresAt": after["expiresAt"], "version": consent.version,
    }, aggregate_type="consent", aggregate_id=consent.id, version=consent.version)
    return consent


def _validated(uow: UnitOfWork, data: dict[str, Any]) -> dict[str, Any]:
    errors: normalise.Errors = {}
    channel = channel_name(data["channel"])
    values = {"channel": channel, "type": data["type"], "status": data["status"],
              "source": data.get("source") or DEFAULT_SOURCE, "proof": rules.as_proof(data.get("proof")),
              "captured_at": data.get("capturedAt") or utcnow(), "expires_at": data.get("expiresAt")}
    for field, dict_type, code in (("channel", "CHANNEL_TYPE", channel_code(channel)),
                                   ("type", "CONSENT_TYPE", values["type"]),
                                   ("source", "CONSENT_SOURCE", values["source"])):
        if problem := code_problem(uow, dict_type, code):
            errors[field] = [problem]
    if problem := rules.proof_problem(values["status"], values["proof"]):
        errors["proof"] = [problem]
    expires: datetime | None = values["expires_at"]
    if expires is not None and expires <= values["captured_at"]:
        errors["expiresAt"] = ["Must be after capturedAt."]
    normalise.raise_if(errors)
    return values


def has_effective_consent(uow: UnitOfWork, dossier: Dossier, channel: str,
                          consent_type: str = rules.CONTACT) -> bool:
    current = ConsentRepository(uow.session).current(dossier.id, channel, consent_type)
    return current is not None and rules.is_effective(current.status, current.expires_at, utcnow())


def list_consents(uow: UnitOfWork, query: dict[str, Any]) -> Page[dict[str, Any]]:
    return list_for_dossier(uow, ConsentRepository, query, consent_view, "read consents")


def consent_history(uow: UnitOfWork, consent_id: Any) -> list[dict[str, Any]]:
    require_crm(uow.ctx, "read consents")
    with uow:
        consent, _ = load_satellite(uow, ConsentRepository, consent_id)
        return [consent_view(h) for h in ConsentRepository(uow.session).history(consent.id)]


def get_consent(uow: UnitOfWork, consent_id: Any) -> dict[str, Any]:
    require_crm(uow.ctx, "read consents")
    with uow:
        return consent_view(load_satellite(uow, ConsentRepository, consent_id)[0])
