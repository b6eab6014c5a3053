"""Validating submitted codes against the caller's organisation's active dictionary entries."""

from __future__ import annotations

from atlas_crm.adapters.reference_data import Dictionaries
from atlas_shared.db.uow import UnitOfWork
from atlas_shared.errors import ValidationFailed

CACHE_KEY = "crm_dictionaries"


def dictionaries(uow: UnitOfWork) -> Dictionaries:
    """One per transaction (its lookups are cached), for the unit of work's org."""
    found = uow.session.info.get(CACHE_KEY)
    if found is None:
        found = uow.session.info[CACHE_KEY] = Dictionaries(uow.session, uow.ctx.org_id)
    return found  # type: ignore[no-any-return]


def code_problem(uow: UnitOfWork, dict_type: str, code: str) -> str | None:
    dicts = dictionaries(uow)
    if dicts.is_active(dict_type, code):
        return None
    allowed = dicts.active_codes(dict_type)
    return f"'{code}' is not an active {dict_type} code; allowed: {', '.join(allowed) or 'none'}."


def require_code(uow: UnitOfWork, dict_type: str, code: str, field: str) -> str:
    problem = code_problem(uow, dict_type, code)
    if problem:
        raise ValidationFailed(details={field: [problem]})
    return code


def check_codes(uow: UnitOfWork, wanted: dict[str, tuple[str, str | None]]) -> None:
    """``{field: (dict_type, code)}``: every problem at once, per field (None codes are skipped)."""
    errors = {field: [problem] for field, (dict_type, code) in wanted.items()
              if code is not None and (problem := code_problem(uow, dict_type, code))}
    if errors:
        raise ValidationFailed(details=errors)
