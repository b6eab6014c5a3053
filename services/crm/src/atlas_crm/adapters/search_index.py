"""The search index behind one interface: PostgreSQL full text (GIN) or SQLite word-prefix LIKE.

Documents are written with the connection of the transaction that changes their source row
(adapters/search_sync.py), so the index never disagrees with what was committed.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Float,
    Select,
    and_,
    case,
    cast,
    delete,
    func,
    literal_column,
    or_,
    select,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from atlas_crm.adapters.orm import Dossier
from atlas_crm.adapters.orm.insights import SearchDocument
from atlas_crm.domain.search_text import Term
from atlas_shared.db.repository import Page
from atlas_shared.db.types import utcnow

DOSSIER, STAKEHOLDER, NOTE, MESSAGE, LISTING = "DOSSIER", "STAKEHOLDER", "NOTE", "MESSAGE", "LISTING"
KINDS = (DOSSIER, STAKEHOLDER, NOTE, MESSAGE, LISTING)
TABLE = SearchDocument.__table__
# The generated column and its GIN index exist on PostgreSQL only (migration i001).
VECTOR = literal_column("search_documents.search_vector")
TITLE_WEIGHT, BODY_WEIGHT = 1.0, 0.4  # ts_rank's defaults for weights A and B


@dataclass(frozen=True)
class Doc:
    org_id: uuid.UUID
    kind: str
    entity_id: str
    dossier_id: uuid.UUID | None
    label: str
    snippet: str | None
    title_words: str
    body_words: str
    occurred_at: datetime | None = None


def upsert(connection: Connection, doc: Doc) -> None:
    upsert_many(connection, [doc])


def upsert_many(connection: Connection, docs: list[Doc]) -> None:
    """Insert or refresh documents (keyed by org, kind and entity id)."""
    if not docs:
        return
    dialect_insert = pg_insert if connection.dialect.name == "postgresql" else sqlite_insert
    stmt = dialect_insert(TABLE)
    changed = {k: stmt.excluded[k] for k in ("dossier_id", "label", "snippet", "title_words", "body_words",
                                             "occurred_at")}
    upsert = stmt.on_conflict_do_update(index_elements=["org_id", "kind", "entity_id"], set_=changed)
    connection.execute(upsert, [_values(doc) for doc in docs])


def _values(doc: Doc) -> dict[str, Any]:
    return {"id": uuid.uuid4(), "org_id": doc.org_id, "kind": doc.kind, "entity_id": doc.entity_id,
            "dossier_id": doc.dossier_id, "label": doc.label[:300], "snippet": doc.snippet,
            "title_words": doc.title_words, "body_words": doc.body_words,
            "occurred_at": doc.occurred_at or utcnow()}


def remove(connection: Connection, org_id: uuid.UUID, kind: str, entity_id: Any) -> None:
    connection.execute(delete(TABLE).where(TABLE.c.org_id == org_id, TABLE.c.kind == kind,
                                           TABLE.c.entity_id == str(entity_id)))


class SearchIndex:
    """Ranked hits of the session's organisation (tenant scoping comes from the session)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.postgres = session.get_bind().dialect.name == "postgresql"

    def search(self, terms: list[Term], *, kinds: tuple[str, ...], assigned_to: str | None,
               page: int, size: int) -> Page[tuple[SearchDocument, float]]:
        match, score = self._postgres(terms) if self.postgres else self._like(terms)
        stmt: Select[Any] = select(SearchDocument, score.label("score")).where(match)
        if set(kinds) != set(KINDS):
            stmt = stmt.where(SearchDocument.kind.in_(kinds))
        if assigned_to is not None:  # an agent: hits on their own dossiers, and the org's listings
            mine = select(Dossier.id).where(Dossier.assigned_to == assigned_to)
            stmt = stmt.where(or_(SearchDocument.kind == LISTING, SearchDocument.dossier_id.in_(mine)))
        total = self.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
        rows = self.session.execute(stmt.order_by(literal_column("score").desc(),
                                                  SearchDocument.occurred_at.desc(), SearchDocument.id)
                                    .limit(size).offset((page - 1) * size)).all()
        return Page(page=page, size=size, total=total, items=[(doc, float(s)) for doc, s in rows])

    @staticmethod
    def _postgres(terms: list[Term]) -> tuple[ColumnElement[bool], ColumnElement[Any]]:
        # Terms are [a-z0-9]+ only (domain.search_text), so they cannot break the tsquery syntax.
        text = " & ".join("(" + " | ".join(f"{alt}:*" for alt in term) + ")" for term in terms)
        query = func.to_tsquery(literal_column("'simple'::regconfig"), text)
        return VECTOR.op("@@")(query), func.ts_rank(VECTOR, query)

    @staticmethod
    def _like(terms: list[Term]) -> tuple[ColumnElement[bool], ColumnElement[Any]]:
        title, body = SearchDocument.title_words, SearchDocument.body_words
        matches, scores = [], []
        for term in terms:
            in_title = or_(*(title.like(f"% {alt}%") for alt in term))
            in_body = or_(*(body.like(f"% {alt}%") for alt in term))
            matches.append(or_(in_title, in_body))
            scores.append(case((in_title, TITLE_WEIGHT), (in_body, BODY_WEIGHT), else_=0.0))
        total = scores[0]
        for extra in scores[1:]:
            total = total + extra
        return and_(*matches), cast(total / len(terms), Float)
