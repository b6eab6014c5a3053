"""The audit trail, search, reporting, dashboard and WhatsApp webhook resources (one list for bootstrap)."""

from __future__ import annotations

from atlas_shared.web.blueprint import Blueprint


def blueprints() -> list[Blueprint]:
    from atlas_crm.entrypoints.http.audit_events.routes import blp as audit_events
    from atlas_crm.entrypoints.http.dashboard.routes import blp as dashboard
    from atlas_crm.entrypoints.http.reports.routes import blp as reports
    from atlas_crm.entrypoints.http.search.routes import blp as search
    from atlas_crm.entrypoints.http.webhooks.routes import blp as webhooks
    return [audit_events, search, reports, dashboard, webhooks]
