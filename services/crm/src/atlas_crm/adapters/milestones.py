"""Keeps each dossier's milestones in step with its messages, appointments and status history.

A dossier's milestones are what the reports ask of every lead: when it was first answered (its
earliest outbound message, not deleted, at or after its creation), how far along the funnel its
status history went (``kpis.CHAIN`` position, 0: not past created), whether it was ever lost, and
whether a visit is booked (an appointment not cancelled). Reading them from the dossier row makes a
report's cost one range scan of the leads, where looking them up cost four index probes per lead
(~13,000 for the biggest bench agency's month).

As search_sync does for search documents, mapper events recompute them through the flushing
connection, inside the transaction of whatever use case wrote the row, from the rows themselves: no
code path can forget them, and a rolled-back change leaves them as they were. Bulk loads that bypass
the ORM run ``atlas-crm refresh-milestones`` afterwards. A Dossier entity loaded before the change
keeps the old values until it is loaded again; nothing reads them from entities.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import Any

from sqlalchemy import (
    Connection,
    Select,
    Update,
    bindparam,
    case,
    event,
    exists,
    func,
    inspect,
    select,
    update,
)

from atlas_crm.adapters.orm import Appointment, Dossier, Message, StatusHistory
from atlas_crm.domain import kpis
from atlas_crm.domain.messaging import OUTBOUND

_dossiers, _messages = Dossier.__table__, Message.__table__  # type: ignore[attr-defined]
_history, _appointments = StatusHistory.__table__, Appointment.__table__  # type: ignore[attr-defined]
MILESTONES = ("first_answered_at", "furthest_stage", "ever_lost", "visit_booked")
# Changes of these columns can move a milestone; other updates (a delivery status…) cannot.
WATCHED = {Message: ("occurred_at", "deleted_at", "direction", "dossier_id"),
           Appointment: ("status", "dossier_id"), StatusHistory: ("to_status", "dossier_id")}
_CHAIN_CODES = tuple(code for _, codes in kpis.CHAIN for code in codes)


def values() -> dict[str, Any]:
    """Each milestone as a subquery correlated to the dossier row being updated (org first: every
    index of these tables leads with it)."""
    d = _dossiers.c
    position = case(*((_history.c.to_status.in_(codes), i) for i, (_, codes) in enumerate(kpis.CHAIN, 1)),
                    else_=0)
    return {
        "first_answered_at": select(func.min(_messages.c.occurred_at)).where(
            _messages.c.org_id == d.org_id, _messages.c.dossier_id == d.id, _messages.c.direction == OUTBOUND,
            _messages.c.deleted_at.is_(None), _messages.c.occurred_at >= d.created_at).scalar_subquery(),
        "furthest_stage": func.coalesce(select(func.max(position)).where(
            _history.c.org_id == d.org_id, _history.c.dossier_id == d.id,
            _history.c.to_status.in_(_CHAIN_CODES)).scalar_subquery(), 0),
        "ever_lost": exists().where(_history.c.org_id == d.org_id, _history.c.dossier_id == d.id,
                                    _history.c.to_status.in_(kpis.LOST)),
        "visit_booked": exists().where(_appointments.c.org_id == d.org_id, _appointments.c.dossier_id == d.id,
                                       _appointments.c.status != kpis.APPOINTMENT_CANCELLED),
    }


def refresh(connection: Connection, dossier_ids: Iterable[Any] | None = None) -> int:
    """Recompute the milestones of these dossiers (all of them when None); returns rows updated."""
    if dossier_ids is None:
        return connection.execute(update(_dossiers).values(**values())).rowcount
    ids = sorted(dossier_ids)
    if not ids:
        return 0
    # Lock the dossiers first: a concurrent writer of one of them holds its row until it commits, and
    # PostgreSQL, when an UPDATE waits for a row, re-reads that row but not the subqueries of its SET
    # (read with the snapshot the statement started with) — the other writer's message would be
    # missed. After the lock, the UPDATE is a new statement, with a snapshot that sees it.
    connection.execute(_lock_some(), {"ids": ids})
    return connection.execute(_refresh_some(), {"ids": ids}).rowcount


@cache
def _lock_some() -> Select[Any]:
    return (select(_dossiers.c.id).where(_dossiers.c.id.in_(bindparam("ids", expanding=True)))
            .order_by(_dossiers.c.id).with_for_update())


@cache
def _refresh_some() -> Update:
    """Built once: constructing the four subqueries cost more than running them for one dossier."""
    return update(_dossiers).where(_dossiers.c.id.in_(bindparam("ids", expanding=True))).values(**values())


def _moves_milestones(row: Any) -> bool:
    """Can this row, as it is now, be one a milestone reads?"""
    if isinstance(row, Message):
        return row.direction == OUTBOUND
    if isinstance(row, StatusHistory):
        return row.to_status in _CHAIN_CODES or row.to_status in kpis.LOST
    return True


def _dossiers_touched(row: Any) -> set[Any]:
    """The row's dossier, and the one it left if it moved."""
    found = {row.dossier_id}
    found.update(inspect(row).attrs["dossier_id"].history.deleted or ())
    return found


def _after_insert(mapper, connection, row) -> None:  # type: ignore[no-untyped-def]
    if _moves_milestones(row):
        refresh(connection, [row.dossier_id])


def _after_update(mapper, connection, row) -> None:  # type: ignore[no-untyped-def]
    state = inspect(row)
    changed = [name for name in WATCHED[type(row)] if state.attrs[name].history.has_changes()]
    was_relevant = isinstance(row, Message) and OUTBOUND in (state.attrs["direction"].history.deleted or ())
    if changed and (_moves_milestones(row) or was_relevant):
        refresh(connection, _dossiers_touched(row))


def _after_delete(mapper, connection, row) -> None:  # type: ignore[no-untyped-def]
    if _moves_milestones(row):
        refresh(connection, [row.dossier_id])


for _model in WATCHED:
    event.listen(_model, "after_insert", _after_insert)
    event.listen(_model, "after_update", _after_update)
    event.listen(_model, "after_delete", _after_delete)
