"""Coop benchmark: FIFO allocation (pure domain) and instalment generation (through the database).

1. ``domain.allocation.allocate`` for 2,000 members (shuffled FIFO ranks, five preferences each,
   60 instalments each, ~8 % late, ~1 % in dispute) and 500 lots: CPU time, median and best of runs.
2. Through the service's own code on a migrated database, for the same sizes:
   - generation: the 120,000 instalment rows alone (``instalments.bulk_insert``, rolled back);
   - open funding: ``instalments.open_funding`` — the same rows plus a call for funds decided for
     each member (requested through the outbox, or recorded as not sent for lack of consent) and
     its timeline entry, committed;
   - propose: ``allocations.propose`` (loads eligibility, runs the domain, writes 500 allocations,
     their audit events and notifications).

Databases: a migrated SQLite file in a temporary folder and, when ``ATLAS_BENCH_DATABASE_URL`` is set,
a fresh PostgreSQL database ``atlas_bench_coop_<random>`` created on that server (the URL is only
used to connect as an administrator) and dropped at the end. Prints wall and CPU time (CPU is the
steadier figure on a shared machine) and, for a PostgreSQL server on this machine, the CPU its backend
spent on the measured transaction (read from ``/proc``); asserts nothing. Figures: bench/coop/README.md.
Run: ``.venv/bin/python bench/coop/run.py [--members 2000 --lots 500 --instalments 60 --skip-sqlite]``.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import insert, text, update

from atlas_coop.adapters.orm import Contribution, ContributionPlan, CoopGroup, Lot, Member, Project
from atlas_coop.domain import allocation
from atlas_coop.domain.codes import CONFIRMED, DUE, GROUP_ALLOCATION_RUNNING, MEMBER_ACTIVE, MEMBER_IN_DEFAULT
from atlas_coop.service_layer import allocations, instalments
from atlas_shared.context import RequestContext
from atlas_shared.db.engine import Database
from atlas_shared.db.migrations import upgrade
from atlas_shared.db.uow import UnitOfWork
from atlas_shared.testing import create_pg_database, drop_pg_database

START = date(2026, 1, 5)


def lot_codes(count: int) -> list[str]:
    return [f"{chr(ord('A') + i // 100)}{i % 100 + 1}" for i in range(count)]


def candidates(members: int, lots: int, per_member: int, rnd: random.Random) -> list[allocation.Candidate]:
    codes, found = lot_codes(lots), []
    for rank in rnd.sample(range(1, members + 1), members):
        late = rnd.random() < 0.08
        dues = tuple((START + timedelta(days=30 * i), DUE if late and i == per_member // 2 else CONFIRMED)
                     for i in range(per_member))
        found.append(allocation.Candidate(
            f"member-{rank:05d}", rank, MEMBER_IN_DEFAULT if late else MEMBER_ACTIVE,
            in_dispute=rnd.random() < 0.01, preferences=tuple(rnd.sample(codes, 5)), instalments=dues))
    return found


def bench_allocation(members: int, lots: int, per_member: int, runs: int) -> None:
    people = candidates(members, lots, per_member, random.Random(7))
    shelf = [allocation.Lot(f"lot-{code}", code) for code in lot_codes(lots)]
    cutoff = START + timedelta(days=30 * per_member)
    timings, outcome = [], None
    for _ in range(runs):
        began = time.process_time()
        outcome = allocation.allocate(people, shelf, cutoff)
        timings.append(time.process_time() - began)
    assert outcome is not None
    print(f"allocation (domain)    {members} members × {lots} lots × {per_member} instalments: CPU median "
          f"{statistics.median(timings) * 1000:.0f} ms, best {min(timings) * 1000:.0f} ms over {runs} runs "
          f"({len(outcome.proposals)} proposals, {len(outcome.skipped)} skipped)")


# -- through the database -------------------------------------------------------------------------

def seed(db: Database, org: str, members: int, lots: int, per_member: int) -> tuple[Any, Any, Any]:
    """A group with its members, a plan of ``per_member`` monthly instalments, a project's lots."""
    group_id, plan_id, project_id, tenant = uuid.uuid4(), uuid.uuid4(), uuid.uuid4(), uuid.UUID(org)
    codes, rnd = lot_codes(lots), random.Random(11)
    with db.session(org) as session:
        session.add(CoopGroup(id=group_id, name="Bench", city="Rabat", status=GROUP_ALLOCATION_RUNNING,
                              rules={}, created_by="bench", version=1))
        session.add(ContributionPlan(
            id=plan_id, group_id=group_id, version=1, effective_from=START, grace_days=10, cutoff_date=None,
            instalments=[{"dueDate": (START + timedelta(days=30 * i)).isoformat(), "amount": "1500.00"}
                         for i in range(per_member)], indexation={"type": "PERCENT_PER_YEAR", "rate": "3"},
            penalty={"type": "PERCENT_PER_MONTH", "value": "1.5"}, decision_document_id=uuid.uuid4(),
            recalculation={}, created_by="bench"))
        session.add(Project(id=project_id, group_id=group_id, name="Bench", status="COOP_PROJECT_BUILDING",
                            milestones=[], version=1))
        session.flush()
        session.execute(insert(Member), [
            {"id": uuid.uuid4(), "org_id": tenant, "group_id": group_id, "display_name": f"Membre {rank}",
             "phone": "+212612345678", "status": MEMBER_ACTIVE, "fifo_rank": rank, "in_dispute": False,
             "lot_preferences": rnd.sample(codes, 3), "consent_status": "GRANTED" if rank % 2 else None,
             "consent_version": 1, "joined_on": START, "version": 1} for rank in range(1, members + 1)])
        session.execute(insert(Lot), [
            {"id": uuid.uuid4(), "org_id": tenant, "project_id": project_id, "group_id": group_id,
             "code": code, "type": "T3", "surface_m2": Decimal("80.00"),
             "price_reference": Decimal("750000.00"), "status": "AVAILABLE"} for code in codes])
        session.commit()
    return group_id, plan_id, project_id


