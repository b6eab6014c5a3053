"""Appointment rules: statuses, time ranges and what counts as an overlap."""

from __future__ import annotations

from datetime import datetime, timedelta

SCHEDULED, DONE = "APPOINT_SCHEDULED", "APPOINT_DONE"
NO_SHOW, CANCELLED = "APPOINT_NO_SHOW", "APPOINT_CANCELLED"
# A cancelled appointment no longer holds the assignee's time.
FREE_STATUSES = (CANCELLED,)
DEFAULT_DURATION = timedelta(hours=1)
DEMO_TYPE = "APPOINT_DEMO"


def range_problem(starts_at: datetime, ends_at: datetime) -> str | None:
    if ends_at <= starts_at:
        return "Must be after startsAt."
    if ends_at - starts_at > timedelta(days=7):
        return "An appointment lasts at most 7 days."
    return None
