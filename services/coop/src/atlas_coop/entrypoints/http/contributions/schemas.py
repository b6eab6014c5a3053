"""Ledger schemas: instalments, a payment declaration, a manager's decision, totals."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from atlas_coop.domain.codes import CONTRIBUTION_STATUSES, PAY_METHODS
from atlas_coop.entrypoints.http.common import Money, text
from atlas_coop.entrypoints.http.members.schemas import TotalsSchema
from atlas_shared.web.schemas import BodySchema, PageQuery

ACTIONS = ("CONFIRM", "REJECT", "MARK_LATE", "WAIVE")


class LedgerQuery(PageQuery):
    memberId = fields.UUID()
    status = fields.String(validate=validate.OneOf(CONTRIBUTION_STATUSES))
    dueFrom = fields.Date()
    dueTo = fields.Date()
    format = fields.String(load_default="json", validate=validate.OneOf(["json", "csv"]),
                           metadata={"description": "csv: every matching row as a CSV file (no paging)"})


class DeclareSchema(BodySchema):
    contributionId = fields.UUID(required=True)
    amountPaid = Money(required=True, metadata={"description": "Must settle the instalment: amount due + "
                                                               "penalty as of paidDate"})
    paidDate = fields.Date(required=True)
    method = fields.String(required=True, validate=validate.OneOf(PAY_METHODS))
    proofDocumentId = fields.UUID(required=True,
                                  metadata={"description": "A DOC_PAYMENT_PROOF of the member"})


class DecisionSchema(BodySchema):
    action = fields.String(required=True, validate=validate.OneOf(ACTIONS))
    reason = text(2000, metadata={"description": "Required to REJECT or WAIVE"})


def _amount(**kwargs: object) -> fields.Decimal:
    return fields.Decimal(as_string=True, **kwargs)  # type: ignore[arg-type]


class ContributionSchema(Schema):
    id = fields.UUID()
    groupId = fields.UUID()
    memberId = fields.UUID()
    planId = fields.UUID()
    planVersion = fields.Integer()
    dueDate = fields.Date()
    baseAmount = _amount()
    indexationYears = fields.Integer()
    amountDue = _amount()
    penalty = _amount()
    penaltyAsOf = fields.Date(allow_none=True)
    total = _amount()
    amountPaid = _amount(allow_none=True)
    paidDate = fields.Date(allow_none=True)
    method = fields.String(allow_none=True)
    proofDocumentId = fields.UUID(allow_none=True)
    status = fields.String()
    reason = fields.String(allow_none=True)
    decidedBy = fields.String(allow_none=True)
    decidedAt = fields.DateTime(allow_none=True)
    version = fields.Integer()
    updatedAt = fields.DateTime()


class MemberTotalsSchema(TotalsSchema):
    memberId = fields.UUID()
    displayName = fields.String()
    fifoRank = fields.Integer(allow_none=True)


class LedgerTotalsSchema(Schema):
    groupId = fields.UUID()
    currency = fields.String()
    group = fields.Nested(TotalsSchema)
    members = fields.List(fields.Nested(MemberTotalsSchema))
