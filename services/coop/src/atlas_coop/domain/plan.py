"""Contribution plan terms and their arithmetic (domain.md section 8).

Indexation (PERCENT_PER_YEAR, ``rate`` in percent):
    amountDue = base × (1 + rate/100)^n, n = whole years from the version's effectiveFrom to the due
    date (anniversaries reached on or before the due date; a 29 February start counts on 1 March).
Late penalty, once an instalment is still unpaid ``graceDays`` days after its due date:
    PERCENT_PER_MONTH: amountDue × value/100 × p, p = started 30-day periods after the grace period;
    FLAT: ``value`` once.
Each result is computed exactly and rounded once, half-up to 0.01 MAD.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from atlas_coop.domain.money import EXACT, ZERO, cents

PERCENT_PER_YEAR = "PERCENT_PER_YEAR"
PERCENT_PER_MONTH, FLAT = "PERCENT_PER_MONTH", "FLAT"
PENALTY_TYPES = (PERCENT_PER_MONTH, FLAT)
PERIOD_DAYS = 30
MAX_INSTALMENTS = 600
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Instalment:
    due_date: date
    amount: Decimal  # the base amount, before indexation


@dataclass(frozen=True)
class Penalty:
    type: str
    value: Decimal


@dataclass(frozen=True)
class PlanTerms:
    effective_from: date
    instalments: tuple[Instalment, ...]
    indexation_rate: Decimal | None  # percent per year; None: no indexation
    penalty: Penalty | None
    grace_days: int
    cutoff_date: date | None = None


@dataclass(frozen=True)
class DueAmount:
    base: Decimal
    years: int
    amount: Decimal

    @property
    def indexation(self) -> Decimal:
        return self.amount - self.base


def whole_years(start: date, end: date) -> int:
    years = end.year - start.year - ((end.month, end.day) < (start.month, start.day))
    return max(0, years)


def amount_due(terms: PlanTerms, base: Decimal, due_date: date) -> DueAmount:
    years = whole_years(terms.effective_from, due_date)
    if not terms.indexation_rate or years == 0:
        return DueAmount(base, years, cents(base))
    factor = EXACT.power(EXACT.add(Decimal(1), EXACT.divide(terms.indexation_rate, HUNDRED)), years)
    return DueAmount(base, years, cents(EXACT.multiply(base, factor)))


def late_after(due_date: date, grace_days: int) -> date:
    """The last day an instalment may still be paid without being late."""
    return due_date + timedelta(days=grace_days)


def is_late(due_date: date, grace_days: int, today: date) -> bool:
    return today > late_after(due_date, grace_days)


def periods_late(due_date: date, grace_days: int, as_of: date) -> int:
    days = (as_of - late_after(due_date, grace_days)).days
    return 0 if days <= 0 else (days - 1) // PERIOD_DAYS + 1


def penalty_amount(penalty: Penalty | None, due: Decimal, periods: int) -> Decimal:
    if penalty is None or periods <= 0:
        return ZERO
    if penalty.type == FLAT:
        return cents(penalty.value)
    return cents(EXACT.multiply(EXACT.multiply(due, EXACT.divide(penalty.value, HUNDRED)), Decimal(periods)))


def problems(terms: PlanTerms) -> dict[str, list[str]]:
    """Every reason these terms cannot be a plan version (empty when valid)."""
    errors: dict[str, list[str]] = {}
    dates = [i.due_date for i in terms.instalments]
    if not terms.instalments:
        errors["instalments"] = ["At least one instalment is required."]
    elif len(dates) > MAX_INSTALMENTS:
        errors["instalments"] = [f"At most {MAX_INSTALMENTS} instalments."]
    elif any(b <= a for a, b in zip(dates, dates[1:], strict=False)):
        errors["instalments"] = ["Due dates must be strictly increasing (one instalment per date)."]
    for i, instalment in enumerate(terms.instalments):
        if instalment.amount <= 0:
            errors[f"instalments[{i}].amount"] = ["Must be greater than 0."]
        if instalment.due_date < terms.effective_from:
            errors[f"instalments[{i}].dueDate"] = ["Must be on or after effectiveFrom."]
    if terms.indexation_rate is not None and not ZERO <= terms.indexation_rate <= HUNDRED:
        errors["indexation.rate"] = ["Must be a percentage between 0 and 100."]
    if terms.penalty and terms.penalty.type == PERCENT_PER_MONTH and terms.penalty.value > HUNDRED:
        errors["penalty.value"] = ["A monthly percentage must be at most 100."]
    if terms.cutoff_date and dates and terms.cutoff_date < dates[0]:
        errors["cutoffDate"] = ["Must be on or after the first due date."]
    return errors
