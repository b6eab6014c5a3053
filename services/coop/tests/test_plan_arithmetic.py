"""Indexation and penalty arithmetic, exact to the centime (half-up), as the plan documents it."""

from datetime import date
from decimal import Decimal

import pytest

from atlas_coop.domain import plan as p
from atlas_coop.domain.schedule import Line, explanation, indexation_text, penalty_text


def terms(rate="3.5", penalty=("PERCENT_PER_MONTH", "1.5"), grace=10):
    return p.PlanTerms(effective_from=date(2026, 1, 1), grace_days=grace,
                       instalments=(p.Instalment(date(2026, 2, 1), Decimal("1000.00")),),
                       indexation_rate=Decimal(rate) if rate else None,
                       penalty=p.Penalty(penalty[0], Decimal(penalty[1])) if penalty else None)


@pytest.mark.parametrize("start,end,years", [
    (date(2026, 1, 1), date(2026, 12, 31), 0), (date(2026, 1, 1), date(2027, 1, 1), 1),
    (date(2026, 1, 1), date(2028, 6, 1), 2), (date(2024, 2, 29), date(2025, 2, 28), 0),
    (date(2024, 2, 29), date(2025, 3, 1), 1), (date(2026, 5, 1), date(2026, 1, 1), 0)])
def test_whole_years_count_anniversaries_reached(start, end, years):
    assert p.whole_years(start, end) == years


def test_indexation_is_compounded_then_rounded_once_half_up():
    t = terms()
    assert p.amount_due(t, Decimal("1000.00"), date(2026, 12, 31)).amount == Decimal("1000.00")
    assert p.amount_due(t, Decimal("1000.00"), date(2027, 1, 1)).amount == Decimal("1035.00")
    two = p.amount_due(t, Decimal("1000.00"), date(2028, 1, 1))
    assert two.amount == Decimal("1071.23")  # 1071.225 exactly: half-up, where banker's rounding gives 1071.22
    assert (two.years, two.indexation) == (2, Decimal("71.23"))
    ten = p.amount_due(t, Decimal("2500.00"), date(2036, 1, 1)).amount
    assert ten == Decimal("3526.50")  # 2500 × 1.035^10 = 3526.4969…
    assert p.amount_due(terms(rate=None), Decimal("999.99"), date(2040, 1, 1)).amount == Decimal("999.99")


@pytest.mark.parametrize("as_of,periods", [
    (date(2026, 2, 11), 0), (date(2026, 2, 12), 1), (date(2026, 3, 13), 1), (date(2026, 3, 14), 2)])
def test_lateness_counts_started_30_day_periods_after_the_grace(as_of, periods):
    assert p.periods_late(date(2026, 2, 1), 10, as_of) == periods
    assert p.is_late(date(2026, 2, 1), 10, as_of) == (periods > 0)


def test_penalties_percent_per_started_month_or_flat():
    monthly = p.Penalty("PERCENT_PER_MONTH", Decimal("1.5"))
    assert p.penalty_amount(monthly, Decimal("1071.23"), 2) == Decimal("32.14")     # 32.1369
    assert p.penalty_amount(p.Penalty("PERCENT_PER_MONTH", Decimal("1")), Decimal("1548.50"), 1) == Decimal("15.49")  # 15.485
    assert p.penalty_amount(monthly, Decimal("1000.00"), 0) == Decimal("0.00")
    assert p.penalty_amount(p.Penalty("FLAT", Decimal("200")), Decimal("1000.00"), 3) == Decimal("200.00")
    assert p.penalty_amount(None, Decimal("1000.00"), 3) == Decimal("0.00")


def test_plan_problems_are_reported_per_field():
    bad = p.PlanTerms(effective_from=date(2026, 3, 1), grace_days=0, cutoff_date=date(2026, 1, 1),
                      instalments=(p.Instalment(date(2026, 5, 1), Decimal("0")), p.Instalment(date(2026, 2, 1), Decimal("10"))),
                      indexation_rate=Decimal("120"), penalty=None)
    found = p.problems(bad)
    assert set(found) == {"instalments", "instalments[0].amount", "instalments[1].dueDate", "indexation.rate",
                          "cutoffDate"}


def test_the_explanation_says_the_formula_and_each_row_its_calculation():
    t = terms()
    text = explanation(t, 2)
    assert "version 2" in text and "(1 + 3,5 %)^n" in text and "arrondi au centime" in text
    assert "30 jours" in text and "10 jour(s)" in text
    line = Line(date(2028, 2, 1), Decimal("1000.00"), 2, Decimal("1071.23"), Decimal("32.14"), 2)
    assert indexation_text(t, line) == "1 000,00 × (1 + 3,5 %)^2 = 1 071,23"
    assert penalty_text(t, line) == "2 période(s) de 30 jours × 1,5 % × 1 071,23 = 32,14"
