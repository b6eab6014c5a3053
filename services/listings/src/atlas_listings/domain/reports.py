"""Public reports (signalements) on a listing: reasons, review workflow, moderation follow-up."""

from __future__ import annotations

OPEN, IN_REVIEW, CLOSED = "REPORT_OPEN", "REPORT_IN_REVIEW", "REPORT_CLOSED"
STATUSES = (OPEN, IN_REVIEW, CLOSED)
REASONS = ("REPORT_FRAUD", "REPORT_DUPLICATE", "REPORT_WRONG_INFO", "REPORT_SPAM", "REPORT_OTHER")
# A report may be dismissed straight away (OPEN -> CLOSED); a closed report is final.
NEXT = {OPEN: frozenset({IN_REVIEW, CLOSED}), IN_REVIEW: frozenset({CLOSED}), CLOSED: frozenset()}
# The suspension reason that a report's reason suggests when the moderator suspends from it.
SUSPEND_REASON_FOR = {"REPORT_FRAUD": "MOD_SUSPECT_FRAUD", "REPORT_DUPLICATE": "MOD_DUPLICATE_LISTING",
                      "REPORT_SPAM": "MOD_OTHER", "REPORT_WRONG_INFO": "MOD_OTHER",
                      "REPORT_OTHER": "MOD_OTHER"}


def may_move(current: str, wanted: str) -> bool:
    return wanted in NEXT.get(current, frozenset())
