"""The admin API's dictionaries: a tenant sees the global defaults plus its own additions and overrides.

A tenant never edits a global row: relabelling or disabling a global code writes the tenant's own row
of the same code (an override), which ``Dictionaries`` prefers. A code some record uses, a global code,
or a code another service stores is disabled, never deleted; only an unused addition of the tenant's own
is deleted. Every change is audited and published as ``reference_data.changed``.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.exc import IntegrityError

from atlas_crm.adapters.orm import ReferenceEntry
from atlas_crm.adapters.reference_data import active_workflow_rows, entry_rows
from atlas_crm.adapters.reference_usage import usage
from atlas_crm.domain import reference_rules as rules
from atlas_crm.service_layer.access import ADMIN, CRM_ROLES
from atlas_crm.service_layer.views import ts
from atlas_shared.db.types import utcnow
from atlas_shared.db.uow import UnitOfWork
from atlas_shared.errors import Conflict, NotFound, ValidationFailed
from atlas_shared.web.auth import require_role

READERS = (*CRM_ROLES, "MODERATOR")
GLOBAL, OVERRIDE, TENANT = "GLOBAL", "OVERRIDE", "TENANT"


class ReferenceLocked(Conflict):
    code = "REFERENCE_LOCKED"


class ReferenceInUse(Conflict):
    code = "REFERENCE_IN_USE"


def list_dictionaries(uow: UnitOfWork) -> list[dict[str, Any]]:
    require_role(uow.ctx, READERS, action="read reference data")
    with uow:
        found = []
        for dict_type in rules.KNOWN_TYPES:
            entries = _merged(uow, dict_type)
            found.append({"dictType": dict_type, "closed": dict_type in rules.CLOSED,
                          "prefixes": list(rules.PREFIXES.get(dict_type, ())), "total": len(entries),
                          "active": sum(1 for e in entries if e["isActive"])})
        return found


def list_entries(uow: UnitOfWork, dict_type: str, filters: dict[str, Any], page: int,
                 size: int) -> dict[str, Any]:
    require_role(uow.ctx, READERS, action="read reference data")
    _known(dict_type)
    with uow:
        entries = _merged(uow, dict_type)
    if filters.get("active") is not None:
        entries = [e for e in entries if e["isActive"] is filters["active"]]
    if filters.get("origin"):
        entries = [e for e in entries if e["origin"] == filters["origin"]]
    if text := (filters.get("q") or "").strip().lower():
        entries = [e for e in entries if text in e["code"].lower()
                   or any(text in (v or "").lower() for v in e["labels"].values())]
    start = (page - 1) * size
    return {"page": page, "size": size, "total": len(entries), "items": entries[start:start + size]}


def get_entry(uow: UnitOfWork, dict_type: str, code: str) -> dict[str, Any]:
    require_role(uow.ctx, READERS, action="read reference data")
    _known(dict_type)
    with uow:
        globals_, own = entry_rows(uow.session, uow.ctx.org_id, dict_type, code)
        row = own.get(code) or globals_.get(code)
        if row is None:
            raise _not_found(dict_type, code)
        return {**_view(row, code in globals_), "usage": usage(uow.session, dict_type, code)}


def create_entry(uow: UnitOfWork, dict_type: str, data: dict[str, Any]) -> dict[str, Any]:
    require_role(uow.ctx, ADMIN, action="change reference data")
    _known(dict_type)
    code = data["code"]
    if dict_type in rules.CLOSED:
        raise ReferenceLocked(rules.closed_reason(dict_type))
    if problems := rules.code_problems(dict_type, code):
        raise ValidationFailed(details={"code": problems})
    with uow:
        globals_, own = entry_rows(uow.session, uow.ctx.org_id, dict_type, code)
        if code in globals_ or code in own:
            raise Conflict(f"{dict_type} already has {code}; change it with PUT "
                           f"/api/v1/admin/reference-data/{dict_type}/{code}.", code="REFERENCE_EXISTS")
        now = utcnow()
        row = ReferenceEntry(org_id=uuid.UUID(str(uow.ctx.org_id)), dict_type=dict_type, code=code,
                             created_at=now)
        _fill(row, {"sortOrder": 1000, "isActive": True, "metadata": {}, **data}, now)
        uow.session.add(row)
        view = _view(row, has_global=False)
        _record(uow, "CREATED", None, view)
        _commit(uow, dict_type, code)
        return view


def update_entry(uow: UnitOfWork, dict_type: str, code: str, data: dict[str, Any]) -> dict[str, Any]:
    """Relabel, reorder, re-describe, enable or disable one code (a global one through an override)."""
    require_role(uow.ctx, ADMIN, action="change reference data")
    _known(dict_type)
    with uow:
        row, has_global, before = _own_row(uow, dict_type, code)
        if data.get("isActive") is False and row.is_active:
            _ensure_may_disable(uow, dict_type, code)
        _fill(row, data, utcnow())
        after = _view(row, has_global)
        _record(uow, "UPDATED", before, after)
        _commit(uow, dict_type, code)
        return after


def remove_entry(uow: UnitOfWork, dict_type: str, code: str) -> dict[str, Any]:
    """Delete an unused code of the tenant's own; disable any other (and say why)."""
    require_role(uow.ctx, ADMIN, action="change reference data")
    _known(dict_type)
    with uow:
        row, has_global, before = _own_row(uow, dict_type, code)
        used = usage(uow.session, dict_type, code)
        _ensure_may_disable(uow, dict_type, code)
        if has_global:
            why = "It is a global default: it is disabled for this organisation and can be re-enabled."
        elif dict_type in rules.FOREIGN:
            why = "Its dictionary is used by other services, which may hold it: it is disabled."
        elif used and any(used.values()):
            why = "It is used by " + ", ".join(f"{n} {name}" for name, n in used.items() if n) + \
                  ": it is disabled, so existing records keep it and new ones cannot use it."
        else:
            uow.session.delete(row)
            _record(uow, "DELETED", before, None)
            _commit(uow, dict_type, code)
            return {"dictType": dict_type, "code": code, "action": "DELETED", "usage": used,
                    "message": f"{code} was not used by any record and is deleted."}
        row.is_active, row.updated_at = False, utcnow()
        after = _view(row, has_global)
        _record(uow, "DISABLED", before, after)
        _commit(uow, dict_type, code)
        return {"dictType": dict_type, "code": code, "action": "DISABLED", "usage": used, "message": why,
                "entry": after}


