"""Admission: everything a message must pass before it is queued, in one place for every source.

The API, the CRM's ``message.outbound_requested`` and the co-op's ``notification.requested`` all come
through :func:`admit`. Cheap checks first; the quota counters last, so their row locks are held for
the shortest time.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from atlas_outbound.adapters import repositories as repo
from atlas_outbound.domain import limits, policy, templates
from atlas_outbound.domain.policy import Refusal
from atlas_outbound.settings import OutboundSettings

API, CRM, COOP = "API", "CRM", "COOP"


@dataclass
class Draft:
    source: str
    channel: str
    to: str
    text: str | None = None
    subject: str | None = None
    template_code: str | None = None
    template_language: str | None = None
    variables: dict[str, Any] = field(default_factory=dict)
    dossier_id: str | None = None
    subject_type: str = policy.DOSSIER
    subject_id: str | None = None


@dataclass(frozen=True)
class Admission:
    to: str
    text: str | None
    subject: str | None
    template_values: list[str]
    consent_basis: dict[str, Any]
    due_at: datetime


def admit(session: Session, draft: Draft, settings: OutboundSettings, now: datetime, *,
          email_ready: bool) -> Admission:
    admission = check(Reads(session), draft, now, email_ready=email_ready)
    due_at = _count_send(session, settings, now, defer=draft.source != API)
    return replace(admission, due_at=due_at)


class Reads:
    """The rows admission reads, each once per ``Reads`` (one admission, or a whole batch: one
    request, one transaction). A template is read with whether its channel has a provider account
    (one statement for both)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._seen: dict[tuple[Any, ...], Any] = {}

    def _once(self, key: tuple[Any, ...], read: Any) -> Any:
        if key not in self._seen:
            self._seen[key] = read()
        return self._seen[key]

    def template(self, channel: str, code: str, language: str) -> Any:
        key = ("template", channel, code, language)
        if key not in self._seen:
            found = repo.template_and_provider(self.session, channel, code, language)
            self._seen[key] = found[0] if found else None
            if found:
                self._seen[("provider", channel)] = found[1]
        return self._seen[key]

    def consent(self, subject_type: str, subject_id: str, channel: str, consent_type: str) -> Any:
        return self._once(("consent", subject_type, subject_id, channel, consent_type),
                          lambda: repo.consent_for(self.session, subject_type, subject_id, channel,
                                                   consent_type))

    def provider_ready(self, channel: str) -> bool:
        return bool(self._once(("provider", channel),
                               lambda: repo.provider_config(self.session, channel) is not None))

    def window(self, channel: str, phone: str) -> Any:
        return self._once(("window", channel, phone),
                          lambda: repo.contact_window(self.session, channel, phone))


def check(reads: Reads, draft: Draft, now: datetime, *, email_ready: bool) -> Admission:
    """Every rule but the org's limits (``due_at`` is ``now``; ``admit`` and ``count_batch`` count)."""
    to = policy.normalise_recipient(draft.channel, draft.to)
    text, subject, values, category = _content(reads, draft)
    if draft.channel == "WHATSAPP" and not draft.template_code:
        window = reads.window("WHATSAPP", to)
        policy.check_whatsapp_window(window.last_inbound_at if window else None, now)
    basis = _consent(reads, draft, to, policy.required_consent_type(category), now)
    _check_provider(reads, draft.channel, email_ready)
    return Admission(to=to, text=text, subject=subject, template_values=values, consent_basis=basis,
                     due_at=now)


def _content(reads: Reads, draft: Draft) -> tuple[str | None, str | None, list[str], str | None]:
    if not draft.template_code:
        if not (draft.text or "").strip():
            raise Refusal("VALIDATION_ERROR", "Send either text or a templateCode.",
                          details={"text": ["Required without templateCode."]})
        return draft.text, draft.subject, [], None
    language = draft.template_language or "fr"
    template = reads.template(draft.channel, draft.template_code, language)
    if template is None or not template.active:
        state = "inactive" if template else "not registered"
        raise Refusal("TEMPLATE_NOT_FOUND", f"Template {draft.template_code} ({language}, {draft.channel}) "
                      f"is {state}.", status=422, details={"templateCode": [state]})
    values = templates.check_variables(template.variables or [], draft.variables or {}, draft.channel)
    if draft.channel == "WHATSAPP":
        return None, None, values, template.category
    names = [v["name"] for v in template.variables or []]
    text = templates.render(template.body or "", names, values)
    subject = templates.render(template.subject or "", names, values) or draft.subject
    return text, subject, values, template.category


