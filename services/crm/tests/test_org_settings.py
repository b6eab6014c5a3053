"""Organisation settings (ADMIN_ORG) and the WhatsApp number → organisation lookup."""

from atlas_crm.service_layer.org_settings import org_for_whatsapp_number
from atlas_shared.context import RequestContext

URL = "/api/v1/admin/org-settings"


def test_defaults_until_changed_then_audited(api):
    assert api.call("GET", URL).json == {"whatsappPhoneNumberId": None, "appointmentOverlapPolicy": "WARN",
                                         "dedupePolicy": "PHONE_AND_LISTING", "ownerCaseAccess": "MASKED",
                                         "version": 0, "updatedAt": None,
                                         "updatedBy": None}
    res = api.call("PUT", URL, json={"whatsappPhoneNumberId": "106540352242922", "dedupePolicy": "PHONE"})
    assert res.status_code == 200
    assert (res.json["whatsappPhoneNumberId"], res.json["dedupePolicy"], res.json["appointmentOverlapPolicy"],
            res.json["version"], res.json["updatedBy"]) == ("106540352242922", "PHONE", "WARN", 1, "admin-1")
    [audit] = api.audit(action="ORG_SETTINGS_UPDATED")
    assert audit.diff["after"]["dedupePolicy"] == "PHONE" and audit.entity_id == api.org
    assert api.call("PUT", URL, json={"appointmentOverlapPolicy": "BLOCK"}).json["dedupePolicy"] == "PHONE"


def test_invalid_settings_are_refused(api):
    for body in ({"dedupePolicy": "SOMETIMES"}, {"appointmentOverlapPolicy": "MAYBE"},
                 {"whatsappPhoneNumberId": "has spaces"}, {"orgId": api.org}):
        assert api.call("PUT", URL, json=body).status_code == 400, body
    assert api.call("GET", URL).json["version"] == 0


def test_a_whatsapp_number_belongs_to_one_org_and_resolves_it(api, other_org, container):
    api.call("PUT", URL, json={"whatsappPhoneNumberId": "111"})
    taken = api.call("PUT", URL, other_org.admin, json={"whatsappPhoneNumberId": "111"})
    assert taken.status_code == 409 and taken.json["code"] == "WHATSAPP_NUMBER_IN_USE"
    assert api.call("PUT", URL, other_org.admin, json={"whatsappPhoneNumberId": "222"}).status_code == 200
    with container.platform.uow(RequestContext.system()) as uow:
        assert org_for_whatsapp_number(uow.session, "111") == api.org
        assert org_for_whatsapp_number(uow.session, "222") == other_org.org
        assert org_for_whatsapp_number(uow.session, "333") is None
    api.call("PUT", URL, json={"whatsappPhoneNumberId": None})
    assert api.call("PUT", URL, other_org.admin, json={"whatsappPhoneNumberId": "111"}).status_code == 200