def _known(dict_type: str) -> None:
    if dict_type not in rules.KNOWN_TYPES:
        raise NotFound(f"There is no dictionary {dict_type}; known: {', '.join(rules.KNOWN_TYPES)}.",
                       code="DICTIONARY_NOT_FOUND")


def _not_found(dict_type: str, code: str) -> NotFound:
    return NotFound(f"{dict_type} has no code {code}.", code="REFERENCE_NOT_FOUND")


def _merged(uow: UnitOfWork, dict_type: str) -> list[dict[str, Any]]:
    globals_, own = entry_rows(uow.session, uow.ctx.org_id, dict_type)
    rows = {**globals_, **own}
    views = [_view(row, code in globals_) for code, row in rows.items()]
    return sorted(views, key=lambda v: (v["sortOrder"], v["code"]))


def _own_row(uow: UnitOfWork, dict_type: str,
             code: str) -> tuple[ReferenceEntry, bool, dict[str, Any]]:
    """The tenant's row of ``code`` (an override copied from the global row when there is none yet),
    whether a global row exists, and the entry as the tenant saw it before."""
    globals_, own = entry_rows(uow.session, uow.ctx.org_id, dict_type, code)
    base = own.get(code) or globals_.get(code)
    if base is None:
        raise _not_found(dict_type, code)
    before = _view(base, code in globals_)
    if code in own:
        return own[code], code in globals_, before
    row = ReferenceEntry(org_id=uuid.UUID(str(uow.ctx.org_id)), dict_type=dict_type, code=code,
                         label_fr=base.label_fr, label_ar=base.label_ar, label_en=base.label_en,
                         sort_order=base.sort_order, is_active=base.is_active, meta=dict(base.meta or {}),
                         created_at=utcnow(), updated_at=utcnow())
    uow.session.add(row)
    return row, True, before


def _ensure_may_disable(uow: UnitOfWork, dict_type: str, code: str) -> None:
    if dict_type in rules.CLOSED:
        raise ReferenceLocked(rules.closed_reason(dict_type))
    if rules.is_locked(dict_type, code):
        raise ReferenceLocked(f"{code} is implemented by a rule of Atlas and cannot be disabled; "
                              "its labels and order can be changed.")
    if dict_type == "CASE_STATUS":
        workflows = [f"{case_type} v{row.version}" for case_type, row in
                     active_workflow_rows(uow.session, uow.ctx.org_id).items()
                     if any(s.get("code") == code for s in row.definition.get("states", []))]
        if workflows:
            raise ReferenceInUse(f"{code} is a state of the workflow(s) {', '.join(workflows)} in force; "
                                 "remove it from them first (PUT /api/v1/admin/workflows/{caseType}).",
                                 {"workflows": workflows})


def _fill(row: ReferenceEntry, data: dict[str, Any], now: Any) -> None:
    labels = data.get("labels") or {}
    if "fr" in labels:
        row.label_fr = labels["fr"]
    if "ar" in labels:
        row.label_ar = labels["ar"]
    if "en" in labels:
        row.label_en = labels["en"]
    if data.get("sortOrder") is not None:
        row.sort_order = data["sortOrder"]
    if data.get("isActive") is not None:
        row.is_active = data["isActive"]
    if data.get("metadata") is not None:
        row.meta = data["metadata"]
    row.updated_at = now


def _view(row: ReferenceEntry, has_global: bool) -> dict[str, Any]:
    origin = GLOBAL if row.org_id is None else OVERRIDE if has_global else TENANT
    return {"dictType": row.dict_type, "code": row.code,
            "labels": {"fr": row.label_fr, "ar": row.label_ar, "en": row.label_en},
            "sortOrder": row.sort_order, "isActive": row.is_active, "metadata": row.meta or {},
            "origin": origin, "locked": rules.is_locked(row.dict_type, row.code),
            "updatedAt": ts(row.updated_at)}


def _record(uow: UnitOfWork, action: str, before: dict[str, Any] | None,
            after: dict[str, Any] | None) -> None:
    entry = after or before or {}
    dict_type, code = entry["dictType"], entry["code"]
    uow.audit(f"REFERENCE_{action}", "REFERENCE_ENTRY", f"{dict_type}:{code}", before=before, after=after)
    uow.publish("reference_data.changed",
                {"orgId": str(uow.ctx.org_id), "dictType": dict_type, "code": code, "action": action,
                 "entry": after},
                aggregate_type="reference_data", aggregate_id=f"{dict_type}:{code}",
                version=int(utcnow().timestamp() * 1000))


def _commit(uow: UnitOfWork, dict_type: str, code: str) -> None:
    try:
        uow.commit()
    except IntegrityError as exc:  # another admin wrote the same code at the same moment
        raise Conflict(f"{dict_type} {code} was changed by someone else at the same time; try again.",
                       code="REFERENCE_EXISTS") from exc
