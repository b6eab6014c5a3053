"""Contribution plan schemas: a version's schedule, indexation, penalty, grace, cut-off and its PV."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from atlas_coop.domain.money import has_at_most_cents
from atlas_coop.domain.plan import FLAT, MAX_INSTALMENTS, PENALTY_TYPES, PERCENT_PER_YEAR
from atlas_coop.entrypoints.http.common import Money, Percent
from atlas_shared.web.schemas import BodySchema


def _four_decimals(value: Decimal) -> None:
    if value != value.quantize(Decimal("0.0001")):
        raise ValidationError("At most four decimals.")


class InstalmentSchema(BodySchema):
    dueDate = fields.Date(required=True)
    amount = Money(required=True, metadata={"description": "Base amount in MAD, before indexation"})


class IndexationSchema(BodySchema):
    type = fields.String(required=True, validate=validate.OneOf([PERCENT_PER_YEAR]))
    rate = Percent(required=True, validate=_four_decimals,
                   metadata={"description": "Percent per year, e.g. 3.5 for 3.5 %"})


class PenaltySchema(BodySchema):
    type = fields.String(required=True, validate=validate.OneOf(PENALTY_TYPES))
    value = fields.Decimal(required=True, as_string=True,
                           validate=[validate.Range(min=Decimal(0)), _four_decimals],
                           metadata={"description": "PERCENT_PER_MONTH: percent of the amount due per "
                                                    "started 30-day period late; FLAT: MAD, once"})

    @validates_schema
    def _flat_in_cents(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("type") == FLAT and "value" in data and not has_at_most_cents(data["value"]):
            raise ValidationError({"value": ["A flat penalty is an amount: at most two decimals."]})


class PlanCreateSchema(BodySchema):
    effectiveFrom = fields.Date(required=True, metadata={"description": "From when this version applies; "
                                                                         "also the base date of indexation"})
    instalments = fields.List(fields.Nested(InstalmentSchema), required=True,
                              validate=validate.Length(min=1, max=MAX_INSTALMENTS))
    indexation = fields.Nested(IndexationSchema, allow_none=True)
    penalty = fields.Nested(PenaltySchema, allow_none=True)
    graceDays = fields.Integer(load_default=0, validate=validate.Range(min=0, max=365))
    cutoffDate = fields.Date(allow_none=True, metadata={"description": "Allocation cut-off: instalments due "
                                                                       "on or before it must be settled"})
    decisionDocumentId = fields.UUID(required=True,
                                     metadata={"description": "The minutes (DOC_PV) adopting it"})


class InstalmentViewSchema(Schema):
    dueDate = fields.String()
    amount = fields.Decimal(as_string=True)


class PlanSchema(Schema):
    id = fields.UUID()
    groupId = fields.UUID()
    version = fields.Integer()
    effectiveFrom = fields.Date()
    instalments = fields.List(fields.Nested(InstalmentViewSchema))
    indexation = fields.Dict(allow_none=True)
    penalty = fields.Dict(allow_none=True)
    graceDays = fields.Integer()
    cutoffDate = fields.Date(allow_none=True)
    decisionDocumentId = fields.UUID()
    recalculation = fields.Dict(metadata={
        "description": "What the version changed in the instalments not yet due: updated, unchanged, added, "
                       "removed, keptDeclared"})
    explanation = fields.String()
    createdBy = fields.String()
    createdAt = fields.DateTime()
