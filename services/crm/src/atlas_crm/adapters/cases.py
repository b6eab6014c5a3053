"""B2B demo cases: the dossiers of type CRM_LEAD_B2B_DEMO, searched as the pro cases list shows them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Row

from atlas_crm.adapters.orm import Dossier
from atlas_crm.adapters.repositories import DossierRepository
from atlas_crm.domain.dossier import B2B_DEMO
from atlas_shared.db.repository import Page


class CaseRepository(DossierRepository):
    label = "Case"

    def search(self, filters: dict[str, Any], page: int, size: int, sort: str | None,
               assigned_to: str | None = None) -> Page[Row[Any]]:
        return super().search({**filters, "caseType": B2B_DEMO}, page, size, sort, assigned_to)

    def text_columns(self) -> list[Any]:
        return [*super().text_columns(), Dossier.payload["company"].as_string()]
