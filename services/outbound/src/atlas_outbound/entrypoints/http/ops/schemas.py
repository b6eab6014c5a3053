"""Operations schemas."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from atlas_shared.web.schemas import PageQuery, QuerySchema


class MetricsQuery(QuerySchema):
    scope = fields.String(load_default="org", validate=validate.OneOf(("org", "all")), metadata={
        "description": "org (default): the caller's org; all: every org (admins of ATLAS_OPS_ORG_ID)"})
    sinceHours = fields.Float(load_default=24.0, validate=validate.Range(min=0.01, max=24 * 31),
                              metadata={"description": "Period: the last N hours (default 24)"})


class Percentiles(Schema):
    p50 = fields.Float(allow_none=True)
    p90 = fields.Float(allow_none=True)
    p99 = fields.Float(allow_none=True)
    max = fields.Float(allow_none=True)
    count = fields.Integer()


class LatencySchema(Schema):
    queuedToSent = fields.Nested(Percentiles)
    sentToDelivered = fields.Nested(Percentiles)


class MetricsSchema(Schema):
    scope = fields.String()
    orgId = fields.String(allow_none=True)
    to = fields.String()
    queue = fields.Dict(metadata={"description": "{queued, sending, size} now"})
    byStatus = fields.Dict(metadata={"description": "Messages created in the period, by status"})
    latencySeconds = fields.Nested(LatencySchema)
    failureRate = fields.Float(metadata={
        "description": "FAILED / (SENT+DELIVERED+READ+FAILED) in the period"})
    topErrorCodes = fields.List(fields.Dict())
    retries = fields.Integer(metadata={"description": "Attempts that scheduled a retry in the period"})
    deadLetters = fields.Integer(metadata={"description": "Open dead letters now"})
    perOrg = fields.List(fields.Dict(), metadata={"description": "scope=all only"})
    from_ = fields.String(data_key="from", attribute="from")


class HealthSchema(Schema):
    status = fields.String(metadata={"description": "ok, degraded or down"})
    checks = fields.Dict(metadata={"description": "database, broker"})
    providers = fields.Dict(metadata={"description": "per channel: attempts, errors, errorRate (15 min)"})
    senders = fields.Dict(metadata={"description": "alive sender processes and their threads"})
    oldestDueSecondsAgo = fields.Float()


class DeadLetterQuery(PageQuery):
    reasonCode = fields.String()
    includeResolved = fields.Boolean(load_default=False)


class DeadLetterSchema(Schema):
    id = fields.String()
    messageId = fields.String()
    orgId = fields.String()
    reasonCode = fields.String(allow_none=True)
    error = fields.String(allow_none=True)
    attempts = fields.Integer()
    channel = fields.String()
    to = fields.String()
    source = fields.String()
    templateCode = fields.String(allow_none=True)
    dossierId = fields.String(allow_none=True)
    createdAt = fields.String()
    resolvedAt = fields.String(allow_none=True)
    resolvedBy = fields.String(allow_none=True)
