"""Coop notifications sent through the outbound service (domain.md section 7): templates and keys."""

from __future__ import annotations

CALL_FOR_FUNDS = "EVT_COOP_CALL_FOR_FUNDS"
PAYMENT_REMINDER = "EVT_COOP_PAYMENT_REMINDER"
PAYMENT_LATE = "EVT_COOP_PAYMENT_LATE"
PV_PUBLISHED = "EVT_COOP_PV_PUBLISHED"
ALLOCATION_PROPOSED = "EVT_COOP_ALLOCATION_PROPOSED"
ALLOCATION_ASSIGNED = "EVT_COOP_ALLOCATION_ASSIGNED"
PROJECT_MILESTONE = "EVT_COOP_PROJECT_MILESTONE"
STATUS_CHANGE = "EVT_COOP_STATUS_CHANGE"
TEMPLATES = (CALL_FOR_FUNDS, PAYMENT_REMINDER, PAYMENT_LATE, PV_PUBLISHED, ALLOCATION_PROPOSED,
             ALLOCATION_ASSIGNED, PROJECT_MILESTONE, STATUS_CHANGE)

# The variables each template receives (all text): every message carries member_name and group_name;
# the plan's id and version wherever the message is about money. Optional ones may be absent.
COMMON = ("member_name", "group_name")
PLAN_REF = ("plan_id", "plan_version")
VARIABLES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {  # template: (required, optional)
    CALL_FOR_FUNDS: ((*COMMON, "instalment_count", "first_due_date", "first_amount", *PLAN_REF), ()),
    PAYMENT_REMINDER: ((*COMMON, "due_date", "amount_due", "reminder", *PLAN_REF), ()),
    PAYMENT_LATE: ((*COMMON, "due_date", "amount_due", "penalty", "total", *PLAN_REF), ()),
    PV_PUBLISHED: ((*COMMON, "decision", "effective_from", *PLAN_REF), ()),
    ALLOCATION_PROPOSED: ((*COMMON, "lot_code", "project_name", "fifo_rank"), ()),
    ALLOCATION_ASSIGNED: ((*COMMON, "lot_code"), ()),
    PROJECT_MILESTONE: ((*COMMON, "project_name", "milestone"), ("lot_code",)),
    STATUS_CHANGE: ((*COMMON, "subject", "status"), ()),
}

CHANNEL, LANGUAGE = "WHATSAPP", "fr"
REQUESTED, NO_CONSENT, NO_PHONE = "REQUESTED", "NOT_SENT_NO_CONSENT", "NOT_SENT_NO_PHONE"
REMINDER_DAYS = (3, 1)  # D-3 and D-1


def notification_key(org_id: str, template: str, entity_type: str, entity_id: str, logical_event: str,
                     member_id: str) -> str:
    """Idempotency key: one message per (org, template, entity, logical event) and recipient."""
    return ":".join((org_id, template, entity_type, entity_id, logical_event, member_id))


def reminder_due(days_left: int) -> str | None:
    """Which reminder a still unpaid instalment gets today: D-3 (3 or 2 days left), D-1 (1 day left)."""
    if days_left == 1:
        return "D-1"
    if 2 <= days_left <= 3:
        return "D-3"
    return None
