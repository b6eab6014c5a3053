"""Demo requests from the Biz site: a CRM_LEAD_B2B_DEMO case in the platform's own organisation."""

from __future__ import annotations

import uuid
from typing import Any

from atlas_portal.adapters.orm import DemoRequest
from atlas_portal.adapters.repositories import recent_demo_request
from atlas_portal.domain import contact as rules
from atlas_portal.service_layer.contact import Origin, phone_e164, within_quota
from atlas_shared.db.types import utcnow
from atlas_shared.db.uow import UnitOfWork
from atlas_shared.errors import ConsentRequired, ValidationFailed


def submit_demo_request(uow: UnitOfWork, data: dict[str, Any], origin: Origin,
                        platform_org_id: str) -> dict[str, str]:
    if rules.is_bot(data):
        return {"caseId": str(uuid.uuid4())}
    if data.get("consentContact") is not True:
        raise ConsentRequired("Contact consent is required to request a demo.",
                              {"consentContact": ["Tick the box to let us contact you."]})
    if not data.get("email") and not data.get("phone"):
        raise ValidationFailed("Give an email address or a phone number.",
                               {"email": ["An email or a phone is required."]})
    phone = phone_e164(data["phone"]) if data.get("phone") else None
    now = utcnow()
    with uow:
        fingerprint = rules.fingerprint(data.get("email"), phone, data.get("company"))
        again = recent_demo_request(uow.session, fingerprint, now - rules.RESUBMISSION_WINDOW)
        if again is not None:
            return {"caseId": str(again.case_id)}
        within_quota(uow, origin, now)
        request = DemoRequest(case_id=uuid.uuid4(), fingerprint=fingerprint,
                              full_name=data["fullName"].strip(), email=data.get("email"), phone=phone,
                              company=data.get("company"), ip=origin.ip, submitted_at=now)
        uow.session.add(request)
        fields = ("fullName", "email", "company", "actorType", "city", "teamSizeBucket",
                  "listingVolumeBucket", "needs", "desiredPlanKey", "message", "utm")
        uow.publish("portal.demo_requested", {
            "caseId": request.case_id, **{k: data.get(k) for k in fields}, "phone": phone,
            "phoneRaw": data.get("phone"),
            "consent": {"granted": True, "text": rules.DEMO_CONSENT_TEXT, "capturedAt": now,
                        "ip": origin.ip, "userAgent": origin.user_agent},
            "submittedAt": now}, aggregate_type="demo_request", aggregate_id=request.case_id,
            org_id=platform_org_id)
        uow.commit()
        return {"caseId": str(request.case_id)}
