"""The coop metadata and the column types shared by its tables."""

from __future__ import annotations

from sqlalchemy import MetaData, Numeric
from sqlalchemy.orm import DeclarativeBase

from atlas_shared.db.platform import NAMING

metadata = MetaData(naming_convention=NAMING)
# Exact money: Decimal in Python, NUMERIC in PostgreSQL; on SQLite the value is read back at scale 2
# (never summed in SQL: totals are computed in Decimal).
Money = Numeric(14, 2)


class Base(DeclarativeBase):
    metadata = metadata
