"""The per-org template registry (admin API)."""

from __future__ import annotations

from typing import Any

from atlas_outbound.adapters.orm import Template
from atlas_outbound.adapters.repositories import TemplateRepository
from atlas_outbound.domain import templates as rules
from atlas_shared.db.repository import Page
from atlas_shared.db.types import utcnow
from atlas_shared.db.uow import UnitOfWork
from atlas_shared.errors import Conflict, ValidationFailed
from atlas_shared.web.auth import require_role

ADMINS = ("ADMIN_ORG",)
READERS = ("ADMIN_ORG", "MANAGER", "AGENT")


def view(t: Template) -> dict[str, Any]:
    return {"id": str(t.id), "channel": t.channel, "code": t.code, "language": t.language,
            "category": t.category, "variables": list(t.variables or []), "body": t.body,
            "subject": t.subject, "active": t.active, "version": t.version,
            "createdAt": t.created_at.isoformat(), "updatedAt": t.updated_at.isoformat()}


def _check(channel: str, variables: list[dict[str, Any]], body: str | None) -> None:
    names = [v["name"] for v in variables]
    problems: dict[str, list[str]] = {}
    if len(set(names)) != len(names):
        problems["variables"] = ["Variable names must be unique."]
    if channel != "WHATSAPP":
        if not (body or "").strip():
            problems["body"] = [f"Required for {channel} templates (Atlas renders them)."]
        unknown = rules.placeholders(body or "") - set(names)
        if unknown:
            problems["body"] = [f"Placeholders without a variable: {', '.join(sorted(unknown))}."]
    if problems:
        raise ValidationFailed("The template is not valid.", problems)


def create(uow: UnitOfWork, data: dict[str, Any]) -> dict[str, Any]:
    require_role(uow.ctx, ADMINS, action="manage templates")
    _check(data["channel"], data.get("variables") or [], data.get("body"))
    with uow:
        repo = TemplateRepository(uow.session)
        if repo.find_key(data["channel"], data["code"], data["language"]) is not None:
            raise Conflict(f"Template {data['code']} ({data['language']}, {data['channel']}) already exists.",
                           {"code": [data["code"]]}, code="TEMPLATE_EXISTS")
        now = utcnow()
        t = Template(channel=data["channel"], code=data["code"], language=data["language"],
                     category=data["category"], variables=data.get("variables") or [], body=data.get("body"),
                     subject=data.get("subject"), active=data.get("active", True), version=1,
                     created_at=now, updated_at=now)
        repo.add(t)
        uow.audit("CREATE", "OUTBOUND_TEMPLATE", t.id, after=view(t))
        uow.commit()
        return view(t)


def update(uow: UnitOfWork, template_id: Any, data: dict[str, Any]) -> dict[str, Any]:
    require_role(uow.ctx, ADMINS, action="manage templates")
    with uow:
        t = TemplateRepository(uow.session).get(template_id, for_update=True)
        before = view(t)
        for key in ("category", "variables", "body", "subject", "active"):
            if key in data:
                setattr(t, key, data[key])
        _check(t.channel, t.variables or [], t.body)
        t.version += 1
        t.updated_at = utcnow()
        after = view(t)
        uow.audit("UPDATE", "OUTBOUND_TEMPLATE", t.id, before=before, after=after)
        uow.commit()
        return after


def get(uow: UnitOfWork, template_id: Any) -> dict[str, Any]:
    require_role(uow.ctx, READERS, action="read templates")
    with uow:
        return view(TemplateRepository(uow.session).get(template_id))


def search(uow: UnitOfWork, filters: dict[str, Any]) -> Page[dict[str, Any]]:
    require_role(uow.ctx, READERS, action="read templates")
    with uow:
        return TemplateRepository(uow.session).search(filters).map(view)
