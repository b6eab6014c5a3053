"""Per-organisation CRM settings (ADMIN_ORG) and the WhatsApp number → organisation lookup."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from atlas_crm.adapters.orm import OrgSettings
from atlas_crm.domain.policies import DEFAULTS
from atlas_crm.service_layer.access import ADMIN
from atlas_crm.service_layer.views import ts
from atlas_shared.db.tenancy import BYPASS_KEY
from atlas_shared.db.types import utcnow
from atlas_shared.db.uow import UnitOfWork
from atlas_shared.errors import Conflict
from atlas_shared.web.auth import require_role

FIELDS = {"whatsappPhoneNumberId": "whatsapp_phone_number_id",
          "appointmentOverlapPolicy": "appointment_overlap_policy", "dedupePolicy": "dedupe_policy",
          "ownerCaseAccess": "owner_case_access"}


def effective(session: Session, org_id: Any) -> dict[str, Any]:
    """The org's settings, defaults filled in (an org that never saved any has the defaults)."""
    row = session.get(OrgSettings, uuid.UUID(str(org_id)))
    if row is None:
        return {**DEFAULTS, "version": 0, "updatedAt": None, "updatedBy": None}
    return {**{key: getattr(row, column) for key, column in FIELDS.items()}, "version": row.version,
            "updatedAt": ts(row.updated_at), "updatedBy": row.updated_by}


def get_settings(uow: UnitOfWork) -> dict[str, Any]:
    require_role(uow.ctx, ADMIN, action="read the organisation's settings")
    with uow:
        return effective(uow.session, uow.ctx.org_id)


def update_settings(uow: UnitOfWork, data: dict[str, Any]) -> dict[str, Any]:
    require_role(uow.ctx, ADMIN, action="change the organisation's settings")
    with uow:
        org = uuid.UUID(str(uow.ctx.org_id))
        row = uow.session.get(OrgSettings, org, with_for_update=True)
        before = effective(uow.session, org)
        number = data.get("whatsappPhoneNumberId", before["whatsappPhoneNumberId"])
        owner = org_for_whatsapp_number(uow.session, number) if number else None
        if owner is not None and owner != str(org):
            raise Conflict("This WhatsApp phone number id is already used by another organisation.",
                           {"whatsappPhoneNumberId": [number]}, code="WHATSAPP_NUMBER_IN_USE")
        if row is None:
            row = OrgSettings(org_id=org, version=0, **{FIELDS[k]: v for k, v in DEFAULTS.items()})
            uow.session.add(row)
        for key, column in FIELDS.items():
            if key in data:
                setattr(row, column, data[key])
        row.version, row.updated_by, row.updated_at = row.version + 1, uow.ctx.user_id, utcnow()
        uow.session.flush()
        after = effective(uow.session, org)
        uow.audit("ORG_SETTINGS_UPDATED", "ORG_SETTINGS", org, before=before, after=after)
        uow.commit()
    return after


def org_for_whatsapp_number(session: Session, phone_number_id: str) -> str | None:
    """The org whose WhatsApp Business number has this phone-number id (inbound webhooks).

    Reads across organisations on purpose: the one tenant-bypassing statement of this module.
    """
    org = session.scalar(select(OrgSettings.org_id)
                         .where(OrgSettings.whatsapp_phone_number_id == phone_number_id)
                         .execution_options(**{BYPASS_KEY: True}))
    return str(org) if org is not None else None
