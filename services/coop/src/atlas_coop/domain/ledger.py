"""Ledger totals per member and per group: what was due, paid, is late, and the penalties."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from atlas_coop.domain.codes import CONFIRMED, LATE, PENDING, WAIVED
from atlas_coop.domain.money import ZERO


@dataclass
class Totals:
    due: Decimal = ZERO          # amounts due (indexed), waived instalments excluded
    paid: Decimal = ZERO         # confirmed payments
    declared: Decimal = ZERO     # payments declared, awaiting confirmation
    late: Decimal = ZERO         # amounts due of instalments currently LATE
    penalties: Decimal = ZERO    # penalties on instalments not waived
    waived: Decimal = ZERO       # amounts due that a manager waived
    instalments: int = 0
    by_status: dict[str, int] = field(default_factory=dict)

    def add(self, status: str, amount_due: Decimal, penalty: Decimal, amount_paid: Decimal | None) -> None:
        self.instalments += 1
        self.by_status[status] = self.by_status.get(status, 0) + 1
        if status == WAIVED:
            self.waived += amount_due
            return
        self.due += amount_due
        self.penalties += penalty
        if status == CONFIRMED:
            self.paid += amount_paid or ZERO
        elif status == PENDING:
            self.declared += amount_paid or ZERO
        elif status == LATE:
            self.late += amount_due

    @property
    def outstanding(self) -> Decimal:
        return self.due + self.penalties - self.paid

    def as_dict(self) -> dict[str, object]:
        return {"due": self.due, "paid": self.paid, "declared": self.declared, "late": self.late,
                "penalties": self.penalties, "waived": self.waived, "outstanding": self.outstanding,
                "instalments": self.instalments, "byStatus": dict(sorted(self.by_status.items()))}


def totals(rows: Iterable[tuple[str, Decimal, Decimal, Decimal | None]]) -> Totals:
    result = Totals()
    for status, amount_due, penalty, paid in rows:
        result.add(status, amount_due, penalty, paid)
    return result
