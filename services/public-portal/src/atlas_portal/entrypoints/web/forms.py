"""HTML forms → the public API's bodies, and the use cases' errors → French messages per field."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from marshmallow import ValidationError

from atlas_portal.entrypoints.http.listings.schemas import LeadSchema, ReportSchema
from atlas_shared.errors import ConsentRequired, ValidationFailed

T = TypeVar("T")
MESSAGES = {
    "fullName": "Indiquez votre nom (120 caractères au plus).",
    "phone": "Indiquez un numéro de téléphone valide, par exemple 06 12 34 56 78.",
    "email": "Cette adresse e-mail n'est pas valide.",
    "message": "Votre message est trop long (2000 caractères au plus).",
    "consentContact": "Cochez cette case pour que l'agence puisse vous recontacter.",
    "reasonCode": "Choisissez un motif.",
    "comment": "Vos précisions sont trop longues (2000 caractères au plus).",
    "reporterContact": "Ce contact est trop long (200 caractères au plus).",
}
LEAD_FIELDS = ("fullName", "phone", "email", "message", "contactChannelPreferred", "website")
REPORT_FIELDS = ("reasonCode", "comment", "reporterContact", "website")


def _blank_to_none(form: Mapping[str, str], names: tuple[str, ...]) -> dict[str, Any]:
    return {name: (form.get(name) or "").strip() or None for name in names}


def _french(fields: Any) -> dict[str, str]:
    return {name: MESSAGES.get(name, "Valeur invalide.") for name in fields}


def lead(form: Mapping[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    raw = {k: v for k, v in _blank_to_none(form, LEAD_FIELDS).items() if v is not None or k == "message"}
    raw["consentContact"] = form.get("consentContact") == "true"
    raw.setdefault("fullName", "")
    raw.setdefault("phone", "")
    try:
        return LeadSchema().load(raw), {}
    except ValidationError as exc:
        return {}, _french(exc.messages)


def report(form: Mapping[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    raw = {k: v for k, v in _blank_to_none(form, REPORT_FIELDS).items() if v is not None}
    try:
        return ReportSchema().load(raw), {}
    except ValidationError as exc:
        return {}, _french(exc.messages)


def attempt(call: Callable[[], T]) -> tuple[T | None, dict[str, str]]:
    """Run a use case; its consent or validation refusal becomes per-field messages."""
    try:
        return call(), {}
    except ConsentRequired:
        return None, _french(["consentContact"])
    except ValidationFailed as exc:
        return None, _french(exc.details or ["phone"])


def echo(form: Mapping[str, str]) -> dict[str, Any]:
    """What the visitor typed, to show it back untouched next to the errors (nothing is lost)."""
    values: dict[str, Any] = {k: v for k, v in form.items() if k != "website"}
    values["consentContact"] = form.get("consentContact") == "true"
    return values
