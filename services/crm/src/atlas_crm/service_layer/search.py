"""Full-text search over the organisation's CRM: dossiers (names, phones, e-mails), stakeholders,
notes and tasks, messages, and the listings the CRM knows. An AGENT finds only what belongs to the
dossiers assigned to them (and the org's listings)."""

from __future__ import annotations

from typing import Any

from atlas_crm.adapters.orm import SearchDocument
from atlas_crm.adapters.search_index import KINDS, SearchIndex
from atlas_crm.adapters.search_sync import reindex
from atlas_crm.domain.search_text import query_problem, query_terms
from atlas_crm.service_layer.access import agent_scope, require_crm
from atlas_shared.db.engine import Database
from atlas_shared.db.repository import Page
from atlas_shared.db.uow import UnitOfWork
from atlas_shared.errors import ValidationFailed


def hit_view(doc: SearchDocument, score: float) -> dict[str, Any]:
    return {"type": doc.kind, "id": doc.entity_id,
            "dossierId": str(doc.dossier_id) if doc.dossier_id else None, "label": doc.label,
            "snippet": doc.snippet, "score": round(score, 4), "occurredAt": doc.occurred_at.isoformat()}


def search(uow: UnitOfWork, query: dict[str, Any]) -> Page[dict[str, Any]]:
    require_crm(uow.ctx, "search the CRM")
    if problem := query_problem(query.get("q")):
        raise ValidationFailed(details={"q": [problem]})
    kinds = tuple(query.get("types") or KINDS)
    with uow:
        page = SearchIndex(uow.session).search(query_terms(query["q"]), kinds=kinds,
                                               assigned_to=agent_scope(uow.ctx),
                                               page=query.get("page", 1), size=query.get("size", 20))
        return page.map(lambda hit: hit_view(*hit))


def rebuild_index(db: Database) -> dict[str, int]:
    """Rebuild every search document from the CRM tables (after a bulk load that bypassed the ORM)."""
    with db.engine.begin() as connection:
        return reindex(connection)
