"""B2B demo cases: the dossiers of type CRM_LEAD_B2B_DEMO, searched as the pro cases list shows them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, or_

from atlas_crm.adapters.orm import Dossier
from atlas_crm.adapters.repositories import DOSSIER_SORT, DossierRepository
from atlas_crm.domain.dossier import B2B_DEMO
from atlas_shared.db.repository import Page, apply_sort


class CaseRepository(DossierRepository):
    label = "Case"

    def search(self, filters: dict[str, Any], page: int, size: int, sort: str | None,
               assigned_to: str | None = None) -> Page[Dossier]:
        stmt: Select[Any] = self.select().where(Dossier.case_type == B2B_DEMO)
        for key, column in (("status", Dossier.status), ("assignedTo", Dossier.assigned_to)):
            if filters.get(key) is not None:
                stmt = stmt.where(column == filters[key])
        if filters.get("createdFrom") is not None:
            stmt = stmt.where(Dossier.created_at >= filters["createdFrom"])
        if filters.get("createdTo") is not None:
            stmt = stmt.where(Dossier.created_at <= filters["createdTo"])
        if filters.get("q"):
            like = f"%{filters['q'].strip()}%"
            stmt = stmt.where(or_(Dossier.contact_name.ilike(like), Dossier.phone.ilike(like),
                                  Dossier.phone_raw.ilike(like), Dossier.email.ilike(like),
                                  Dossier.payload["company"].as_string().ilike(like)))
        if assigned_to is not None:
            stmt = stmt.where(Dossier.assigned_to == assigned_to)
        return self.page(apply_sort(stmt, sort, DOSSIER_SORT, "-createdAt", tiebreak=Dossier.id), page, size)
