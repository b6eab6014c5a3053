"""Date-range query fields shared by the audit trail, reports and dashboard (`from`, `to`)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from marshmallow import ValidationError, fields

from atlas_shared.web.schemas import QuerySchema


class Moment(fields.Field):
    """An ISO 8601 date-time (UTC when it has no offset) or a plain date: its start of day, or
    with ``end_of_day`` the start of the next day (so ``to=2026-11-30`` includes that whole day)."""

    def __init__(self, *, end_of_day: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.end_of_day = end_of_day

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> datetime:
        text = str(value).strip()
        try:
            if len(text) == 10:
                day = datetime.combine(date.fromisoformat(text), time(), tzinfo=UTC)
                return day + timedelta(days=1) if self.end_of_day else day
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise ValidationError("Not an ISO 8601 date (2026-11-30) or date-time.") from None
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def range_fields(description: str) -> dict[str, fields.Field]:
    return {"from": Moment(load_default=None, metadata={"description": f"Start, inclusive. {description}"}),
            "to": Moment(end_of_day=True, load_default=None,
                         metadata={"description": "End, exclusive; a plain date includes that whole day."})}


RangeQuery = QuerySchema.from_dict(range_fields("Date or date-time, UTC when no offset is given."),
                                   name="RangeQuery")
