"""What the reporting KPIs count (domain.md section 5): funnel stages, outcomes, periods, statistics.

The funnel is read from the status history (every status a dossier entered), never from a snapshot
of current statuses: a dossier that went through QUALIFIED and was then lost still counts as
qualified.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

WON = ("CRM_CLOSED_WON", "B2B_WON")
LOST = ("CRM_CLOSED_LOST", "B2B_LOST")
CONTACTED = ("CRM_CONTACTED",)
QUALIFIED = ("CRM_QUALIFIED", "B2B_QUALIFIED")
VISIT = ("CRM_VISIT_PLANNED", "CRM_VISIT_DONE", "B2B_SCHEDULED", "B2B_DONE")
# The funnel after "created", in order, with the statuses whose entry marks each stage. Reaching a
# stage implies the earlier ones (won implies appointment, qualified and contacted); lost is apart.
CHAIN: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("contacted", CONTACTED), ("qualified", QUALIFIED), ("appointment", VISIT), ("won", WON))
APPOINTMENT_STAGE = 3  # 1-based position of "appointment" in CHAIN
APPOINTMENT_SCHEDULED, APPOINTMENT_DONE = "APPOINT_SCHEDULED", "APPOINT_DONE"
APPOINTMENT_NO_SHOW, APPOINTMENT_CANCELLED = "APPOINT_NO_SHOW", "APPOINT_CANCELLED"
PERIODS = ("day", "week", "month")
DEFAULT_DAYS, MAX_DAYS = 30, 731
MAX_BUCKETS = 400


@dataclass(frozen=True)
class Range:
    start: datetime
    end: datetime  # exclusive


def resolve_range(start: datetime | None, end: datetime | None, now: datetime) -> tuple[Range | None, dict]:
    """(range, errors): the last 30 days up to now unless given; at most two years."""
    end = end or now
    start = start or end - timedelta(days=DEFAULT_DAYS)
    if start >= end:
        return None, {"to": ["Must be after `from`."]}
    if end - start > timedelta(days=MAX_DAYS):
        return None, {"from": [f"A report covers at most {MAX_DAYS} days."]}
    return Range(start, end), {}


def period_start(day: date, period: str) -> date:
    if period == "week":
        return day - timedelta(days=day.weekday())
    if period == "month":
        return day.replace(day=1)
    return day


def buckets(r: Range, period: str) -> list[str]:
    """Every period start (ISO date, UTC) the range touches, oldest first."""
    found, day = [], period_start(r.start.astimezone(UTC).date(), period)
    last = (r.end - timedelta(microseconds=1)).astimezone(UTC).date()
    while day <= last and len(found) < MAX_BUCKETS:
        found.append(day.isoformat())
        day = (day.replace(day=28) + timedelta(days=4)).replace(day=1) if period == "month" else \
            day + timedelta(days=7 if period == "week" else 1)
    return found


def period_problem(r: Range, period: str) -> str | None:
    if len(buckets(r, period)) >= MAX_BUCKETS:
        return f"Too many {period}s in this range; choose a longer period."
    return None


def funnel(tops: Iterable[int], created: int, lost: int) -> list[dict[str, object]]:
    """Stages with counts and rates, from how far (1-based CHAIN position, 0: not past created) each
    dossier of the cohort went."""
    tops = list(tops)
    stages: list[dict[str, object]] = [{"stage": "created", "dossiers": created,
                                        "rateFromCreated": rate(created, created), "rateFromPrevious": None}]
    previous = created
    for position, (name, _) in enumerate(CHAIN, 1):
        count = sum(1 for top in tops if top >= position)
        stages.append({"stage": name, "dossiers": count, "rateFromCreated": rate(count, created),
                       "rateFromPrevious": rate(count, previous)})
        previous = count
    stages.append({"stage": "lost", "dossiers": lost, "rateFromCreated": rate(lost, created),
                   "rateFromPrevious": None})
    return stages


def rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def durations(seconds: Iterable[float | None]) -> dict[str, float | int | None]:
    """count, average and median of durations in seconds (None when there are none)."""
    values = sorted(s for s in seconds if s is not None and s >= 0)
    if not values:
        return duration_summary(0, None, None)
    return duration_summary(len(values), statistics.fmean(values), statistics.median(values))


def duration_summary(count: int, average: float | None,
                     median: float | None) -> dict[str, float | int | None]:
    """The shape of ``durations``, from a count, an average and a median computed elsewhere."""
    if not count:
        return {"count": 0, "avgSeconds": None, "medianSeconds": None}
    return {"count": count, "avgSeconds": round(float(average), 1), "medianSeconds": round(float(median), 1)}


def seconds_between(start: datetime | None, end: datetime | None) -> float | None:
    if start is None or end is None:
        return None
    return (end - start).total_seconds()


def show_rate(done: int, no_show: int) -> float | None:
    """Of the appointments that were due and settled, how many happened."""
    return rate(done, done + no_show)
