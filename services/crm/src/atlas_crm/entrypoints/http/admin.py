"""The admin API: reference data and workflow definitions per tenant (one list for bootstrap)."""

from __future__ import annotations

from atlas_shared.web.blueprint import Blueprint


def blueprints() -> list[Blueprint]:
    from atlas_crm.entrypoints.http.reference_data.routes import blp as reference_data
    from atlas_crm.entrypoints.http.workflows.routes import blp as workflows
    return [reference_data, workflows]
