"""Money is exact: Decimal end to end, rounded once, half-up to the centime (0.01 MAD)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Context, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
CURRENCY = "MAD"
# Enough digits that (1 + rate)^n is exact before the single rounding, even for decades of instalments.
EXACT = Context(prec=60)


def cents(value: Decimal) -> Decimal:
    """Half-up to 0.01: 10.005 → 10.01, 10.0049 → 10.00."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def has_at_most_cents(value: Decimal) -> bool:
    return value == value.quantize(CENT)


def fr_amount(value: Decimal) -> str:
    """French notation for people: 1 071,23 (spaces between thousands, comma for decimals)."""
    text = f"{cents(value):,.2f}"
    return text.replace(",", " ").replace(".", ",")


def fr_percent(rate: Decimal) -> str:
    text = format(rate.normalize(), "f") if rate != rate.to_integral() else str(int(rate))
    return text.replace(".", ",") + " %"
