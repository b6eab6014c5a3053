"""The B2B demo summary's reads: the demo requests created in the range and their status history."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Select, select

from atlas_crm.adapters.orm import Dossier, StatusHistory
from atlas_crm.adapters.reporting.scope import Queries
from atlas_crm.domain.dossier import B2B_DEMO


class B2BDemoQueries(Queries):
    def _cohort(self, stmt: Select[Any]) -> Select[Any]:
        return stmt.where(Dossier.case_type == B2B_DEMO, self.during(Dossier.created_at))

    def cases(self) -> list[tuple[uuid.UUID, str, str | None]]:
        """(id, current status, loss reason) of every demo request created in the range."""
        stmt = self._cohort(select(Dossier.id, Dossier.status, Dossier.loss_reason))
        return [(r[0], r[1], r[2]) for r in self.session.execute(stmt)]

    def entries(self, statuses: tuple[str, ...]) -> list[tuple[uuid.UUID, str, datetime]]:
        """(dossier, status, when) of every entry of those cases into these statuses, oldest first."""
        moves = select(StatusHistory.dossier_id, StatusHistory.to_status, StatusHistory.occurred_at)
        stmt = self._cohort(moves.join(Dossier, Dossier.id == StatusHistory.dossier_id)
                            .where(StatusHistory.to_status.in_(statuses)))
        rows = self.session.execute(stmt.order_by(StatusHistory.occurred_at, StatusHistory.dossier_version))
        return [(r[0], r[1], r[2]) for r in rows]
