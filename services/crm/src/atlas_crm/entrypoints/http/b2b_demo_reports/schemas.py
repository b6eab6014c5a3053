"""B2B demo summary query (`from`, `to`)."""

from __future__ import annotations

from atlas_crm.entrypoints.http.period import range_fields
from atlas_shared.web.schemas import QuerySchema

SummaryQuery = QuerySchema.from_dict(range_fields("Default: 30 days before `to`; at most 731 days."),
                                     name="B2BDemoSummaryQuery")
