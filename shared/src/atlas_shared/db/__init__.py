"""Persistence building blocks: engines, tenant scoping, unit of work, platform tables."""
