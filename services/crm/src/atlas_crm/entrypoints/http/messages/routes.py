"""Messages API: the conversation of a dossier; outbound contact is subject to consent."""

from __future__ import annotations

from flask.views import MethodView

from atlas_crm.entrypoints.http.common import uow
from atlas_crm.entrypoints.http.messages.schemas import MessageCreateSchema, MessageQuery, MessageSchema
from atlas_crm.service_layer import messages
from atlas_shared.web.blueprint import Blueprint
from atlas_shared.web.schemas import page_body, page_of

blp = Blueprint("messages", __name__, url_prefix="/api/v1/messages", description="Messages of a dossier")


@blp.route("")
class Messages(MethodView):
    @blp.arguments(MessageQuery, location="query")
    @blp.response(200, page_of(MessageSchema))
    def get(self, query):  # type: ignore[no-untyped-def]
        """The messages of a dossier, newest first (filters: direction, channel)."""
        return page_body(messages.list_messages(uow(read_only=True), query))

    @blp.arguments(MessageCreateSchema)
    @blp.response(201, MessageSchema)
    def post(self, data):  # type: ignore[no-untyped-def]
        """Log or send a message. OUTBOUND on WHATSAPP/SMS/EMAIL needs the contact's GRANTED
        CONSENT_CONTACT for that channel (else 400 CONSENT_REQUIRED, audited BLOCKED_BY_POLICY) and is
        handed to the outbound service."""
        return messages.post_message(uow(), data)


@blp.route("/<message_id>")
class MessageById(MethodView):
    @blp.response(200, MessageSchema)
    def get(self, message_id):  # type: ignore[no-untyped-def]
        """One message with its delivery status."""
        return messages.get_message(uow(read_only=True), message_id)

    @blp.response(204)
    def delete(self, message_id):  # type: ignore[no-untyped-def]
        """Hide a message (soft delete, audited; it stays in the record)."""
        messages.delete_message(uow(), message_id)
