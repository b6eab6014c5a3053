"""The coop REST resources under /api/v1/coop (one folder per resource: routes.py + schemas.py)."""

from __future__ import annotations

from atlas_shared.web.blueprint import Blueprint


def blueprints() -> list[Blueprint]:
    from atlas_coop.entrypoints.http.allocations.routes import blp as allocations
    from atlas_coop.entrypoints.http.contributions.routes import blp as contributions
    from atlas_coop.entrypoints.http.documents.routes import blp as documents
    from atlas_coop.entrypoints.http.groups.routes import blp as groups
    from atlas_coop.entrypoints.http.members.routes import blp as members
    from atlas_coop.entrypoints.http.plans.routes import blp as plans
    from atlas_coop.entrypoints.http.projects.routes import blp as projects
    return [groups, members, documents, plans, contributions, projects, allocations]