def timed(label: str, fn: Callable[[], str]) -> None:
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn()
    print(f"{label:<22} {time.perf_counter() - wall:7.2f} s wall {time.process_time() - cpu:7.2f} s CPU"
          f"   {result}")


class ServerCpu:
    """CPU seconds used by the session's PostgreSQL backend while measured (read from /proc, so only
    when the server runs on this machine): the server's share, steadier than wall time under load."""

    def __init__(self, session: Any) -> None:
        self.pid = None
        if session.connection().dialect.name == "postgresql":
            pid = session.execute(text("SELECT pg_backend_pid()")).scalar_one()
            self.pid = pid if Path(f"/proc/{pid}/stat").exists() else None
        self.began = self._used()

    def _used(self) -> float | None:
        if self.pid is None:
            return None
        try:
            fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime

    def __str__(self) -> str:
        now = self._used()
        return "" if now is None or self.began is None else f", server CPU {now - self.began:.2f} s"


def bench_database(url: str, label: str, members: int, lots: int, per_member: int) -> None:
    print(f"-- {label}")
    upgrade("atlas_coop:migrations", url)
    db = Database(url)
    try:
        org = str(uuid.uuid4())
        group_id, plan_id, project_id = seed(db, org, members, lots, per_member)
        system = RequestContext.system(org_id=org, actor="bench")

        def generation() -> str:
            with UnitOfWork(db, system, "coop") as uow:  # rolled back: open funding makes them again
                server = ServerCpu(uow.session)
                group, plan = uow.session.get(CoopGroup, group_id), uow.session.get(ContributionPlan, plan_id)
                schedule = instalments.schedule_of(plan)
                member_ids = [m.id for m in uow.session.query(Member).filter_by(group_id=group_id)]
                count = instalments.bulk_insert(uow, group, plan, member_ids, schedule)
                return f"{count} rows, rolled back{server}"

        def open_funding() -> str:
            with UnitOfWork(db, system, "coop") as uow:
                server = ServerCpu(uow.session)
                summary = instalments.open_funding(uow, uow.session.get(CoopGroup, group_id))
                uow.commit()
                spent = str(server)
            return f"{summary['instalments']} instalments, {summary['members']} members called{spent}"

        def propose() -> str:
            manager = RequestContext(org_id=org, user_id="bench", roles=frozenset({"COOP_MANAGER"}))
            run = allocations.propose(UnitOfWork(db, manager, "coop"), group_id,
                                      {"projectId": project_id, "cutoffDate": START + timedelta(days=400)})
            return f"{len(run['proposals'])} proposals, {len(run['skipped'])} skipped"

        timed("generation (insert)", generation)
        timed("open funding (total)", open_funding)
        settle(db, org)
        timed("propose (service, DB)", propose)
    finally:
        db.dispose()


def settle(db: Database, org: str) -> None:
    """Every instalment confirmed, so that the proposal has 2,000 eligible candidates to place."""
    with db.session(org) as session:
        session.execute(update(Contribution).values(status=CONFIRMED))
        session.commit()


def pg_database(admin_url: str) -> tuple[str, Callable[[], None]]:
    name = f"atlas_bench_coop_{uuid.uuid4().hex[:8]}"
    return create_pg_database(name, admin_url), lambda: drop_pg_database(name, admin_url)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--members", type=int, default=2000)
    parser.add_argument("--lots", type=int, default=500)
    parser.add_argument("--instalments", type=int, default=60)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--skip-sqlite", action="store_true", help="PostgreSQL only (needs the URL)")
    args = parser.parse_args()
    print(f"load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs")
    bench_allocation(args.members, args.lots, args.instalments, args.runs)
    if not args.skip_sqlite:
        with tempfile.TemporaryDirectory() as folder:
            url = f"sqlite:///{Path(folder) / 'coop-bench.db'}"
            bench_database(url, "SQLite", args.members, args.lots, args.instalments)
    if os.environ.get("ATLAS_BENCH_DATABASE_URL"):
        url, drop = pg_database(os.environ["ATLAS_BENCH_DATABASE_URL"])
        try:
            bench_database(url, "PostgreSQL", args.members, args.lots, args.instalments)
        finally:
            drop()


if __name__ == "__main__":
    main()