def _consent(reads: Reads, draft: Draft, to: str, consent_type: str, now: datetime) -> dict[str, Any]:
    subject_id = draft.subject_id or draft.dossier_id
    found = reads.consent(draft.subject_type, subject_id, draft.channel, consent_type) if subject_id else None
    local = found.status if found else "UNKNOWN"
    if draft.source != API:
        # The CRM / co-op decided when the user asked; a second decision here could disagree.
        return {"decidedBy": draft.source, "consentType": consent_type, "localView": local,
                "checkedAt": now.isoformat()}
    facts = policy.ConsentFacts(found.status, found.expires_at, found.phone, found.email) if found else None
    policy.check_consent(facts, channel=draft.channel, to=to, consent_type=consent_type, now=now)
    return {"decidedBy": "OUTBOUND", "consentType": consent_type, "status": local,
            "capturedAt": found.captured_at.isoformat() if found and found.captured_at else None,
            "checkedAt": now.isoformat()}


def _check_provider(reads: Reads, channel: str, email_ready: bool) -> None:
    ready = email_ready if channel == "EMAIL" else reads.provider_ready(channel)
    if not ready:
        raise Refusal("PROVIDER_NOT_CONFIGURED", f"No {channel} provider is configured for this "
                      "organisation.", status=422, details={"channel": [channel]})


def current_limits(session: Session, settings: OutboundSettings) -> limits.Limits:
    row = repo.org_limits(session)
    return _limits(settings, row.daily_quota, row.per_minute) if row else _limits(settings, None, None)


def _limits(settings: OutboundSettings, daily: int | None, per_minute: int | None) -> limits.Limits:
    """The org's override, else the defaults."""
    return limits.Limits(daily, per_minute) if daily is not None and per_minute is not None else \
        limits.Limits(settings.daily_quota, settings.per_minute)


def _count_send(session: Session, settings: OutboundSettings, now: datetime, *, defer: bool) -> datetime:
    """Both counters move in one statement; a refusal rolls the transaction (or the event's savepoint)
    back, so a refused message counts in neither."""
    counts, override = repo.bump_counters(session, {limits.DAY: limits.window_start(limits.DAY, now),
                                                    limits.MINUTE: limits.window_start(limits.MINUTE, now)})
    lim = current_limits(session, settings) if override is None else _limits(settings, *override)
    if counts[limits.DAY] > lim.daily_quota:
        raise _quota_exceeded(lim, now)
    minute = counts[limits.MINUTE]
    if minute <= lim.per_minute:
        return now
    if defer:
        return limits.deferral(minute, lim.per_minute, now) or now
    raise _rate_limited(lim, now)


def count_batch(session: Session, settings: OutboundSettings, now: datetime, n: int) -> list[Refusal | None]:
    """``_count_send`` for ``n`` API messages at once, in order: one statement per counter, and the
    ones beyond the daily quota or the minute's rate refused (and not counted) with the code each
    would have got one by one."""
    if n == 0:
        return []
    lim = current_limits(session, settings)
    day_start, minute_start = limits.window_start(limits.DAY, now), limits.window_start(limits.MINUTE, now)
    day = repo.bump_counter(session, limits.DAY, day_start, by=n)
    over_day = max(0, min(n, day - lim.daily_quota))
    fit = n - over_day
    over_minute = 0
    if fit:
        minute = repo.bump_counter(session, limits.MINUTE, minute_start, by=fit)
        over_minute = max(0, min(fit, minute - lim.per_minute))
        if over_minute:
            repo.bump_counter(session, limits.MINUTE, minute_start, by=-over_minute)
    if over_day + over_minute:
        repo.bump_counter(session, limits.DAY, day_start, by=-(over_day + over_minute))
    allowed = fit - over_minute
    # One by one, the first refused message meets a full minute (and every later one too: refused
    # messages do not count) unless the day's quota ran out first.
    refusal = _rate_limited(lim, now) if over_minute else _quota_exceeded(lim, now)
    return [None] * allowed + [refusal] * (n - allowed)


def _quota_exceeded(lim: limits.Limits, now: datetime) -> Refusal:
    resets = limits.next_window(limits.DAY, now)
    return Refusal("QUOTA_EXCEEDED", f"The organisation's daily quota of {lim.daily_quota} messages is "
                   "used up.", status=429, details={
                       "dailyQuota": lim.daily_quota, "resetsAt": resets.isoformat(),
                       "retryAfterSeconds": int((resets - now).total_seconds()) + 1})


def _rate_limited(lim: limits.Limits, now: datetime) -> Refusal:
    retry = max(1, int((limits.next_window(limits.MINUTE, now) - now).total_seconds()) + 1)
    return Refusal("RATE_LIMITED", f"At most {lim.per_minute} messages per minute for this organisation.",
                   status=429, details={"perMinute": lim.per_minute, "retryAfterSeconds": retry})
