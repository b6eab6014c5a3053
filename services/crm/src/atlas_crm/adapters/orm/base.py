"""The crm service's metadata (naming convention shared with the platform tables)."""

from __future__ import annotations

from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

from atlas_shared.db.platform import NAMING

metadata = MetaData(naming_convention=NAMING)


class Base(DeclarativeBase):
    metadata = metadata
