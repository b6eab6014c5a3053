"""Outbound message request/response schemas (separate load and dump; no org, status or owner in)."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, post_load, validate, validates_schema

from atlas_outbound.domain import statuses
from atlas_outbound.service_layer.batch import MAX_ITEMS, Item
from atlas_shared.web.schemas import BodySchema, PageQuery

CHANNEL_HELP = "WHATSAPP, SMS or EMAIL (CHAN_WHATSAPP, CHAN_SMS, CHAN_EMAIL accepted)"


class ChannelField(fields.String):
    def _deserialize(self, value, attr, data, **kwargs):  # type: ignore[no-untyped-def]
        code = statuses.channel_code(super()._deserialize(value, attr, data, **kwargs))
        if code is None:
            raise ValidationError(f"Must be one of: {CHANNEL_HELP}.")
        return code


class MessageCreateSchema(BodySchema):
    channel = ChannelField(required=True, metadata={"description": CHANNEL_HELP})
    to = fields.String(required=True, validate=validate.Length(1, 254),
                       metadata={"description": "Phone (normalised to E.164, default region MA) or email"})
    dossierId = fields.UUID(metadata={"description": "The dossier whose consent covers this message"})
    coopMemberId = fields.UUID(metadata={"description": "Or the co-op member whose consent covers it"})
    text = fields.String(validate=validate.Length(1, 4096), metadata={"description": "Free text"})
    subject = fields.String(validate=validate.Length(1, 200), metadata={"description": "Email subject"})
    templateCode = fields.String(validate=validate.Length(1, 60))
    templateLanguage = fields.String(validate=validate.Length(2, 15), metadata={"description": "Default fr"})
    variables = fields.Dict(keys=fields.String(), metadata={"description": "Template variables by name"})

    @validates_schema
    def _one_of(self, data, **kwargs):  # type: ignore[no-untyped-def]
        errors = {}
        if bool(data.get("dossierId")) == bool(data.get("coopMemberId")):
            errors["dossierId"] = ["Give exactly one of dossierId and coopMemberId."]
        if bool(data.get("text")) == bool(data.get("templateCode")):
            errors["text"] = ["Give either text or templateCode."]
        if data.get("channel") == "EMAIL" and data.get("text") and not data.get("subject"):
            errors["subject"] = ["Required for an email without a template."]
        if errors:
            raise ValidationError(errors)

    @post_load
    def _ids(self, data, **kwargs):  # type: ignore[no-untyped-def]
        return {k: str(v) if k in ("dossierId", "coopMemberId") else v for k, v in data.items()}


class MessageBatchItemSchema(MessageCreateSchema):
    idempotencyKey = fields.String(required=True, validate=validate.Length(1, 200), metadata={
        "description": "This message's Idempotency-Key (1-200 visible ASCII, unique per org; the same "
                       "keys as POST /messages)"})


class BatchItemField(fields.Nested):
    """An item of a batch: loaded by ``MessageBatchItemSchema``; an invalid one is kept with its errors
    (answered 400 VALIDATION_ERROR in its result) instead of failing the whole batch."""

    def _deserialize(self, value, attr, data, partial=None, **kwargs):  # type: ignore[no-untyped-def]
        key = value.get("idempotencyKey") if isinstance(value, dict) else None
        key = key if isinstance(key, str) else None
        try:
            loaded = super()._deserialize(value, attr, data, partial=partial, **kwargs)
        except ValidationError as err:
            return Item(key, errors=err.normalized_messages())
        loaded.pop("idempotencyKey")
        return Item(key, loaded)


class MessageBatchSchema(BodySchema):
    messages = fields.List(BatchItemField(MessageBatchItemSchema), required=True,
                           validate=validate.Length(1, MAX_ITEMS),
                           metadata={"description": f"1 to {MAX_ITEMS} messages, each as POST /messages "
                                                    "with its Idempotency-Key in idempotencyKey"})


class CancelSchema(BodySchema):
    reason = fields.String(validate=validate.Length(max=500), allow_none=True,
                           metadata={"description": "Why (kept in the audit trail)"})


class AttemptSchema(Schema):
    number = fields.Integer()
    status = fields.String(metadata={"description": "SENT, RETRY_SCHEDULED, FAILED, DEFERRED, LOST, "
                                                    "RECONCILED, DUPLICATE, LATE"})
    httpStatus = fields.Integer(allow_none=True)
    errorCode = fields.String(allow_none=True)
    error = fields.String(allow_none=True, metadata={"description": "Sanitised (no secrets)"})
    providerResponse = fields.Dict(allow_none=True)
    nextRetryAt = fields.String(allow_none=True)
    worker = fields.String(allow_none=True)
    durationMs = fields.Integer(allow_none=True)
    startedAt = fields.String()
    finishedAt = fields.String()


class ErrorInfoSchema(Schema):
    code = fields.String(allow_none=True)
    message = fields.String(allow_none=True)


class MessageSchema(Schema):
    id = fields.String()
    source = fields.String(metadata={"description": "API, CRM or COOP"})
    dossierId = fields.String(allow_none=True)
    subjectType = fields.String()
    subjectId = fields.String(allow_none=True)
    channel = fields.String()
    to = fields.String()
    templateCode = fields.String(allow_none=True)
    templateLanguage = fields.String(allow_none=True)
    payload = fields.Dict(metadata={"description": "{text, subject, variables}"})
    status = fields.String(metadata={"description": ", ".join(statuses.STATUSES)})
    attemptCount = fields.Integer()
    attempts = fields.List(fields.Nested(AttemptSchema))
    nextAttemptAt = fields.String(allow_none=True)
    providerMessageId = fields.String(allow_none=True)
    error = fields.Nested(ErrorInfoSchema, allow_none=True)
    crmMessageId = fields.String(allow_none=True)
    notificationKey = fields.String(allow_none=True)
    references = fields.Dict()
    consentBasis = fields.Dict()
    version = fields.Integer()
    createdAt = fields.String()
    updatedAt = fields.String()
    sentAt = fields.String(allow_none=True)
    deliveredAt = fields.String(allow_none=True)
    readAt = fields.String(allow_none=True)
    failedAt = fields.String(allow_none=True)


class ErrorBodySchema(Schema):
    code = fields.String()
    message = fields.String()
    details = fields.Dict()


class BatchResultSchema(Schema):
    index = fields.Integer(metadata={"description": "Position of the item in the request"})
    idempotencyKey = fields.String(allow_none=True)
    status = fields.Integer(metadata={"description": "What POST /messages would have answered: 201 "
                                                     "queued, 200 replay, 400, 409, 422, 429"})
    message = fields.Nested(MessageSchema, allow_none=True, metadata={"description": "201 and 200"})
    error = fields.Nested(ErrorBodySchema, allow_none=True,
                          metadata={"description": "The standard error body of a refused item"})


class MessageBatchResultSchema(Schema):
    results = fields.List(fields.Nested(BatchResultSchema))
    created = fields.Integer(metadata={"description": "Items queued now (201)"})
    replayed = fields.Integer(metadata={"description": "Items answering a completed key (200)"})
    refused = fields.Integer(metadata={"description": "Items refused (4xx)"})


class MessageQuery(PageQuery):
    dossierId = fields.UUID()
    status = fields.String(validate=validate.OneOf(statuses.STATUSES))
    channel = ChannelField()
    source = fields.String(validate=validate.OneOf(("API", "CRM", "COOP")))
    from_ = fields.AwareDateTime(data_key="from", default_timezone=None,
                                 metadata={"description": "Created at or after (ISO 8601)"})
    to = fields.AwareDateTime(metadata={"description": "Created before (ISO 8601)"})

    @post_load
    def _rename(self, data, **kwargs):  # type: ignore[no-untyped-def]
        if "from_" in data:
            data["from"] = data.pop("from_")
        return data
