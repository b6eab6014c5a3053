"""Organisation settings schemas."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from atlas_crm.domain.policies import DEDUPE_POLICIES, OVERLAP_POLICIES, OWNER_CASE_ACCESS
from atlas_shared.web.schemas import BodySchema


class OrgSettingsUpdateSchema(BodySchema):
    whatsappPhoneNumberId = fields.String(validate=validate.Regexp(r"^[0-9A-Za-z_-]{1,64}$"), allow_none=True,
                                          metadata={"description": "WhatsApp Business phone-number id "
                                                                   "(unique across organisations)"})
    appointmentOverlapPolicy = fields.String(validate=validate.OneOf(OVERLAP_POLICIES))
    dedupePolicy = fields.String(validate=validate.OneOf(DEDUPE_POLICIES))
    ownerCaseAccess = fields.String(validate=validate.OneOf(OWNER_CASE_ACCESS), metadata={
        "description": "What a property OWNER sees of the dossiers on their listings: NONE, MASKED (the case "
                       "without the lead's contact details; default) or FULL"})


class OrgSettingsSchema(Schema):
    whatsappPhoneNumberId = fields.String(allow_none=True)
    appointmentOverlapPolicy = fields.String()
    dedupePolicy = fields.String()
    ownerCaseAccess = fields.String()
    version = fields.Integer()
    updatedAt = fields.String(allow_none=True)
    updatedBy = fields.String(allow_none=True)
