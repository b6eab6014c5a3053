"""Tables owned by the outbound service (its own database)."""

from __future__ import annotations

from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

from atlas_shared.db.platform import NAMING

metadata = MetaData(naming_convention=NAMING)


class Base(DeclarativeBase):
    metadata = metadata
