"""A member's schedule as a table people can check by hand, with the formula in plain French."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from atlas_coop.domain.money import CURRENCY, fr_amount, fr_percent
from atlas_coop.domain.plan import FLAT, PERIOD_DAYS, PlanTerms, amount_due


@dataclass(frozen=True)
class Line:
    due_date: date
    base: Decimal
    years: int
    amount_due: Decimal
    penalty: Decimal
    penalty_periods: int
    status: str | None = None


def projected_lines(terms: PlanTerms) -> list[Line]:
    """The schedule a plan version implies before any instalment exists (no penalty yet)."""
    lines = []
    for instalment in terms.instalments:
        due = amount_due(terms, instalment.amount, instalment.due_date)
        lines.append(Line(instalment.due_date, due.base, due.years, due.amount, Decimal("0.00"), 0))
    return lines


def indexation_text(terms: PlanTerms, line: Line) -> str:
    if not terms.indexation_rate or line.years == 0:
        return f"{fr_amount(line.base)} (pas d'indexation : 0 année entière depuis la date d'effet)" \
            if terms.indexation_rate else f"{fr_amount(line.base)} (plan sans indexation)"
    return (f"{fr_amount(line.base)} × (1 + {fr_percent(terms.indexation_rate)})^{line.years} "
            f"= {fr_amount(line.amount_due)}")


def penalty_text(terms: PlanTerms, line: Line) -> str:
    penalty = terms.penalty
    if line.penalty_periods == 0 or penalty is None:
        return "aucune pénalité"
    if penalty.type == FLAT:
        return f"pénalité forfaitaire de {fr_amount(line.penalty)}"
    return (f"{line.penalty_periods} période(s) de {PERIOD_DAYS} jours × {fr_percent(penalty.value)} × "
            f"{fr_amount(line.amount_due)} = {fr_amount(line.penalty)}")


def explanation(terms: PlanTerms, version: int) -> str:
    start = terms.effective_from.strftime("%d/%m/%Y")
    if terms.indexation_rate:
        text = (f"Plan de contributions, version {version}, en vigueur depuis le {start}. Chaque échéance "
                f"vaut : montant de base × (1 + {fr_percent(terms.indexation_rate)})^n, où n est le nombre "
                f"d'années entières écoulées entre le {start} et la date d'échéance.")
    else:
        text = (f"Plan de contributions, version {version}, en vigueur depuis le {start}. Chaque échéance "
                f"vaut son montant de base (pas d'indexation).")
    text += " Le résultat est arrondi au centime (0,005 arrondi au centime supérieur)."
    penalty = terms.penalty
    if penalty is None:
        text += " Aucune pénalité de retard n'est prévue."
    elif penalty.type == FLAT:
        text += (f" Une échéance non réglée {terms.grace_days} jour(s) après sa date est en retard : "
                 f"pénalité forfaitaire de {fr_amount(penalty.value)} {CURRENCY}.")
    else:
        text += (f" Une échéance non réglée {terms.grace_days} jour(s) après sa date est en retard : "
                 f"pénalité de {fr_percent(penalty.value)} du montant indexé par période de {PERIOD_DAYS} "
                 f"jours entamée après ce délai de grâce.")
    return text + f" Total d'une échéance = montant indexé + pénalité. Montants en {CURRENCY}."
