"""FIFO allocation as a pure function: who gets which lot, who is skipped and why.

Members are served in FIFO rank order (ties, which the database forbids, by member id). An eligible
member gets their best available preference (``lotPreferences``, lot codes best first), else the next
available lot in natural code order (A2 before A10, then by lot id). Eligible = status ACTIVE, not in
dispute, and every instalment due on or before the cut-off date CONFIRMED or WAIVED. A member never
gets back a lot a manager rejected for them; that lot goes to the next eligible member.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import islice
from typing import Any

from atlas_coop.domain.codes import MEMBER_ACTIVE, SETTLED

PREFERENCE, NEXT_AVAILABLE = "PREFERENCE", "NEXT_AVAILABLE"
_RUNS = re.compile(r"(\d+)")


@dataclass(frozen=True)
class Candidate:
    member_id: str
    fifo_rank: int
    status: str
    in_dispute: bool = False
    preferences: tuple[str, ...] = ()
    instalments: tuple[tuple[date, str], ...] = ()  # (due date, contribution status)
    holds: str | None = None                        # code of a lot already allocated to them
    settled: int = 0  # instalments due by the cut-off known settled, counted rather than listed


@dataclass(frozen=True)
class Lot:
    lot_id: str
    code: str


@dataclass(frozen=True)
class Proposal:
    member_id: str
    fifo_rank: int
    lot_id: str
    lot_code: str
    explanation: dict[str, Any]


@dataclass(frozen=True)
class Skip:
    member_id: str
    fifo_rank: int
    reasons: tuple[dict[str, str], ...]


@dataclass(frozen=True)
class Outcome:
    cutoff: date
    proposals: tuple[Proposal, ...] = ()
    skipped: tuple[Skip, ...] = ()
    order: str = field(default="FIFO rank; preference, else next available lot by natural code order")


def code_key(code: str) -> tuple[tuple[int, int, str], ...]:
    """Natural order: A2 < A10 < B1 (digits compare as numbers)."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part.upper())
                 for part in _RUNS.split(code) if part)


def ineligibility(member: Candidate, cutoff: date) -> list[dict[str, str]]:
    reasons = []
    if member.holds is not None:
        reasons.append(_reason("ALREADY_ALLOCATED", f"Le lot {member.holds} lui est déjà attribué."))
    if member.status != MEMBER_ACTIVE:
        reasons.append(_reason("MEMBER_NOT_ACTIVE", f"Statut {member.status} (il faut {MEMBER_ACTIVE})."))
    if member.in_dispute:
        reasons.append(_reason("MEMBER_IN_DISPUTE", "Un litige est en cours pour ce membre."))
    unsettled = sorted(d for d, status in member.instalments if d <= cutoff and status not in SETTLED)
    if unsettled:
        listed = ", ".join(d.isoformat() for d in unsettled[:5]) + (" …" if len(unsettled) > 5 else "")
        reasons.append(_reason("INSTALMENTS_NOT_SETTLED",
                               f"{len(unsettled)} échéance(s) dues au plus tard le {cutoff.isoformat()} "
                               f"ni confirmées ni dispensées : {listed}."))
    return reasons


def _reason(code: str, message: str) -> dict[str, str]:
    return {"code": code, "message": message}


class _Shelf:
    """The lots still free, by code and in natural order."""

    def __init__(self, lots: Iterable[Lot]) -> None:
        self.ordered = sorted(lots, key=lambda lot: (code_key(lot.code), lot.lot_id))
        self.by_code = {lot.code: lot for lot in self.ordered}
        self.taken: set[str] = set()
        self.start = 0

    def preferred(self, codes: Sequence[str], refused: set[str]) -> tuple[Lot | None, list[str]]:
        passed = []
        for code in codes:
            lot = self.by_code.get(code)
            if lot and lot.lot_id not in self.taken and lot.lot_id not in refused:
                return lot, passed
            passed.append(code)
        return None, passed

    def next_free(self, refused: set[str]) -> Lot | None:
        while self.start < len(self.ordered) and self.ordered[self.start].lot_id in self.taken:
            self.start += 1
        return next((lot for lot in islice(self.ordered, self.start, None)
                     if lot.lot_id not in self.taken and lot.lot_id not in refused), None)

    def take(self, lot: Lot) -> None:
        self.taken.add(lot.lot_id)


def allocate(members: Iterable[Candidate], free_lots: Iterable[Lot], cutoff: date,
             refused: dict[str, set[str]] | None = None) -> Outcome:
    """``free_lots``: lots nobody holds; ``refused``: member id → lot ids rejected for them."""
    shelf, refused = _Shelf(free_lots), refused or {}
    proposals, skipped = [], []
    for member in sorted(members, key=lambda m: (m.fifo_rank, m.member_id)):
        reasons = ineligibility(member, cutoff)
        if reasons:
            skipped.append(Skip(member.member_id, member.fifo_rank, tuple(reasons)))
            continue
        own_refusals = refused.get(member.member_id, set())
        lot, passed = shelf.preferred(member.preferences, own_refusals)
        why = PREFERENCE
        if lot is None:
            lot, why = shelf.next_free(own_refusals), NEXT_AVAILABLE
        if lot is None:
            skipped.append(Skip(member.member_id, member.fifo_rank, (_reason(
                "NO_LOT_AVAILABLE", "Plus aucun lot disponible pour ce membre à son rang."),)))
            continue
        shelf.take(lot)
        proposals.append(Proposal(member.member_id, member.fifo_rank, lot.lot_id, lot.code,
                                  _explain(member, lot, why, passed, cutoff)))
    return Outcome(cutoff, tuple(proposals), tuple(skipped))


def _explain(member: Candidate, lot: Lot, why: str, passed: list[str], cutoff: date) -> dict[str, Any]:
    due = member.settled + sum(1 for d, _ in member.instalments if d <= cutoff)
    checked = [f"Statut {member.status}", "Aucun litige en cours",
               f"{due} échéance(s) dues au plus tard le {cutoff.isoformat()}, toutes confirmées "
               f"ou dispensées"]
    if why == PREFERENCE:
        choice = f"lot {lot.code} : sa préférence n°{len(passed) + 1}"
        if passed:
            choice += f" ({', '.join(passed)} déjà pris ou indisponibles)"
    else:
        choice = (f"lot {lot.code} : premier lot disponible dans l'ordre des codes"
                  + (f" (préférences {', '.join(passed)} indisponibles)" if passed else
                     " (aucune préférence exprimée)"))
    return {"rank": member.fifo_rank, "checked": checked, "lotCode": lot.code, "basis": why,
            "preferencesUnavailable": passed, "cutoffDate": cutoff.isoformat(),
            "text": f"Rang FIFO {member.fifo_rank} : éligible ({'; '.join(checked)}) ; {choice}."}
