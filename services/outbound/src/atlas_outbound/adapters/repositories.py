"""Outbound persistence. Tenant scoping comes from the session (atlas_shared.db.tenancy)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, exists, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from atlas_outbound.adapters.orm import (
    Consent,
    ContactWindow,
    DeadLetter,
    IdempotencyKey,
    OrgLimits,
    OutboundMessage,
    ProviderConfig,
    SendCounter,
    Template,
)
from atlas_outbound.domain import statuses
from atlas_shared.db.repository import Page, Repository, apply_sort, as_uuid

SORTABLE = {"createdAt": OutboundMessage.created_at, "updatedAt": OutboundMessage.updated_at,
            "status": OutboundMessage.status, "sentAt": OutboundMessage.sent_at}


class MessageRepository(Repository[OutboundMessage]):
    model = OutboundMessage
    label = "Outbound message"
    not_found_code = "MESSAGE_NOT_FOUND"

    def with_attempts(self, message_id: Any) -> OutboundMessage:
        key = as_uuid(message_id)
        found = self.session.scalar(self.select().options(selectinload(OutboundMessage.attempts))
                                    .where(OutboundMessage.id == key)) if key else None
        if found is None:
            raise self.not_found(f"{self.label} {message_id} not found.", code=self.not_found_code)
        return found

    def search(self, f: dict[str, Any]) -> Page[OutboundMessage]:
        stmt: Select[Any] = self.select().options(selectinload(OutboundMessage.attempts))
        for key, column in (("dossierId", OutboundMessage.dossier_id), ("status", OutboundMessage.status),
                            ("channel", OutboundMessage.channel), ("source", OutboundMessage.source)):
            if f.get(key):
                stmt = stmt.where(column == f[key])
        if f.get("from"):
            stmt = stmt.where(OutboundMessage.created_at >= f["from"])
        if f.get("to"):
            stmt = stmt.where(OutboundMessage.created_at < f["to"])
        stmt = apply_sort(stmt, f.get("sort"), SORTABLE, "-createdAt", tiebreak=OutboundMessage.id)
        return self.page(stmt, f.get("page", 1), f.get("size", 20))

    def by_field(self, column: Any, value: Any) -> OutboundMessage | None:
        return self.session.scalar(self.select().where(column == value)) if value else None


class TemplateRepository(Repository[Template]):
    model = Template
    label = "Template"
    not_found_code = "TEMPLATE_NOT_FOUND"

    def find_key(self, channel: str, code: str, language: str) -> Template | None:
        return self.session.scalar(self.select().where(Template.channel == channel, Template.code == code,
                                                       Template.language == language))

    def search(self, f: dict[str, Any]) -> Page[Template]:
        stmt = self.select()
        for key, column in (("channel", Template.channel), ("code", Template.code),
                            ("active", Template.active)):
            if f.get(key) is not None:
                stmt = stmt.where(column == f[key])
        stmt = stmt.order_by(Template.channel, Template.code, Template.language)
        return self.page(stmt, f.get("page", 1), f.get("size", 20))


def template_and_provider(session: Any, channel: str, code: str,
                          language: str) -> tuple[Template, bool] | None:
    """The template (``TemplateRepository.find_key``) and whether the org has a provider account
    for its channel (``provider_config`` is not None), in one statement; None without a template."""
    has_provider = exists().where(ProviderConfig.channel == Template.channel,
                                  ProviderConfig.org_id == Template.org_id)
    row = session.execute(select(Template, has_provider).where(
        Template.channel == channel, Template.code == code, Template.language == language)).first()
    return (row[0], bool(row[1])) if row else None


def consent_for(session: Any, subject_type: str, subject_id: str, channel: str,
                consent_type: str) -> Consent | None:
    return session.scalar(select(Consent).where(
        Consent.subject_type == subject_type, Consent.subject_id == subject_id,
        Consent.channel == channel, Consent.consent_type == consent_type))


def contact_window(session: Any, channel: str, phone: str) -> ContactWindow | None:
    return session.scalar(select(ContactWindow).where(ContactWindow.channel == channel,
                                                      ContactWindow.phone == phone))


def provider_config(session: Any, channel: str) -> ProviderConfig | None:
    return session.scalar(select(ProviderConfig).where(ProviderConfig.channel == channel))


def org_limits(session: Any) -> OrgLimits | None:
    return session.scalar(select(OrgLimits))


def idempotency_key(session: Any, key: str, *, for_update: bool = False) -> IdempotencyKey | None:
    stmt = select(IdempotencyKey).where(IdempotencyKey.key == key)
    return session.scalar(stmt.with_for_update() if for_update else stmt)


def open_dead_letter(session: Any, message_id: Any) -> DeadLetter | None:
    return session.scalar(select(DeadLetter).where(DeadLetter.message_id == message_id,
                                                   DeadLetter.resolved_at.is_(None)))


def bump_counter(session: Any, kind: str, start: datetime, by: int = 1) -> int:
    """Count ``by`` more sends in the org's window (one UPDATE … RETURNING: the row lock serialises
    concurrent senders of the org until their transactions end); the new count."""
    stmt = (update(SendCounter).where(SendCounter.kind == kind, SendCounter.window_start == start)
            .values(count=SendCounter.count + by).returning(SendCounter.count)
            .execution_options(synchronize_session=False))
    count = session.scalar(stmt)
    if count is None:
        try:
            with session.begin_nested():
                session.add(SendCounter(kind=kind, window_start=start, count=by))
            return by
        except IntegrityError:  # another transaction created it first
            count = session.scalar(stmt)
    return int(count)


def bump_counters(session: Any, windows: dict[str, datetime]) -> tuple[dict[str, int], Any]:
    """``bump_counter`` for several windows (the day's and the minute's) in one UPDATE … RETURNING.
    Returns the new counts and what ``org_limits`` would read, fetched by the same statement:
    ``(daily_quota, per_minute)`` of the org's override, ``(None, None)`` without one, or ``None``
    when a window had no row yet (then not read). The rows are locked by a subquery in ``kind``
    order — the order ``bump_counter`` callers take them one by one — so two transactions never wait
    on each other crosswise (an UPDATE alone locks in heap order, which changes as rows get new
    versions). A window not counted yet gets its row as ``bump_counter`` makes it."""
    wanted = or_(*[and_(SendCounter.kind == kind, SendCounter.window_start == start)
                   for kind, start in windows.items()])
    rows = select(SendCounter.id).where(wanted).order_by(SendCounter.kind).with_for_update()
    override = [select(column).where(OrgLimits.org_id == SendCounter.org_id).scalar_subquery()
                for column in (OrgLimits.daily_quota, OrgLimits.per_minute)]
    stmt = (update(SendCounter).where(SendCounter.id.in_(rows))
            .values(count=SendCounter.count + 1).returning(SendCounter.kind, SendCounter.count, *override)
            .execution_options(synchronize_session=False))
    counts: dict[str, int] = {}
    limits: Any = None
    for kind, count, daily, per_minute in session.execute(stmt):
        counts[kind], limits = int(count), (daily, per_minute)
    for kind in sorted(windows):
        if kind not in counts:
            counts[kind], limits = bump_counter(session, kind, windows[kind]), None
    return counts, limits


def queued_for_subject(session: Any, subject_type: str, subject_id: str,
                       channel: str) -> list[OutboundMessage]:
    """The subject's QUEUED messages on ``channel``, locked (rows a worker holds are skipped)."""
    subject = [OutboundMessage.subject_id == subject_id]
    dossier_id = as_uuid(subject_id) if subject_type == "DOSSIER" else None
    if dossier_id is not None:
        subject.append(OutboundMessage.dossier_id == dossier_id)
    return list(session.scalars(
        select(OutboundMessage)
        .where(OutboundMessage.subject_type == subject_type, or_(*subject),
               OutboundMessage.channel == channel, OutboundMessage.status == statuses.QUEUED)
        .with_for_update(skip_locked=True)))
