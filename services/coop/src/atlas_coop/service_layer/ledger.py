"""Reading the ledger: pages of instalments, totals per member and per group, CSV export."""

from __future__ import annotations

import csv
import io
from typing import Any

from atlas_coop.adapters.ledger_repositories import ContributionRepository
from atlas_coop.adapters.orm import Contribution, CoopGroup
from atlas_coop.adapters.repositories import GroupRepository, MemberRepository
from atlas_coop.domain.ledger import Totals
from atlas_coop.service_layer import access
from atlas_coop.service_layer.views import contribution_view
from atlas_shared.db.repository import Page
from atlas_shared.db.uow import UnitOfWork

CSV_COLUMNS = ("contributionId", "memberId", "memberName", "fifoRank", "dueDate", "planVersion", "baseAmount",
               "indexation", "amountDue", "penalty", "total", "status", "amountPaid", "paidDate", "method",
               "proofDocumentId", "reason")


def _scope(uow: UnitOfWork, group_id: Any) -> tuple[CoopGroup, list[Any] | None]:
    group = GroupRepository(uow.session).get(group_id)
    access.ensure_group_access(uow, group)
    return group, access.own_member_ids(uow, group.id) if access.member_only(uow) else None


def list_contributions(uow: UnitOfWork, group_id: Any, filters: dict[str, Any]) -> Page[dict[str, Any]]:
    access.require_reader(uow, "read the ledger")
    with uow:
        group, own = _scope(uow, group_id)
        repo = ContributionRepository(uow.session)
        return repo.page_of(repo.ledger(group.id, filters, own), filters).map(contribution_view)


def ledger_totals(uow: UnitOfWork, group_id: Any, filters: dict[str, Any]) -> dict[str, Any]:
    access.require_reader(uow, "read the ledger")
    with uow:
        group, own = _scope(uow, group_id)
        repo = ContributionRepository(uow.session)
        rows = repo.all_of(repo.ledger(group.id, filters, own))
        overall, per_member = Totals(), {}
        for c in rows:
            overall.add(c.status, c.amount_due, c.penalty, c.amount_paid)
            per_member.setdefault(c.member_id, Totals()).add(c.status, c.amount_due, c.penalty, c.amount_paid)
        members = {m.id: m for m in MemberRepository(uow.session).of_group(group.id)}
        return {"groupId": group.id, "currency": "MAD", "group": overall.as_dict(), "members": [
            {"memberId": mid, "displayName": members[mid].display_name, "fifoRank": members[mid].fifo_rank,
             **t.as_dict()} for mid, t in sorted(per_member.items(), key=lambda kv: _rank(members[kv[0]]))]}


def _rank(member: Any) -> tuple[int, str]:
    return (member.fifo_rank if member.fifo_rank is not None else 10**9, str(member.id))


def export_csv(uow: UnitOfWork, group_id: Any, filters: dict[str, Any]) -> tuple[str, str]:
    access.require_reader(uow, "export the ledger")
    with uow:
        group, own = _scope(uow, group_id)
        repo = ContributionRepository(uow.session)
        rows = repo.all_of(repo.ledger(group.id, filters, own))
        members = {m.id: m for m in MemberRepository(uow.session).of_group(group.id)}
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(CSV_COLUMNS)
        for c in rows:
            writer.writerow(_csv_row(c, members[c.member_id]))
        return f"ledger-{group.id}.csv", out.getvalue()


def _cell(text: str | None) -> str:
    """Text a spreadsheet would run as a formula is quoted."""
    text = text or ""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _csv_row(c: Contribution, member: Any) -> list[Any]:
    paid = "" if c.amount_paid is None else c.amount_paid
    return [c.id, c.member_id, _cell(member.display_name), member.fifo_rank, c.due_date.isoformat(),
            c.plan_version, c.base_amount, c.amount_due - c.base_amount, c.amount_due, c.penalty,
            c.amount_due + c.penalty, c.status, paid, c.paid_date.isoformat() if c.paid_date else "",
            c.method or "", c.proof_document_id or "", _cell(c.decision_reason)]


def get_contribution(uow: UnitOfWork, contribution_id: Any) -> dict[str, Any]:
    access.require_reader(uow, "read the ledger")
    with uow:
        c = ContributionRepository(uow.session).get(contribution_id)
        access.ensure_member_access(uow, MemberRepository(uow.session).get(c.member_id))
        return contribution_view(c)
