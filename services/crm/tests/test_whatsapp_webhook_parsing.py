"""Reading Meta's webhook envelope and checking its signature (pure rules, no database)."""

import json
from datetime import UTC, datetime

import pytest

from atlas_crm.domain import whatsapp as wa
from atlas_crm.insights_testing import change, envelope, status, text_message


def test_the_signature_is_an_hmac_of_the_exact_bytes():
    body = b'{"object":"whatsapp_business_account","entry":[]}'
    header = wa.signature(body, "s3cret")
    assert header.startswith("sha256=") and len(header) == 7 + 64
    assert wa.signature_ok(body, header, "s3cret") and wa.signature_ok(body, f"  {header} ", "s3cret")
    assert not wa.signature_ok(body + b" ", header, "s3cret")
    assert not wa.signature_ok(body, header, "other") and not wa.signature_ok(body, None, "s3cret")
    assert not wa.signature_ok(body, header, None)


def test_a_batched_delivery_is_read_entry_by_entry_change_by_change():
    body = json.loads(envelope(
        [change("111", [text_message("wamid.1", "212600000001", "Salut", 1772442000)], names={"212600000001": "Aya"}),
         change("111", statuses=[status("wamid.9", "read", biz_opaque_callback_data="msg-7")])],
        [change("222", [text_message("wamid.2", "212600000002", "Hello")])]))
    messages, statuses = wa.parse(body)
    assert [(m.phone_number_id, m.wamid, m.sender, m.content, m.contact_name) for m in messages] == [
        ("111", "wamid.1", "212600000001", "Salut", "Aya"), ("222", "wamid.2", "212600000002", "Hello", "Contact")]
    assert messages[0].sent_at == datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    assert [(s.phone_number_id, s.wamid, s.status, s.callback_data) for s in statuses] == [
        ("111", "wamid.9", "read", "msg-7")]
    assert wa.phone_number_ids(body) == ["111", "222"]


def test_other_fields_and_incomplete_items_are_skipped_and_bad_shapes_refused():
    body = {"object": "whatsapp_business_account", "entry": [{"changes": [
        {"field": "message_template_status_update", "value": {"event": "APPROVED"}},
        {"field": "messages", "value": {"metadata": {"phone_number_id": "111"},
                                        "messages": [{"id": "wamid.x"}], "statuses": [{"id": "wamid.y"}]}}]}]}
    assert wa.parse(body) == ([], [])
    for bad in ([1, 2], {"entry": "nope"}):
        with pytest.raises(ValueError):
            wa.parse(bad)


def test_message_contents_describe_what_was_sent():
    assert wa.content({"type": "video", "video": {"caption": "Visite"}}) == "[video] Visite"
    assert wa.content({"type": "document", "document": {"filename": "bail.pdf"}}) == "[document] bail.pdf"
    assert wa.content({"type": "button", "button": {"text": "Oui"}}) == "Oui"
    assert wa.content({"type": "reaction", "reaction": {"emoji": "👍"}}) == "[reaction] 👍"
    assert wa.content({"type": "interactive", "interactive": {"list_reply": {"title": "T3"}}}) == "T3"
    assert wa.content({"type": "order"}) == "[order]"
    assert wa.sent_at("not a time") is None
