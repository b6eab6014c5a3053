"""Keeps search documents in step with dossiers, stakeholders, notes and messages.

Mapper events write through the flushing connection, i.e. inside the transaction of the use case
that changed the row: whatever code path writes a dossier or a message, search sees it, and a
rolled-back change leaves no document behind. Bulk loads that bypass the ORM run
``atlas-crm search-reindex`` (service_layer/search.py) afterwards.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, event, inspect, select

from atlas_crm.adapters import search_index as index
from atlas_crm.adapters.orm import Activity, Dossier, Message, Stakeholder
from atlas_crm.domain.search_text import document, excerpt

USER_ENTRIES = ("ACT_NOTE", "ACT_TASK")  # system timeline entries only repeat what is indexed elsewhere
WATCHED = {
    Dossier: ("contact_name", "phone", "email"),
    Stakeholder: ("full_name", "role", "phone", "email"),
    Activity: ("content",),
    Message: ("content", "deleted_at"),
}


def dossier_doc(d: Dossier) -> index.Doc:
    return index.Doc(d.org_id, index.DOSSIER, str(d.id), d.id,
                     label=d.contact_name or d.phone or d.email or "Dossier",
                     snippet=" · ".join(p for p in (d.phone, d.email) if p),
                     title_words=document(d.contact_name, d.email, phones=[d.phone]), body_words=" ",
                     occurred_at=d.created_at)


def stakeholder_doc(s: Stakeholder) -> index.Doc:
    return index.Doc(s.org_id, index.STAKEHOLDER, str(s.id), s.dossier_id,
                     label=f"{s.full_name} ({s.role})",
                     snippet=" · ".join(p for p in (s.phone, s.email) if p),
                     title_words=document(s.full_name, s.email, phones=[s.phone]), body_words=" ",
                     occurred_at=s.created_at)


def note_doc(a: Activity) -> index.Doc | None:
    if a.type not in USER_ENTRIES or not (a.content or "").strip():
        return None
    return index.Doc(a.org_id, index.NOTE, str(a.id), a.dossier_id, label=excerpt(a.content, 80) or "",
                     snippet=excerpt(a.content), title_words=" ", body_words=document(a.content),
                     occurred_at=a.created_at)


def message_doc(m: Message) -> index.Doc | None:
    if m.deleted_at is not None or not (m.content or "").strip():
        return None
    return index.Doc(m.org_id, index.MESSAGE, str(m.id), m.dossier_id,
                     label=f"{m.direction} {m.channel} message", snippet=excerpt(m.content),
                     title_words=" ", body_words=document(m.content), occurred_at=m.occurred_at)


BUILDERS: dict[type, tuple[str, Any]] = {
    Dossier: (index.DOSSIER, dossier_doc), Stakeholder: (index.STAKEHOLDER, stakeholder_doc),
    Activity: (index.NOTE, note_doc), Message: (index.MESSAGE, message_doc)}
# The columns each builder reads: reindexing selects only these (it also runs inside migrations).
SOURCES = {
    Dossier: ("id", "org_id", "contact_name", "phone", "email", "created_at"),
    Stakeholder: ("id", "org_id", "dossier_id", "full_name", "role", "phone", "email", "created_at"),
    Activity: ("id", "org_id", "dossier_id", "type", "content", "created_at"),
    Message: ("id", "org_id", "dossier_id", "direction", "channel", "content", "deleted_at", "occurred_at"),
}


def reindex(connection: Connection, batch: int = 2000) -> dict[str, int]:
    """(Re)build every document from the source tables, in batches; returns documents per kind."""
    written: dict[str, int] = {}
    for model, columns in SOURCES.items():
        kind, build = BUILDERS[model]
        table = model.__table__  # type: ignore[attr-defined]
        stmt = select(*(table.c[name] for name in columns))
        if model is Activity:
            stmt = stmt.where(table.c.type.in_(USER_ENTRIES))
        result = connection.execute(stmt.execution_options(stream_results=True, yield_per=batch))
        for rows in result.partitions():
            docs = [doc for doc in (build(row) for row in rows) if doc is not None]
            index.upsert_many(connection, docs)
            written[kind] = written.get(kind, 0) + len(docs)
    return written


def write(connection: Connection, row: Any) -> None:
    kind, build = BUILDERS[type(row)]
    doc = build(row)
    if doc is None:
        index.remove(connection, row.org_id, kind, row.id)
    else:
        index.upsert(connection, doc)


def _changed(row: Any) -> bool:
    state = inspect(row)
    return any(state.attrs[name].history.has_changes() for name in WATCHED[type(row)])


def _after_insert(mapper, connection, row) -> None:  # type: ignore[no-untyped-def]
    write(connection, row)


def _after_update(mapper, connection, row) -> None:  # type: ignore[no-untyped-def]
    if _changed(row):
        write(connection, row)


def _after_delete(mapper, connection, row) -> None:  # type: ignore[no-untyped-def]
    index.remove(connection, row.org_id, BUILDERS[type(row)][0], row.id)


for _model in BUILDERS:
    event.listen(_model, "after_insert", _after_insert)
    event.listen(_model, "after_update", _after_update)
    event.listen(_model, "after_delete", _after_delete)
