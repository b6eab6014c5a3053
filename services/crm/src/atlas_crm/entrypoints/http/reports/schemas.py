"""Report and dashboard query schemas (JSON bodies are documented by the routes' descriptions)."""

from __future__ import annotations

from marshmallow import fields, validate

from atlas_crm.domain.kpis import PERIODS
from atlas_crm.entrypoints.http.common import CODE
from atlas_crm.entrypoints.http.period import range_fields
from atlas_shared.web.schemas import QuerySchema

ReportRange = QuerySchema.from_dict(range_fields("Default: 30 days before `to`; at most 731 days."),
                                    name="ReportRange")


class DossierFilters(QuerySchema):
    caseType = fields.String(validate=CODE, metadata={"description": "Only dossiers of this case type"})
    source = fields.String(validate=CODE, metadata={"description": "Only dossiers from this source"})
    assignedTo = fields.String(validate=validate.Length(1, 100),
                               metadata={"description": "Only this agent's dossiers (an AGENT always sees "
                                                        "their own only)"})


class DashboardQuery(ReportRange, DossierFilters):
    pass


class ReportQuery(DashboardQuery):
    format = fields.String(load_default="json", validate=validate.OneOf(("json", "csv")),
                           metadata={"description": "csv: the report as one table, as a download"})


class LeadsQuery(ReportQuery):
    period = fields.String(load_default="day", validate=validate.OneOf(PERIODS))


class ConversionQuery(ReportQuery):
    by = fields.String(load_default="source", validate=validate.OneOf(("source", "listing")))
    limit = fields.Integer(load_default=50, validate=validate.Range(1, 100),
                           metadata={"description": "Listings with the most leads (by=listing)"})


class TopListingsQuery(ReportQuery):
    limit = fields.Integer(load_default=10, validate=validate.Range(1, 100))


class ToHandleQuery(DossierFilters):
    staleDays = fields.Integer(load_default=7, validate=validate.Range(1, 365),
                               metadata={"description": "Idle for this many days counts as stale"})
    page = fields.Integer(load_default=1, validate=validate.Range(min=1))
    size = fields.Integer(load_default=20, validate=validate.Range(1, 100))
