"""Properties of the FIFO allocation (domain.allocation), over generated groups and projects."""

import random
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from atlas_coop.domain.allocation import NEXT_AVAILABLE, Candidate, Lot, allocate, code_key, ineligibility
from atlas_coop.domain.codes import CONFIRMED, DUE, LATE, MEMBER_STATUSES, PENDING, WAIVED

CUTOFF = date(2027, 1, 1)
CODES = [f"{letter}{n}" for letter in "AB" for n in range(1, 13)]
DATES = [CUTOFF + timedelta(days=d) for d in (-90, -1, 0, 1, 90)]
STATUSES = [CONFIRMED, WAIVED, CONFIRMED, DUE, LATE, PENDING]
MEMBER_CHOICES = [*MEMBER_STATUSES, "COOP_MEMBER_ACTIVE", "COOP_MEMBER_ACTIVE", "COOP_MEMBER_ACTIVE"]


@st.composite
def projects(draw, with_refusals=False):
    """Sizes and a seed from hypothesis (which shrinks them); the contents from the seed (fast)."""
    n_lots, n_members, seed = draw(st.integers(0, 12)), draw(st.integers(0, 14)), draw(st.integers(0, 2**32))
    rnd = random.Random(seed)
    lots = [Lot(f"lot-{code}", code) for code in rnd.sample(CODES, n_lots)]
    ranks = rnd.sample(range(1, n_members + 1), n_members)
    members = [Candidate(
        member_id=f"m{i:02d}", fifo_rank=rank, status=rnd.choice(MEMBER_CHOICES),
        in_dispute=rnd.random() < 0.15, preferences=tuple(rnd.sample(CODES, rnd.randint(0, 3))),
        instalments=tuple((rnd.choice(DATES), rnd.choice(STATUSES)) for _ in range(rnd.randint(0, 3))))
        for i, rank in enumerate(ranks)]
    refused: dict[str, set[str]] = {}
    if with_refusals and members and lots:
        for _ in range(rnd.randint(0, 4)):
            refused.setdefault(rnd.choice(members).member_id, set()).add(rnd.choice(lots).lot_id)
    return members, lots, refused


@settings(max_examples=300, deadline=None)
@given(projects(with_refusals=True))
def test_no_lot_twice_never_an_ineligible_member_never_a_refused_lot(case):
    members, lots, refused = case
    outcome = allocate(members, lots, CUTOFF, refused)
    given_lots = [p.lot_id for p in outcome.proposals]
    assert len(given_lots) == len(set(given_lots))
    by_id = {m.member_id: m for m in members}
    for proposal in outcome.proposals:
        assert ineligibility(by_id[proposal.member_id], CUTOFF) == []
        assert proposal.lot_id not in refused.get(proposal.member_id, set())
    assert {p.member_id for p in outcome.proposals} | {s.member_id for s in outcome.skipped} == set(by_id)


@settings(max_examples=300, deadline=None)
@given(projects())
def test_fifo_nobody_served_before_a_better_ranked_eligible_member(case):
    members, lots, _ = case
    outcome = allocate(members, lots, CUTOFF)
    ranks = [p.fifo_rank for p in outcome.proposals]
    assert ranks == sorted(ranks)
    eligible = sorted((m for m in members if not ineligibility(m, CUTOFF)), key=lambda m: m.fifo_rank)
    served = [p.member_id for p in outcome.proposals]
    assert served == [m.member_id for m in eligible[:len(lots)]]  # the best-ranked eligible, in order
    for skip in outcome.skipped:
        if skip.member_id in {m.member_id for m in eligible}:
            assert [r["code"] for r in skip.reasons] == ["NO_LOT_AVAILABLE"]


@settings(max_examples=300, deadline=None)
@given(projects())
def test_best_available_preference_else_next_lot_in_code_order(case):
    members, lots, _ = case
    outcome = allocate(members, lots, CUTOFF)
    by_id, taken = {m.member_id: m for m in members}, set()
    free_codes = {lot.code for lot in lots}
    for proposal in outcome.proposals:
        still_free = free_codes - taken
        wanted = [c for c in by_id[proposal.member_id].preferences if c in still_free]
        if wanted:
            assert proposal.lot_code == wanted[0]
        else:
            assert proposal.explanation["basis"] == NEXT_AVAILABLE
            assert proposal.lot_code == min(still_free, key=code_key)
        taken.add(proposal.lot_code)


@settings(max_examples=100, deadline=None)
@given(projects(with_refusals=True), st.randoms(use_true_random=False))
def test_deterministic_whatever_the_input_order(case, rnd):
    members, lots, refused = case
    first = allocate(members, lots, CUTOFF, refused)
    shuffled_members, shuffled_lots = list(members), list(lots)
    rnd.shuffle(shuffled_members)
    rnd.shuffle(shuffled_lots)
    assert allocate(shuffled_members, shuffled_lots, CUTOFF, refused) == first


def test_skipped_members_carry_readable_reasons():
    late = Candidate("m1", 1, "COOP_MEMBER_IN_DEFAULT", instalments=((date(2026, 5, 1), LATE),))
    kyc = Candidate("m2", 2, "COOP_MEMBER_PENDING_KYC")
    ok = Candidate("m3", 3, "COOP_MEMBER_ACTIVE", preferences=("A10", "A2"),
                   instalments=((date(2026, 5, 1), CONFIRMED), (date(2027, 5, 1), DUE)))
    outcome = allocate([ok, kyc, late], [Lot("l10", "A10"), Lot("l2", "A2")], CUTOFF)
    assert [(s.member_id, [r["code"] for r in s.reasons]) for s in outcome.skipped] == [
        ("m1", ["MEMBER_NOT_ACTIVE", "INSTALMENTS_NOT_SETTLED"]), ("m2", ["MEMBER_NOT_ACTIVE"])]
    (proposal,) = outcome.proposals
    assert (proposal.lot_code, proposal.explanation["basis"], proposal.explanation["rank"]) == ("A10", "PREFERENCE", 3)
    assert "préférence n°1" in proposal.explanation["text"]
    assert code_key("A2") < code_key("A10") < code_key("B1")
