"""Outbound messages API (api-contracts-seed.md, "Outbound"): thin views, one use case each."""

from __future__ import annotations

from flask import request
from flask.views import MethodView

from atlas_outbound.entrypoints.http.common import container, uow
from atlas_outbound.entrypoints.http.messages.schemas import (
    CancelSchema,
    MessageBatchResultSchema,
    MessageBatchSchema,
    MessageCreateSchema,
    MessageQuery,
    MessageSchema,
)
from atlas_outbound.service_layer import batch, cancellation, messages
from atlas_shared.web.blueprint import Blueprint
from atlas_shared.web.schemas import page_body, page_of

blp = Blueprint("outbound-messages", __name__, url_prefix="/api/v1/outbound/messages",
                description="Messages sent over WhatsApp, SMS and email")


@blp.route("")
class Messages(MethodView):
    @blp.arguments(MessageCreateSchema)
    @blp.response(201, MessageSchema)
    @blp.alt_response(200, schema=MessageSchema, description="A replay of a completed Idempotency-Key")
    @blp.doc(parameters=[{"in": "header", "name": "Idempotency-Key", "required": True,
                          "schema": {"type": "string", "maxLength": 200}}])
    def post(self, data):  # type: ignore[no-untyped-def]
        """Queue a message after the policy checks (consent, WhatsApp 24-hour window or template,
        E.164, quotas). Idempotency-Key required: same key and body → the original message (200);
        another body → 422 IDEMPOTENCY_KEY_REUSED; still in flight → 409 IDEMPOTENCY_IN_FLIGHT.
        Refusals: CONSENT_REQUIRED, INVALID_RECIPIENT, TEMPLATE_NOT_FOUND, TEMPLATE_VARIABLES_INVALID,
        WHATSAPP_WINDOW_CLOSED, PROVIDER_NOT_CONFIGURED, QUOTA_EXCEEDED / RATE_LIMITED (429)."""
        c = container()
        key = request.headers.get("Idempotency-Key")
        body, created = messages.create_message(uow(), c.settings, data, key, c.clock, c.email_ready)
        return body, 201 if created else 200

    @blp.arguments(MessageQuery, location="query")
    @blp.response(200, page_of(MessageSchema))
    def get(self, query):  # type: ignore[no-untyped-def]
        """List messages (filters: dossierId, status, channel, source, from, to; sort: createdAt,
        updatedAt, status, sentAt, '-' for descending)."""
        return page_body(messages.list_messages(uow(read_only=True), query))


@blp.route("/batch")
class MessageBatch(MethodView):
    @blp.arguments(MessageBatchSchema)
    @blp.response(200, MessageBatchResultSchema)
    def post(self, data):  # type: ignore[no-untyped-def]
        """Queue up to 500 messages in one request (campaigns). Each item is a POST /messages body with
        its own Idempotency-Key in ``idempotencyKey`` and gets its own result, in order, with the status
        and body POST /messages would have answered: 201 queued, 200 replay of a completed key, 400
        VALIDATION_ERROR / CONSENT_REQUIRED / INVALID_RECIPIENT / TEMPLATE_VARIABLES_INVALID, 409
        IDEMPOTENCY_IN_FLIGHT, 422 IDEMPOTENCY_KEY_REUSED / TEMPLATE_NOT_FOUND / WHATSAPP_WINDOW_CLOSED /
        PROVIDER_NOT_CONFIGURED, 429 QUOTA_EXCEEDED / RATE_LIMITED. One item's refusal does not stop
        the others; the same key twice in a batch is answered as if sent one after the other. The
        request itself: 200, or 400 (no ``messages``, more than 500), 403 for a role that may not send."""
        c = container()
        results = batch.create_batch(uow(), c.settings, data["messages"], c.clock, c.email_ready)
        return {"results": results, "created": sum(r["status"] == 201 for r in results),
                "replayed": sum(r["status"] == 200 for r in results),
                "refused": sum(r["status"] >= 400 for r in results)}


@blp.route("/<uuid:message_id>")
class MessageById(MethodView):
    @blp.response(200, MessageSchema)
    def get(self, message_id):  # type: ignore[no-untyped-def]
        """A message with its status and every attempt (404 MESSAGE_NOT_FOUND in another org)."""
        return messages.get_message(uow(read_only=True), message_id)


@blp.route("/<uuid:message_id>/retry")
class MessageRetry(MethodView):
    @blp.response(200, MessageSchema)
    def post(self, message_id):  # type: ignore[no-untyped-def]
        """Queue a FAILED message again (ADMIN_ORG, MANAGER): the policy is checked again and its dead
        letter resolved. Any other status: 409 TRANSITION_NOT_ALLOWED."""
        c = container()
        return messages.retry_message(uow(), c.settings, message_id, c.clock, c.email_ready)


@blp.route("/<uuid:message_id>/cancel")
class MessageCancel(MethodView):
    @blp.arguments(CancelSchema)
    @blp.response(200, MessageSchema)
    def post(self, data, message_id):  # type: ignore[no-untyped-def]
        """Cancel a message still waiting in the queue (ADMIN_ORG, MANAGER): CANCELLED, audited, reported
        to the CRM. A message a worker is sending, or already sent, failed or cancelled: 409
        TRANSITION_NOT_ALLOWED. Withdrawing a consent cancels the queued messages that relied on it."""
        return cancellation.cancel_message(uow(), message_id, data.get("reason"), container().clock())
