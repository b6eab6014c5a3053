"""The listing page ``/annonce/{slug}-{id}`` and its forms (contact, report, WhatsApp), posted to the
same use cases as the public API; a refused form comes back with everything the visitor typed."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from flask import Response, redirect, request

from atlas_portal.domain import contact as contact_rules
from atlas_portal.domain.text import place_key
from atlas_portal.entrypoints.http.guard import current_origin
from atlas_portal.entrypoints.web import forms
from atlas_portal.entrypoints.web.routes import FORM, page, pages, uow
from atlas_portal.entrypoints.web.site import base_url
from atlas_portal.service_layer import contact, search
from atlas_shared.errors import AtlasError, NotFound
from atlas_shared.web.app import accepts

ERROR_TEXT = {
    404: ("Page introuvable", "Cette annonce n'est plus en ligne, ou l'adresse est incorrecte."),
    429: ("Trop de demandes", "Vous avez envoyé beaucoup de demandes en peu de temps. "
                              "Réessayez dans une minute."),
    413: ("Envoi trop volumineux", "Le formulaire envoyé est trop volumineux."),
}
FORM_ENDPOINTS = {"pages.send_lead": "lead", "pages.send_report": "report"}


@pages.errorhandler(AtlasError)
def html_error(error: AtlasError):  # type: ignore[no-untyped-def]
    heading, text = ERROR_TEXT.get(error.status, ("Une erreur est survenue", error.message))
    form = FORM_ENDPOINTS.get(request.endpoint or "")
    if form and error.status in (413, 429):  # refused before reading: show the form again, filled in
        state = {form: forms.echo(request.form), f"{form}_errors": {"_form": text}}
        response = _listing_page((request.view_args or {})["slug_id"], error.status, **state)
        response.headers.update(error.headers)
        return response
    body, status = page("error.html", error.status, heading=heading, text=text)
    return body, status, error.headers


def _split(slug_id: str) -> tuple[str, uuid.UUID]:
    """``{slug}-{uuid}`` → (slug, id); anything else is a 404."""
    slug, dash, tail = slug_id[:-37], slug_id[-37:-36], slug_id[-36:]
    try:
        if dash != "-" or not slug:
            raise ValueError(slug_id)
        return slug, uuid.UUID(tail)
    except ValueError:
        raise NotFound("No such listing.", code="LISTING_NOT_FOUND") from None


def _listing_page(slug_id: str, status: int = 200, **forms_state: Any):  # type: ignore[no-untyped-def]
    slug, listing_id = _split(slug_id)
    found, canonical_path = search.resolve_page(uow(), slug, listing_id)
    if canonical_path and request.method == "GET":
        return redirect(canonical_path, 301)
    context = {"lead": {}, "lead_errors": {}, "report": {}, "report_errors": {}, **forms_state}
    body, code = page("listing.html", status, listing=found, path=f"/annonce/{found['slug']}-{listing_id}",
                      canonical=base_url() + found["url"], city_key=place_key(found.get("city")),
                      consent_text=contact_rules.CONSENT_TEXT, **context)
    response = Response(body, code, content_type="text/html; charset=utf-8")
    if code == 200:
        response.last_modified = found["updatedAt"]
    return response


@pages.get("/annonce/<path:slug_id>")
def listing(slug_id: str):  # type: ignore[no-untyped-def]
    return _listing_page(slug_id)


@dataclass(frozen=True)
class Form:
    """One of the listing page's forms: how it is read, which use case takes it, what answers it."""

    name: str
    read: Callable[[Any], tuple[dict[str, Any], dict[str, str]]]
    submit: Callable[..., dict[str, str]]
    reference: str
    heading: str
    text: str


LEAD_FORM = Form("lead", forms.lead, contact.submit_lead, "leadId", "Votre demande a bien été envoyée",
                 "L'agence a reçu votre message et vous recontactera par le canal choisi.")
REPORT_FORM = Form("report", forms.report, contact.submit_report, "reportId", "Merci pour votre signalement",
                   "Notre équipe de modération va examiner cette annonce.")


def _send(slug_id: str, form: Form):  # type: ignore[no-untyped-def]
    """Errors re-render the listing page with what was typed; success shows a confirmation."""
    slug, listing_id = _split(slug_id)
    origin = current_origin()
    data, errors = form.read(request.form)
    if not errors:
        answer, errors = forms.attempt(lambda: form.submit(uow(False), listing_id, data, origin))
    if errors:
        state = {form.name: forms.echo(request.form), f"{form.name}_errors": errors}
        return _listing_page(slug_id, 400, **state)
    found, _ = search.resolve_page(uow(), slug, listing_id)
    return page("sent.html", 201, heading=form.heading, text=form.text, listing=found, back=found["url"],
                reference=answer[form.reference][:8].upper())


@pages.post("/annonce/<path:slug_id>/contact")
@accepts(FORM)
def send_lead(slug_id: str):  # type: ignore[no-untyped-def]
    return _send(slug_id, LEAD_FORM)


@pages.post("/annonce/<path:slug_id>/signaler")
@accepts(FORM)
def send_report(slug_id: str):  # type: ignore[no-untyped-def]
    return _send(slug_id, REPORT_FORM)


@pages.post("/annonce/<path:slug_id>/whatsapp")
@accepts(FORM)
def whatsapp(slug_id: str):  # type: ignore[no-untyped-def]
    slug, listing_id = _split(slug_id)
    found, _ = search.resolve_page(uow(), slug, listing_id)
    if not found.get("whatsappPhone"):
        raise NotFound("This listing has no WhatsApp contact.", code="LISTING_NOT_FOUND")
    contact.record_event(uow(False), listing_id,
                         {"eventType": "WHATSAPP_CLICKED", "meta": {"source": "page"}})
    text = f"Bonjour, je vous contacte au sujet de l'annonce « {found['title']} » {base_url()}{found['url']}"
    return redirect(f"https://wa.me/{found['whatsappPhone'].lstrip('+')}?text={quote(text)}", 303)
