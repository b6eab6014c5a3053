"""The arithmetic behind the reports (pure rules, no database)."""

from datetime import UTC, datetime

from atlas_crm.domain import kpis


def day(text):
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_ranges_default_to_the_last_thirty_days_and_are_bounded():
    now = day("2026-11-27T10:00:00")
    found, errors = kpis.resolve_range(None, None, now)
    assert (found.start, found.end, errors) == (day("2026-10-28T10:00:00"), now, {})
    assert kpis.resolve_range(now, now, now)[1] == {"to": ["Must be after `from`."]}
    assert "from" in kpis.resolve_range(day("2024-01-01T00:00:00"), now, now)[1]


def test_periods_cover_the_range_in_utc_days_iso_weeks_and_months():
    r = kpis.Range(day("2026-10-30T12:00:00"), day("2026-11-03T00:00:00"))
    assert kpis.buckets(r, "day") == ["2026-10-30", "2026-10-31", "2026-11-01", "2026-11-02"]
    assert kpis.buckets(r, "week") == ["2026-10-26", "2026-11-02"]
    assert kpis.buckets(kpis.Range(day("2026-01-31T00:00:00"), day("2026-03-01T00:00:00")), "month") == [
        "2026-01-01", "2026-02-01"]
    assert kpis.period_problem(kpis.Range(day("2025-01-01T00:00:00"), day("2026-06-01T00:00:00")), "day")
    assert kpis.period_problem(kpis.Range(day("2025-01-01T00:00:00"), day("2026-06-01T00:00:00")), "week") is None


def test_the_funnel_counts_a_dossier_at_every_stage_it_went_past():
    stages = kpis.funnel([4, 3, 3, 2, 0], created=5, lost=1)
    assert [(s["stage"], s["dossiers"], s["rateFromPrevious"]) for s in stages] == [
        ("created", 5, None), ("contacted", 4, 0.8), ("qualified", 4, 1.0), ("appointment", 3, 0.75),
        ("won", 1, 0.3333), ("lost", 1, None)]
    assert [s["dossiers"] for s in kpis.funnel([], 0, 0)] == [0] * 6
    assert kpis.funnel([], 0, 0)[1]["rateFromCreated"] is None


def test_durations_rates_and_show_rate():
    assert kpis.durations([60, 120, None, 30, -5]) == {"count": 3, "avgSeconds": 70.0, "medianSeconds": 60.0}
    assert kpis.durations([]) == {"count": 0, "avgSeconds": None, "medianSeconds": None}
    assert (kpis.rate(1, 3), kpis.rate(1, 0)) == (0.3333, None)
    assert (kpis.show_rate(3, 1), kpis.show_rate(0, 0)) == (0.75, None)
