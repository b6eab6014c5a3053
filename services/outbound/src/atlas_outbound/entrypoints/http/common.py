"""What every outbound view needs: the container and a unit of work for the caller."""

from __future__ import annotations

from typing import Any

from atlas_shared.db.uow import UnitOfWork
from atlas_shared.web.app import current_platform, request_ctx


def container() -> Any:
    return current_platform().extras["outbound"]


def uow(read_only: bool = False) -> UnitOfWork:
    return current_platform().uow(request_ctx(), read_only=read_only)
