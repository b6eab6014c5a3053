"""What every coop resource uses: its unit of work, money and percentage fields, the PV reference."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from marshmallow import ValidationError, fields, validate

from atlas_coop.adapters.storage import DocumentSettings
from atlas_coop.bootstrap import DOCUMENTS
from atlas_coop.domain.money import has_at_most_cents
from atlas_shared.db.uow import UnitOfWork
from atlas_shared.web.app import current_platform, request_ctx

PREFIX = "/api/v1/coop"
MAX_AMOUNT = Decimal("999999999999.99")


def uow(read_only: bool = False) -> UnitOfWork:
    return current_platform().uow(request_ctx(), read_only=read_only)


def documents() -> DocumentSettings:
    return current_platform().extras[DOCUMENTS]


def _cents(value: Decimal) -> None:
    if not has_at_most_cents(value):
        raise ValidationError("At most two decimals (centimes): amounts are never rounded silently.")


class Money(fields.Decimal):
    """Exact amounts in MAD: a decimal string (or number) in, a decimal string out; never a float."""

    def __init__(self, **kwargs: Any) -> None:
        validators = [validate.Range(min=Decimal(0), max=MAX_AMOUNT), _cents, *_extra(kwargs)]
        kwargs.setdefault("metadata", {}).setdefault("example", "1250.00")
        super().__init__(as_string=True, validate=validators, **kwargs)


def _extra(kwargs: dict[str, Any]) -> list[Any]:
    extra = kwargs.pop("validate", [])
    return list(extra) if isinstance(extra, (list, tuple)) else [extra]


class Percent(fields.Decimal):
    def __init__(self, **kwargs: Any) -> None:
        validators = [validate.Range(min=Decimal(0), max=Decimal(100)), *_extra(kwargs)]
        super().__init__(as_string=True, validate=validators, **kwargs)


def text(max_length: int, **kwargs: Any) -> fields.String:
    return fields.String(validate=validate.Length(min=1, max=max_length), **kwargs)
