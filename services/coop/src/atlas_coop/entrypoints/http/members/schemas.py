"""Member request/response schemas, and a member's schedule."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from atlas_coop.domain.codes import CONSENT_STATUSES, GRANTED, MEMBER_STATUSES
from atlas_coop.domain.ranks import MODES
from atlas_coop.entrypoints.http.common import text
from atlas_shared.web.schemas import BodySchema, PageQuery

_lot_codes = fields.List(fields.String(validate=validate.Length(1, 20)), validate=validate.Length(max=100),
                         metadata={"description": "Lot codes, best first"})


class ConsentSchema(BodySchema):
    status = fields.String(required=True, validate=validate.OneOf(CONSENT_STATUSES))
    proof = text(2000, metadata={"description": "How and when the member consented (required to grant)"})

    @validates_schema
    def _proof(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("status") == GRANTED and not (data.get("proof") or "").strip():
            raise ValidationError({"proof": ["A granted consent needs its proof."]})


class MemberCreateSchema(BodySchema):
    displayName = text(160, required=True)
    phone = fields.String(validate=validate.Length(max=64), allow_none=True)
    email = fields.Email(allow_none=True)
    userId = text(100, allow_none=True, metadata={"description": "The member's token subject (COOP_MEMBER)"})
    lotPreferences = _lot_codes
    whatsappConsent = fields.Nested(ConsentSchema)
    replacesMemberId = fields.UUID(metadata={"description": "An exited or excluded member whose FIFO rank "
                                                            "the newcomer takes (needs documentId)"})
    documentId = fields.UUID(metadata={"description": "The minutes (DOC_PV) deciding the replacement"})


class MemberUpdateSchema(BodySchema):
    displayName = text(160)
    phone = fields.String(validate=validate.Length(max=64), allow_none=True)
    email = fields.Email(allow_none=True)
    userId = text(100, allow_none=True)
    lotPreferences = _lot_codes
    whatsappConsent = fields.Nested(ConsentSchema)
    inDispute = fields.Boolean(metadata={"description": "Opening or closing a dispute needs a comment"})
    fifoRank = fields.Integer(validate=validate.Range(min=1))
    rankChange = fields.String(validate=validate.OneOf(MODES), metadata={
        "description": "SWAP: the target rank's holder takes the old rank; SHIFT: ranks between move by one"})
    justification = text(2000)
    status = fields.String(validate=validate.OneOf(MEMBER_STATUSES))
    documentId = fields.UUID(metadata={"description": "The minutes (DOC_PV) of an exclusion"})
    comment = text(2000)


class ConsentViewSchema(Schema):
    status = fields.String()
    proof = fields.String(allow_none=True)
    capturedAt = fields.DateTime()


class MemberSchema(Schema):
    id = fields.UUID()
    groupId = fields.UUID()
    displayName = fields.String()
    phone = fields.String(allow_none=True)
    email = fields.String(allow_none=True)
    status = fields.String()
    fifoRank = fields.Integer(allow_none=True)
    userId = fields.String(allow_none=True)
    lotPreferences = fields.List(fields.String())
    inDispute = fields.Boolean()
    whatsappConsent = fields.Nested(ConsentViewSchema, allow_none=True)
    joinedOn = fields.Date()
    replacesMemberId = fields.UUID(allow_none=True)
    version = fields.Integer()
    createdAt = fields.DateTime()
    updatedAt = fields.DateTime()


class MemberQuery(PageQuery):
    memberStatus = fields.String(validate=validate.OneOf(MEMBER_STATUSES))


def _amount() -> fields.Decimal:
    return fields.Decimal(as_string=True, allow_none=True)


class TotalsSchema(Schema):
    due, paid, declared, late = _amount(), _amount(), _amount(), _amount()
    penalties, waived, outstanding = _amount(), _amount(), _amount()
    instalments = fields.Integer()
    byStatus = fields.Dict(keys=fields.String(), values=fields.Integer())


class ScheduleRowSchema(Schema):
    contributionId = fields.UUID(allow_none=True)
    dueDate = fields.Date()
    planVersion = fields.Integer()
    status = fields.String(allow_none=True)
    base, indexation, amountDue = _amount(), _amount(), _amount()
    penalty, total, amountPaid = _amount(), _amount(), _amount()
    paidDate = fields.Date(allow_none=True)
    penaltyAsOf = fields.Date(allow_none=True)
    calculation = fields.Dict(keys=fields.String(), values=fields.String())


class ScheduleSchema(Schema):
    memberId = fields.UUID()
    groupId = fields.UUID()
    projected = fields.Boolean(metadata={"description": "True before funding opens (no instalment yet)"})
    planId = fields.UUID(allow_none=True)
    planVersion = fields.Integer(allow_none=True)
    explanation = fields.String(allow_none=True)
    explanations = fields.Dict(keys=fields.String(), values=fields.String())
    rows = fields.List(fields.Nested(ScheduleRowSchema))
    totals = fields.Nested(TotalsSchema)
