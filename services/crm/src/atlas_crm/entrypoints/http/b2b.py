"""The B2B demo pipeline's pro API: /cases, demo appointments and the b2b-demo summary (one list for
bootstrap)."""

from __future__ import annotations

from atlas_shared.web.blueprint import Blueprint


def blueprints() -> list[Blueprint]:
    from atlas_crm.entrypoints.http.b2b_demo_reports.routes import blp as b2b_demo_reports
    from atlas_crm.entrypoints.http.cases.routes import blp as cases
    return [cases, b2b_demo_reports]
