"""The steps every write of a dossier's satellite shares: audited with the dossier as parent, and the
dossier's lastActivityAt moved (no commit here)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from atlas_crm.adapters.orm import Dossier
from atlas_crm.service_layer import timeline
from atlas_shared.db.uow import UnitOfWork

View = Callable[[Any], dict[str, Any]]


def added(uow: UnitOfWork, row: Any, dossier: Dossier, entity_type: str, view: View) -> dict[str, Any]:
    uow.session.add(row)
    uow.session.flush()
    after = view(row)
    uow.audit("CREATE", entity_type, row.id, after=after, parent=("DOSSIER", dossier.id))
    timeline.touch(dossier)
    return after


def removed(uow: UnitOfWork, row: Any, dossier: Dossier, entity_type: str, view: View) -> dict[str, Any]:
    """Deleted, its last state kept in the audit trail."""
    before = view(row)
    uow.session.delete(row)
    uow.audit("DELETE", entity_type, row.id, before=before, parent=("DOSSIER", dossier.id))
    timeline.touch(dossier)
    return before
