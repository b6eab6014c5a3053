"""Operations: metrics, health and dead letters of outbound sending (ADMIN_ORG, MANAGER)."""

from __future__ import annotations

from datetime import timedelta

from flask.views import MethodView

from atlas_outbound.entrypoints.http.common import container, uow
from atlas_outbound.entrypoints.http.ops.schemas import (
    DeadLetterQuery,
    DeadLetterSchema,
    HealthSchema,
    MetricsQuery,
    MetricsSchema,
)
from atlas_outbound.service_layer import dead_letters, ops
from atlas_shared.web.app import current_platform, request_ctx
from atlas_shared.web.auth import require_role
from atlas_shared.web.blueprint import Blueprint
from atlas_shared.web.schemas import page_body, page_of

blp = Blueprint("outbound-ops", __name__, url_prefix="/api/v1/ops/outbound",
                description="Queue, latency, failures and dead letters of outbound sending")


@blp.route("/metrics")
class Metrics(MethodView):
    @blp.arguments(MetricsQuery, location="query")
    @blp.response(200, MetricsSchema)
    def get(self, query):  # type: ignore[no-untyped-def]
        """Queue size, queued→sent and sent→delivered latency percentiles, failure rate and top error
        codes, retries and dead letters, for the caller's org (scope=all: every org, for admins of the
        operations org)."""
        c = container()
        now = c.clock()
        platform, ctx = current_platform(), request_ctx()
        return ops.metrics(lambda everything: platform.uow(ctx, read_only=True, tenant_bypass=everything),
                           c.settings.ops_org_id, query["scope"], now - timedelta(hours=query["sinceHours"]),
                           now)


@blp.route("/health")
class Health(MethodView):
    @blp.response(200, HealthSchema)
    @blp.alt_response(503, schema=HealthSchema, description="Database or broker down")
    def get(self):  # type: ignore[no-untyped-def]
        """Database and broker reachability, each provider's recent error rate (15 minutes), live
        senders and how overdue the oldest queued message is."""
        ctx = request_ctx()
        require_role(ctx, ops.VIEWERS, action="read outbound health")
        platform, c = current_platform(), container()
        checks = {}
        for name, probe in (("database", platform.db.ping), ("broker", platform.broker.ping)):
            try:
                probe()
                checks[name] = "ok"
            except Exception as exc:  # noqa: BLE001 - reported, not raised
                checks[name] = f"down: {type(exc).__name__}"
        body = {"checks": checks}
        if checks["database"] == "ok":
            now = c.clock()
            body.update(ops.provider_health(platform.uow(ctx, read_only=True, tenant_bypass=True),
                                            now - timedelta(minutes=15), now))
        body["status"] = ops.overall(checks, body.get("providers", {}), body.get("senders", {}))
        return body, 200 if all(v == "ok" for v in checks.values()) else 503


@blp.route("/dead-letters")
class DeadLetters(MethodView):
    @blp.arguments(DeadLetterQuery, location="query")
    @blp.response(200, page_of(DeadLetterSchema))
    def get(self, query):  # type: ignore[no-untyped-def]
        """Messages that failed for good (open ones by default); retry one with
        POST /api/v1/outbound/messages/{messageId}/retry."""
        return page_body(dead_letters.list_letters(uow(read_only=True), query))
